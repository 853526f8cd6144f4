package dev.recur.diagnostics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.data.Batch;
import dev.recur.model.CharLanguageModel;
import dev.recur.model.Model;
import dev.recur.model.ModelCodecs;
import dev.recur.model.SequenceModel;
import dev.recur.model.SequenceModelConfig;
import dev.recur.nn.Activations;
import dev.recur.nn.FiniteDifference;
import dev.recur.nn.Linear;
import dev.recur.nn.Module;
import dev.recur.nn.Parameter;
import dev.recur.nn.Pooling;
import dev.recur.nn.loss.CrossEntropy;
import dev.recur.nn.loss.Loss;
import dev.recur.nn.loss.Targets;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.recurrent.LstmGate;
import dev.recur.nn.sequence.InputGradients;
import dev.recur.nn.sequence.SequenceOutput;
import dev.recur.nn.sequence.State;
import dev.recur.tasks.AddingProblem;
import dev.recur.tasks.Experiment;
import dev.recur.tasks.ExperimentConfig;
import dev.recur.tasks.LagRecall;
import dev.recur.tasks.Task;
import dev.recur.tasks.TemporalOrder;
import dev.recur.tensor.Precision;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The diagnostics' per-step gradients are the core's BPTT: they equal the initial-state gradient of
 * the core run from the state at step t, they match finite differences of the loss with respect to
 * an additive perturbation of that state, and padding is handled as the core handles it. This holds
 * for any model with one single-layer unidirectional recurrent stack: the long-lag task models
 * (numeric input, read at the last step), a token classifier (embedding, last-step pooling) and the
 * character model (one output per step).
 */
class DiagnosticsTest {

    private static final int NB = 3;
    private static final int NH = 4;

    /** The long-lag task model: the task's features, one layer of {@code hidden} units, read at each sequence's end. */
    private static SequenceModel<double[]> model(Task task, CellKind cell, int hidden, long seed) {
        return SequenceModel.create(SequenceModelConfig.builder().features(task.inputSize()).cell(cell, hidden)
                .pooling(Pooling.Kind.LAST).outputs(task.outputs()).chronoHorizon(task.maxSteps()).build(),
                Precision.F64, seed);
    }

    private static Loss loss(Task task) {
        return task.objective().loss();
    }

    /**
     * The forward pass of a {@link SequenceModel} (input, one recurrent layer, optional pooling,
     * head; evaluation mode) taken apart at the state after step {@code t}: the core run over steps
     * {@code 0..t}, the state replaced, the core run over {@code t+1..T-1} from it, then the pooling,
     * the head and {@code L = B · loss} (the sum of the sequences' own losses) over the whole output.
     * A batch of sequences of equal length.
     */
    private static final class Split {
        final SequenceModel<double[]> m;
        final Loss loss;
        final Batch batch;
        /** The recurrent layer's input {@code [T, B, I]}: the embeddings or the features. */
        final double[] x;
        final int nt;
        final int nb;
        final int ni;
        final int nh;

        Split(SequenceModel<double[]> m, Loss loss, Batch batch) {
            assertNull(batch.lengths(), "sequences of equal length");
            assertFalse(m.isTraining(), "evaluation mode");
            this.m = m;
            this.loss = loss;
            this.batch = batch;
            this.x = m.embedding() != null ? m.embedding().forward(batch.tokenIds()).values().clone()
                    : batch.features().clone();
            this.nt = batch.steps();
            this.nb = batch.batch();
            this.ni = m.rnn().config().inputSize();
            this.nh = m.rnn().config().hiddenSize();
        }

        /** The core run over steps {@code from..to-1} of {@code input} from {@code state} (null: zeros). */
        SequenceOutput<double[]> run(double[] input, int from, int to, State<double[]> state) {
            int row = nb * ni;
            double[] slice = Arrays.copyOfRange(input, from * row, to * row);
            return m.rnn().forward(Activations.sequence(slice, to - from, nb, ni), state, false);
        }

        /**
         * {@code L} of the recurrent layer's output {@code y [T, B, H]}; with {@code dY} non-null,
         * also {@code dL/dy} into it, by the model's own pooling and head (whose gradients are zeroed).
         */
        double readout(double[] y, double[] dY) {
            Activations<double[]> ya = Activations.sequence(y, nt, nb, nh);
            Activations<double[]> out = m.head().forward(m.pool() == null ? ya : m.pool().forward(ya));
            double[] d = new double[out.rows() * out.width()];
            double value = loss.compute(Precision.F64, out, batch.targets(), d).value();
            if (dY != null) {
                for (int i = 0; i < d.length; i++) {
                    d[i] *= nb;
                }
                Activations<double[]> dz = m.head().backward(out.with(d, out.width()));
                double[] dy = (m.pool() == null ? dz : m.pool().backward(dz)).values();
                System.arraycopy(dy, 0, dY, 0, dY.length);
                m.zeroGrad();
            }
            return value * nb;
        }

        /**
         * {@code L} with the state after step {@code t} replaced by {@code (h, c)} ({@code c} null
         * but for the LSTM): the output rows before {@code t} from {@code head}, {@code h} at row
         * {@code t}, then the core run from {@code (h, c)}. With {@code grads} non-null, also
         * {@code grads[0] = dL/dy_t} (the readout's gradient at step {@code t}) and
         * {@code grads[1..2]} = the core's initial-state gradient of the run after {@code t} (h, c).
         */
        double lossFrom(int t, SequenceOutput<double[]> head, double[] h, double[] c, double[][] grads) {
            int row = nb * nh;
            double[] y = new double[nt * row];
            System.arraycopy(head.output(), 0, y, 0, t * row);
            System.arraycopy(h, 0, y, t * row, row);
            SequenceOutput<double[]> tail = t + 1 < nt ? run(x, t + 1, nt, new State<>(h, c)) : null;
            if (tail != null) {
                System.arraycopy(tail.output(), 0, y, (t + 1) * row, (nt - 1 - t) * row);
            }
            if (grads == null) {
                return readout(y, null);
            }
            double[] dY = new double[nt * row];
            double value = readout(y, dY);
            grads[0] = Arrays.copyOfRange(dY, t * row, (t + 1) * row);
            if (tail == null) {
                grads[1] = new double[row];
                grads[2] = c == null ? null : new double[row];
            } else {
                InputGradients<double[]> g = m.rnn().backward(tail.tape(), Arrays.copyOfRange(dY, (t + 1) * row,
                        nt * row), null, false);
                m.zeroGrad();
                grads[1] = g.initialState().h();
                grads[2] = g.initialState().c();
            }
            return value;
        }
    }

    /** Rows {@code t} of {@code [T, B, H]}. */
    private static double[] step(double[] a, int t, int rowSize) {
        return Arrays.copyOfRange(a, t * rowSize, (t + 1) * rowSize);
    }

    /**
     * Checks every gradient of {@link Diagnostics#stateGradients} on a batch of sequences of equal
     * length: the input's and the initial state's against the core's BPTT over the whole sequence
     * and the input's against finite differences; {@code dL/dh_t} and {@code dL/dc_t} at every step
     * against the core run from the state at step {@code t} and against finite differences.
     */
    private static StateGradients checkAgainstCore(SequenceModel<double[]> m, Loss loss, Batch batch, String what) {
        m.setTraining(false);
        CellKind cell = m.rnn().config().cell();
        Split s = new Split(m, loss, batch);
        StateGradients g = Diagnostics.stateGradients(m, loss, batch);
        final int nt = s.nt;
        final int nb = s.nb;
        final int row = nb * s.nh;
        assertEquals(cell == CellKind.LSTM, g.cellState() != null);
        assertEquals(cell == CellKind.LSTM, g.initialCell() != null);
        assertEquals(nt, g.steps());
        assertEquals(nb, g.batch());
        assertEquals(s.ni, g.inputSize());

        // the whole sequence: the core's gradient of the input and of the initial state, and the mean loss
        SequenceOutput<double[]> whole = s.run(s.x, 0, nt, null);
        double[] dY = new double[nt * row];
        double total = s.readout(whole.output(), dY);
        assertEquals(total / nb, g.loss(), 1e-14 * Math.max(1, Math.abs(total)), "the batch's mean loss");
        InputGradients<double[]> core = m.rnn().backward(whole.tape(), dY, null, true);
        m.zeroGrad();
        assertClose(core.initialState().h(), g.initialHidden(), "dL/dh_-1");
        assertClose(core.dx(), g.input(), "dL/dx");
        if (cell == CellKind.LSTM) {
            assertClose(core.initialState().c(), g.initialCell(), "dL/dc_-1");
        }

        FiniteDifference fd = new FiniteDifference();
        double[] x = s.x.clone();
        fd.check("dL/dx", x, g.input(), () -> s.readout(s.run(x, 0, nt, null).output(), null));
        for (int step = 0; step < nt; step++) {
            final int t = step;
            SequenceOutput<double[]> head = s.run(s.x, 0, t + 1, null);
            State<double[]> state = head.finalState();
            double[][] grads = new double[3][];
            s.lossFrom(t, head, state.h(), state.c(), grads);
            double[] dh = step(g.hidden(), t, s.nh * nb);
            // the state after t reaches the loss through the output at t and through the steps after t
            double[] expectedH = new double[row];
            for (int i = 0; i < row; i++) {
                expectedH[i] = grads[0][i] + grads[1][i];
            }
            assertClose(expectedH, dh, "dL/dh_" + t + " against the core run from step " + t);
            double[] h = state.h().clone();
            double[] c0 = state.c() == null ? null : state.c().clone();
            fd.check("dL/dh_" + t, h, dh, () -> s.lossFrom(t, head, h, c0, null));
            if (cell == CellKind.LSTM) {
                // dL/dc_t is the total derivative, with h_t = o_t tanh(c_t) following c_t
                double[] gates = head.tape().cache(0, 0).gateValues;
                double[] o = new double[row];
                double[] expectedC = new double[row];
                for (int b = 0; b < nb; b++) {
                    for (int j = 0; j < s.nh; j++) {
                        int i = b * s.nh + j;
                        o[i] = gates[(t * nb + b) * 4 * s.nh + LstmGate.OUTPUT.offset(s.nh) + j];
                        double tc = Math.tanh(state.c()[i]);
                        expectedC[i] = grads[2][i] + expectedH[i] * o[i] * (1 - tc * tc);
                    }
                }
                double[] dc = step(g.cellState(), t, row);
                assertClose(expectedC, dc, "dL/dc_" + t + " against the core run from step " + t);
                double[] c = state.c().clone();
                fd.check("dL/dc_" + t, c, dc, () -> {
                    double[] hc = new double[row];
                    for (int i = 0; i < row; i++) {
                        hc[i] = o[i] * Math.tanh(c[i]);
                    }
                    return s.lossFrom(t, head, hc, c, null);
                });
            }
        }
        fd.assertPassed("diagnostics " + cell.id() + " on " + what);
        return g;
    }

    /** For a model read at the last step: {@code dL/dh_{T-1} = dPred W_head}, by hand. */
    private static void checkLastStepByHand(SequenceModel<double[]> m, Loss loss, Batch batch, StateGradients g) {
        Activations<double[]> out = m.forward(batch);
        int nk = out.width();
        double[] dPred = new double[NB * nk];
        loss.compute(Precision.F64, out, batch.targets(), dPred);
        double[] w = m.head().weight().value();
        int nt = batch.steps();
        for (int b = 0; b < NB; b++) {
            for (int j = 0; j < NH; j++) {
                double expected = 0;
                for (int c = 0; c < nk; c++) {
                    expected += NB * dPred[b * nk + c] * w[c * NH + j];
                }
                assertEquals(expected, g.hidden()[((nt - 1) * NB + b) * NH + j], 1e-14);
            }
        }
    }

    private static void checkTask(Task task, CellKind cell) {
        SequenceModel<double[]> m = model(task, cell, NH, 7);
        Batch batch = task.sample(NB, new SplittableRandom(3));
        StateGradients g = checkAgainstCore(m, loss(task), batch, task.describe());
        checkLastStepByHand(m, loss(task), batch, g);
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            double tol = 1e-12 * Math.max(1, Math.abs(expected[i]));
            assertEquals(expected[i], actual[i], tol, what + "[" + i + "]");
        }
    }

    @Test
    void lstmGradientsAreTheCoresBptt() {
        checkTask(new AddingProblem(7), CellKind.LSTM);
        checkTask(LagRecall.of(6), CellKind.LSTM);
    }

    @Test
    void gruGradientsAreTheCoresBptt() {
        checkTask(LagRecall.of(7), CellKind.GRU);
        checkTask(new AddingProblem(6), CellKind.GRU);
    }

    @Test
    void rnnGradientsAreTheCoresBptt() {
        checkTask(new AddingProblem(7), CellKind.RNN_TANH);
        checkTask(LagRecall.of(6), CellKind.RNN_RELU);
    }

    /** Random token ids {@code [T, B]} in {@code 0..V-1}. */
    private static int[] tokens(int n, int vocab, SplittableRandom rng) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = rng.nextInt(vocab);
        }
        return ids;
    }

    @Test
    void tokenClassifierGradientsAreTheCoresBptt() {
        // embedding (padding index 0: its row is zero) -> one layer -> last step -> head, cross-entropy
        int nv = 6;
        int nt = 6;
        for (CellKind cell : CellKind.values()) {
            SequenceModel<double[]> m = SequenceModel.create(SequenceModelConfig.builder().tokens(nv, 3)
                    .cell(cell, NH).pooling(Pooling.Kind.LAST).outputs(3).build(), Precision.F64, 21);
            SplittableRandom rng = new SplittableRandom(4);
            Batch batch = Batch.ofTokens(tokens(nt * NB, nv, rng), nt, NB, null,
                    new Targets.Classes(tokens(NB, 3, rng)));
            Loss loss = CrossEntropy.mean();
            StateGradients g = checkAgainstCore(m, loss, batch, "a token classifier");
            checkLastStepByHand(m, loss, batch, g);
            assertEquals(3, g.inputSize(), "the gradient of the embeddings");
        }
    }

    @Test
    void perStepModelGradientsAreTheCoresBptt() {
        // the character model: every step's output is scored, so dL/dh_t has its own readout term
        int nv = 5;
        int nt = 6;
        for (CellKind cell : CellKind.values()) {
            SequenceModel<double[]> m = SequenceModel.create(
                    SequenceModelConfig.charLanguageModel(nv, 3, cell, NH, 1, 0.2), Precision.F64, 8);
            SplittableRandom rng = new SplittableRandom(9);
            Batch batch = Batch.ofTokens(tokens(nt * NB, nv, rng), nt, NB, null,
                    new Targets.Classes(tokens(nt * NB, nv, rng)));
            StateGradients g = checkAgainstCore(m, CharLanguageModel.LOSS, batch, "the character model");
            // every step has an output gradient of its own: no dL/dh_t is the recurrent part alone
            for (int t = 0; t < nt; t++) {
                for (int b = 0; b < NB; b++) {
                    assertTrue(g.hiddenNorm(t, b) > 0, cell.id() + " t=" + t + " b=" + b);
                }
            }
        }
    }

    @Test
    void paddedSequencesGetTheGradientsTheyWouldGetAlone() {
        TemporalOrder task = new TemporalOrder(6, 9, 1, 2, 3, 4);
        for (CellKind cell : new CellKind[] {CellKind.LSTM, CellKind.GRU, CellKind.RNN_TANH}) {
            SequenceModel<double[]> m = model(task, cell, NH, 2);
            int nb = 5;
            int ni = task.inputSize();
            Batch data = task.sample(nb, new SplittableRandom(12));
            int[] labels = ((Targets.Classes) data.targets()).ids();
            StateGradients g = Diagnostics.stateGradients(m, loss(task), data);
            for (int b = 0; b < nb; b++) {
                int len = data.lengths()[b];
                double[] x = new double[len * ni];
                for (int t = 0; t < len; t++) {
                    System.arraycopy(data.features(), (t * nb + b) * ni, x, t * ni, ni);
                }
                Batch alone = Batch.ofFeatures(x, len, 1, ni, null, new Targets.Classes(new int[] {labels[b]}));
                StateGradients a = Diagnostics.stateGradients(m, loss(task), alone);
                for (int t = 0; t < data.steps(); t++) {
                    for (int j = 0; j < NH; j++) {
                        double batched = g.hidden()[(t * nb + b) * NH + j];
                        double single = t < len ? a.hidden()[t * NH + j] : 0;
                        assertEquals(single, batched, 1e-12 * Math.max(1, Math.abs(single)),
                                cell.id() + " dL/dh b=" + b + " t=" + t);
                        if (g.cellState() != null) {
                            double cb = g.cellState()[(t * nb + b) * NH + j];
                            double cs = t < len ? a.cellState()[t * NH + j] : 0;
                            assertEquals(cs, cb, 1e-12 * Math.max(1, Math.abs(cs)), "dL/dc b=" + b + " t=" + t);
                        }
                    }
                    assertEquals(t < len ? a.inputNorm(t, 0) : 0, g.inputNorm(t, b), 1e-12, "dL/dx b=" + b + " t=" + t);
                }
                assertEquals(a.initialHiddenNorm(0), g.initialHiddenNorm(b), 1e-12);
            }
            GradientFlowReport r = GradientFlowReport.of(g);
            // the last-step norms are read at each sequence's own end
            double last = 0;
            for (int b = 0; b < nb; b++) {
                last += g.hiddenNorm(data.lengths()[b] - 1, b);
            }
            assertEquals(last / nb, r.lastHidden(), 1e-15);
        }
    }

    @Test
    void float32DiagnosticsAgreeWithTheirFloat64Copy() {
        Task task = new AddingProblem(12);
        SequenceModel<float[]> m32 = SequenceModel.create(SequenceModelConfig.builder().features(2).lstm(8)
                .pooling(Pooling.Kind.LAST).outputs(1).chronoHorizon(12).build(), Precision.F32, 4);
        Batch data = task.sample(4, new SplittableRandom(1));
        GradientFlowReport a = Diagnostics.gradientFlow(m32, loss(task), data);
        GradientFlowReport b = Diagnostics.gradientFlow(ModelCodecs.copy(m32, Precision.F64), loss(task), data);
        for (int t = 0; t < 12; t++) {
            assertEquals(b.hidden()[t], a.hidden()[t], 1e-4 * b.hidden()[t]);
            assertEquals(b.cellState()[t], a.cellState()[t], 1e-4 * b.cellState()[t]);
            assertEquals(b.input()[t], a.input()[t], 1e-4 * b.input()[t]);
        }
    }

    @Test
    void vanillaRnnGradientVanishesWhereTheLstmsDoesNot() {
        LagRecall task = LagRecall.of(40);
        Batch data = task.sample(8, new SplittableRandom(5));
        GradientFlowReport rnn = Diagnostics.gradientFlow(model(task, CellKind.RNN_TANH, 32, 1), loss(task), data);
        GradientFlowReport lstm = Diagnostics.gradientFlow(model(task, CellKind.LSTM, 32, 1), loss(task), data);
        System.out.printf("lag 40 at initialisation: dh ratio rnn %.3e, lstm %.3e; dc ratio lstm %.3e%n",
                rnn.hiddenRatio(), lstm.hiddenRatio(), lstm.cellRatio());
        assertTrue(rnn.hiddenRatio() < 1e-6, "rnn ratio " + rnn.hiddenRatio());
        assertTrue(lstm.hiddenRatio() > 1e4 * rnn.hiddenRatio(), "lstm ratio " + lstm.hiddenRatio());
        assertTrue(lstm.cellRatio() > 1e-2, "lstm cell ratio " + lstm.cellRatio());
        assertTrue(Double.isNaN(rnn.cellRatio()));
        assertNull(rnn.cellState());
    }

    @Test
    void gateStatisticsAverageTheCachedGates() {
        Task task = new TemporalOrder(6, 9, 1, 2, 3, 4);
        Batch data = task.sample(6, new SplittableRandom(3));
        for (CellKind cell : CellKind.values()) {
            SequenceModel<double[]> m = model(task, cell, NH, 1);
            GateStatistics s = Diagnostics.gates(m, loss(task), data, SaturationThresholds.DEFAULT);
            int expected = cell == CellKind.LSTM ? 3 : cell == CellKind.GRU ? 2 : 0;
            assertEquals(expected, s.gates().size(), cell.id());
            for (GateTrace trace : s.gates()) {
                for (int t = 0; t < s.steps(); t++) {
                    boolean reached = false;
                    for (int len : data.lengths()) {
                        reached |= t < len;
                    }
                    if (!reached) {
                        assertTrue(Double.isNaN(trace.mean()[t]), "no sequence has step " + t);
                        continue;
                    }
                    double mean = 0;
                    for (int j = 0; j < NH; j++) {
                        mean += trace.unitMean(t, j);
                    }
                    assertEquals(trace.mean()[t], mean / NH, 1e-12);
                    assertTrue(trace.mean()[t] > 0 && trace.mean()[t] < 1);
                    assertTrue(trace.fractionLow()[t] + trace.fractionHigh()[t] <= 1);
                }
            }
        }
        // the forget gate at step 0 of sequence 0 by hand: σ(W_if x_0 + b_if + b_hf), h_{-1} = 0
        SequenceModel<double[]> m = model(task, CellKind.LSTM, NH, 1);
        int ni = task.inputSize();
        Batch one = Batch.ofFeatures(Arrays.copyOf(data.features(), ni), 1, 1, ni, null,
                new Targets.Classes(new int[] {0}));
        GateTrace forget = Diagnostics.gates(m, loss(task), one, SaturationThresholds.DEFAULT).gates().get(1);
        assertEquals("forget", forget.gate());
        double[] w = m.rnn().params(0, 0).weightIh().value();
        double[] bi = m.rnn().params(0, 0).biasIh().value();
        double[] bh = m.rnn().params(0, 0).biasHh().value();
        for (int j = 0; j < NH; j++) {
            int row = NH + j;
            double a = bi[row] + bh[row];
            for (int i = 0; i < ni; i++) {
                a += w[row * ni + i] * one.features()[i];
            }
            assertEquals(1 / (1 + Math.exp(-a)), forget.unitMean(0, j), 1e-12);
        }
    }

    /** A model without a recurrent stack: a linear map of every step's features. */
    private static final class LinearOnly extends Model<double[]> {
        private final Linear<double[]> head;

        LinearOnly() {
            super(Precision.F64);
            head = addChild("head", Linear.create(Precision.F64, 2, 1, true, new SplittableRandom(1)));
        }

        @Override
        public Activations<double[]> forward(Batch batch) {
            return head.forward(batch.features(precision()));
        }

        @Override
        public void backward(Activations<double[]> outputGradient) {
            head.backward(outputGradient);
        }
    }

    private static void assertRefused(Model<double[]> m, Batch batch, String expected) {
        Loss loss = loss(new AddingProblem(4));
        for (Runnable call : new Runnable[] {
                () -> Diagnostics.diagnose(m, loss, batch, SaturationThresholds.DEFAULT),
                () -> Diagnostics.gradientFlow(m, loss, batch),
                () -> Diagnostics.stateGradients(m, loss, batch),
                () -> Diagnostics.gates(m, loss, batch, SaturationThresholds.DEFAULT)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
            assertTrue(e.getMessage().contains(expected), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
    }

    @Test
    void rejectsModelsItCannotDiagnose() {
        Task task = new AddingProblem(4);
        Batch batch = task.sample(2, new SplittableRandom(1));
        Supplier<SequenceModelConfig.Builder> lstm = () -> SequenceModelConfig.builder().features(2).lstm(4)
                .pooling(Pooling.Kind.LAST).outputs(1);
        assertRefused(SequenceModel.create(lstm.get().layers(2).build(), Precision.F64, 1), batch,
                "expected one unidirectional layer without projection, found 2 layer(s), 1 direction(s), projection 0");
        assertRefused(SequenceModel.create(lstm.get().bidirectional(true).build(), Precision.F64, 1), batch,
                "expected one unidirectional layer without projection, found 1 layer(s), 2 direction(s), projection 0");
        assertRefused(SequenceModel.create(lstm.get().projSize(3).build(), Precision.F64, 1), batch,
                "expected one unidirectional layer without projection, found 1 layer(s), 1 direction(s), projection 3");
        assertRefused(new LinearOnly(), batch, "expected a model with one recurrent stack, found 0");
        assertRefused(null, batch, "expected a model, found null");
        // a batch without targets: nothing to differentiate
        SequenceModel<double[]> m = model(task, CellKind.LSTM, NH, 1);
        assertRefused(m, Batch.ofFeatures(batch.features(), batch.steps(), 2, 2, null, null),
                "expected a batch with targets, found one without");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Diagnostics.diagnose(m, loss(task), batch, null));
        assertTrue(e.getMessage().contains("expected saturation thresholds, found null"), e.getMessage());
    }

    private static void assertGradientsZero(Module<double[]> m, String what) {
        for (Map.Entry<String, Parameter<double[]>> p : m.namedParameters().entrySet()) {
            for (double v : p.getValue().grad()) {
                assertEquals(0.0, v, what + ": gradient of " + p.getKey());
            }
        }
    }

    private static void assertMode(Module<double[]> m, boolean training, String what) {
        assertEquals(training, m.isTraining(), what);
        m.namedModules().forEach((name, child) -> assertEquals(training, child.isTraining(), what + ": " + name));
    }

    @Test
    void leavesTheGradientsAtZeroAndTheModeAsItWas() {
        // the character model with dropout everywhere, in training mode: the diagnostics run in
        // evaluation mode (no dropout mask is drawn), then give the mode back
        int nv = 5;
        int nt = 7;
        SequenceModel<double[]> m = SequenceModel.create(
                SequenceModelConfig.charLanguageModel(nv, 3, CellKind.LSTM, NH, 1, 0.4), Precision.F64, 3);
        SplittableRandom rng = new SplittableRandom(2);
        Batch batch = Batch.ofTokens(tokens(nt * NB, nv, rng), nt, NB, null,
                new Targets.Classes(tokens(nt * NB, nv, rng)));
        Loss loss = CharLanguageModel.LOSS;
        assertMode(m, true, "a new model");
        Map<String, Long> random = m.randomState();

        StateGradients inTraining = Diagnostics.stateGradients(m, loss, batch);
        assertGradientsZero(m, "after stateGradients");
        assertMode(m, true, "after stateGradients");
        Diagnosis d = Diagnostics.diagnose(m, loss, batch, SaturationThresholds.DEFAULT);
        Diagnostics.gradientFlow(m, loss, batch);
        Diagnostics.gates(m, loss, batch, SaturationThresholds.DEFAULT);
        assertGradientsZero(m, "after diagnose, gradientFlow, gates");
        assertMode(m, true, "after diagnose, gradientFlow, gates");
        assertEquals(random, m.randomState(), "no dropout mask drawn");

        m.setTraining(false);
        StateGradients inEval = Diagnostics.stateGradients(m, loss, batch);
        assertMode(m, false, "after stateGradients in evaluation mode");
        assertGradientsZero(m, "after stateGradients in evaluation mode");
        assertArrayEquals(inEval.hidden(), inTraining.hidden());
        assertArrayEquals(inEval.cellState(), inTraining.cellState());
        assertArrayEquals(inEval.input(), inTraining.input());
        assertEquals(inEval.loss(), inTraining.loss());
        assertArrayEquals(Diagnostics.gradientFlow(m, loss, batch).hidden(), d.gradients().hidden());

        // a refused batch leaves the mode too
        m.setTraining(true);
        Batch other = Batch.ofFeatures(new double[nt * NB * 2], nt, NB, 2, null, batch.targets());
        assertThrows(IllegalArgumentException.class, () -> Diagnostics.stateGradients(m, loss, other));
        assertMode(m, true, "after a refused batch");
    }

    /**
     * The long-lag model's diagnosis is the one the diagnostics gave before they were generalised.
     * The expected values were printed at commit 8f2d830 (the last before the model API) by
     * {@code Diagnostics.diagnose(experiment.model().copyTo(Precision.F64), experiment.probe(8),
     * SaturationThresholds.DEFAULT)} for this experiment (AddingProblem(20), seed 1, float32, 0
     * training steps). The readout's gradient is now the head's backward (a matrix product) where it
     * was a scalar loop, so the last bits may differ: 1e-12 relative.
     */
    @Test
    void theLongLagDiagnosisIsThePreviousVersions() {
        Task task = new AddingProblem(20);
        ExperimentConfig config = ExperimentConfig.defaults(task).toBuilder().steps(1).build();

        Experiment<float[]> lstm = Experiment.create(task, CellKind.LSTM, config, 1, Precision.F32);
        Diagnosis d = Diagnostics.diagnose(ModelCodecs.copy(lstm.model(), Precision.F64), task.objective().loss(),
                lstm.probe(8), SaturationThresholds.DEFAULT);
        GradientFlowReport r = d.gradients();
        assertEquals(20, r.steps());
        assertRelative(1.6448742884108067, r.loss(), "loss");
        assertRelative(1.4438649186541974, r.lastHidden(), "last dh");
        assertRelative(0.7224174399563694, r.lastCell(), "last dc");
        assertRelative(0.004789864208834763, r.lastInput(), "last dx");
        assertRelative(0.006669835886282757, r.hidden()[0], "dh_0");
        assertRelative(0.14296482589917114, r.cellState()[0], "dc_0");
        assertRelative(5.63923444344302E-4, r.input()[0], "dx_0");
        assertRelative(0.016993941620897346, r.hidden()[10], "dh_10");
        assertRelative(0.29574945448647544, r.cellState()[10], "dc_10");
        assertRelative(0.001482683844758599, r.input()[10], "dx_10");
        assertRelative(0.06744512479269262, r.hidden()[18], "dh_18");
        assertRelative(0.6358927046902074, r.cellState()[18], "dc_18");
        assertRelative(0.002279727953981444, r.input()[18], "dx_18");
        assertEquals(r.lastHidden(), r.hidden()[19], "every sequence ends at step 19");
        GateTrace forget = d.gates().gates().get(1);
        assertEquals("forget", forget.gate());
        assertRelative(0.869823898815396, forget.mean()[0], "forget gate mean at step 0");
        assertRelative(0.8699080491680662, forget.mean()[19], "forget gate mean at step 19");
        assertEquals(0.48046875, forget.fractionHigh()[0]);
        assertEquals(0.439453125, d.gates().gates().get(0).fractionLow()[0]);

        Experiment<float[]> gru = Experiment.create(task, CellKind.GRU, config, 1, Precision.F32);
        GradientFlowReport g = Diagnostics.gradientFlow(ModelCodecs.copy(gru.model(), Precision.F64),
                task.objective().loss(), gru.probe(8));
        assertRelative(1.4490119403654764, g.loss(), "gru loss");
        assertRelative(1.3450006414803906, g.lastHidden(), "gru last dh");
        assertRelative(0.004725812880019703, g.lastInput(), "gru last dx");
        assertRelative(0.29100639103584763, g.hidden()[0], "gru dh_0");
        assertRelative(7.020538526526876E-4, g.input()[0], "gru dx_0");
        assertRelative(0.5730594294552216, g.hidden()[10], "gru dh_10");
        assertRelative(5.734046495761556E-4, g.input()[10], "gru dx_10");
        assertNull(g.cellState());
        assertTrue(Double.isNaN(g.lastCell()));
    }

    private static void assertRelative(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-12 * Math.abs(expected), what);
    }
}
