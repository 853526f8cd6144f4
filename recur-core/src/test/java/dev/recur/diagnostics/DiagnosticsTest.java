package dev.recur.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.nn.FiniteDifference;
import dev.recur.nn.Losses;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.recurrent.LstmGate;
import dev.recur.nn.sequence.InputGradients;
import dev.recur.nn.sequence.RecurrentConfig;
import dev.recur.nn.Activations;
import dev.recur.nn.sequence.SequenceOutput;
import dev.recur.nn.sequence.State;
import dev.recur.tasks.AddingProblem;
import dev.recur.tasks.LagRecall;
import dev.recur.tasks.ManyToOneConfig;
import dev.recur.tasks.ManyToOneModel;
import dev.recur.tasks.ManyToOneOutput;
import dev.recur.tasks.Objective;
import dev.recur.tasks.Task;
import dev.recur.tasks.TaskBatch;
import dev.recur.tasks.TemporalOrder;
import dev.recur.tensor.Precision;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The diagnostics' per-step gradients are the core's BPTT: they equal the initial-state gradient of
 * the core run from the state at step t, they match finite differences of the loss with respect to
 * an additive perturbation of that state, and padding is handled as the core handles it.
 */
class DiagnosticsTest {

    private static final int NB = 3;
    private static final int NH = 4;

    private static ManyToOneModel<double[]> model(Task task, CellKind cell, int hidden, long seed) {
        RecurrentConfig rnn = RecurrentConfig.builder(cell, task.inputSize(), hidden).build();
        return ManyToOneModel.create(ManyToOneConfig.builder(rnn, task.outputs(), task.objective())
                .chronoHorizon(task.maxSteps()).build(), Precision.F64, seed);
    }

    /** Steps {@code from..to-1} of {@code [T, B, I]} inputs. */
    private static double[] slice(TaskBatch data, int from, int to) {
        int row = data.batch() * data.inputSize();
        double[] x = new double[(to - from) * row];
        System.arraycopy(data.inputs(), from * row, x, 0, x.length);
        return x;
    }

    /**
     * {@code L = Σ_b ℓ_b} of the core run over steps {@code t+1..T-1} from {@code state}; with
     * {@code grads} non-null, also the core's gradient of {@code state} (BPTT's initial-state gradient).
     */
    private static double tailLoss(ManyToOneModel<double[]> m, TaskBatch data, int t, State<double[]> state,
                                   AtomicReference<State<double[]>> grads) {
        int nb = data.batch();
        int n = data.steps() - 1 - t;
        SequenceOutput<double[]> o = m.rnn().forward(Activations.sequence(slice(data, t + 1, data.steps()), n, nb, m.rnn().config().inputSize()), state, false);
        double[] features = new double[nb * NH];
        System.arraycopy(o.output(), (n - 1) * nb * NH, features, 0, nb * NH);
        int nk = m.config().outputs();
        double[] pred = new double[nb * nk];
        m.head().forward(features, nb, pred);
        double[] dPred = new double[nb * nk];
        double loss = m.config().objective() == Objective.REGRESSION
                ? Losses.meanSquaredError(Precision.F64, pred, data.targets(), nb * nk, dPred)
                : Losses.softmaxCrossEntropy(Precision.F64, pred, nb, nk, data.labels(), dPred);
        if (grads != null) {
            for (int i = 0; i < dPred.length; i++) {
                dPred[i] *= nb;
            }
            double[] dFeatures = new double[nb * NH];
            m.head().backward(features, dPred, nb, dFeatures);
            double[] dOut = new double[n * nb * NH];
            System.arraycopy(dFeatures, 0, dOut, (n - 1) * nb * NH, nb * NH);
            InputGradients<double[]> g = m.rnn().backward(o.tape(), dOut, null);
            grads.set(g.initialState());
            m.zeroGrad();
        }
        return loss * nb;
    }

    private static void checkAgainstCore(Task task, CellKind cell) {
        ManyToOneModel<double[]> m = model(task, cell, NH, 7);
        TaskBatch data = task.sample(NB, new SplittableRandom(3));
        StateGradients g = Diagnostics.stateGradients(m, data);
        int nt = data.steps();
        assertEquals(cell == CellKind.LSTM, g.cellState() != null);

        // the gradient of the initial state and of the inputs: the core's backward over the whole sequence
        ManyToOneOutput<double[]> out = m.forward(data.sequences(Precision.F64), false);
        double[] dPred = new double[NB * m.config().outputs()];
        m.loss(out, data, dPred);
        for (int i = 0; i < dPred.length; i++) {
            dPred[i] *= NB;
        }
        InputGradients<double[]> whole = m.backward(out, dPred);
        m.zeroGrad();
        assertClose(whole.initialState().h(), g.initialHidden(), "dL/dh_-1");
        assertClose(whole.dx(), g.input(), "dL/dx");
        if (cell == CellKind.LSTM) {
            assertClose(whole.initialState().c(), g.initialCell(), "dL/dc_-1");
        }

        FiniteDifference fd = new FiniteDifference();
        for (int step = 0; step < nt - 1; step++) {
            final int t = step;
            SequenceOutput<double[]> head = m.rnn().forward(Activations.sequence(slice(data, 0, t + 1), t + 1, NB, m.rnn().config().inputSize()), null, false);
            State<double[]> s = head.finalState();
            AtomicReference<State<double[]>> grads = new AtomicReference<>();
            tailLoss(m, data, t, s, grads);
            State<double[]> core = grads.get();
            double[] dh = new double[NB * NH];
            System.arraycopy(g.hidden(), t * NB * NH, dh, 0, NB * NH);
            assertClose(core.h(), dh, "dL/dh_" + t + " against the core run from step " + t);
            fd.check("dL/dh_" + t, s.h(), dh, () -> tailLoss(m, data, t, s, null));
            if (cell == CellKind.LSTM) {
                // dL/dc_t is the total derivative, with h_t = o_t tanh(c_t) following c_t
                double[] gates = head.tape().cache(0, 0).gateValues;
                double[] o = new double[NB * NH];
                double[] expected = new double[NB * NH];
                for (int b = 0; b < NB; b++) {
                    for (int j = 0; j < NH; j++) {
                        int i = b * NH + j;
                        o[i] = gates[(t * NB + b) * 4 * NH + LstmGate.OUTPUT.offset(NH) + j];
                        double tc = Math.tanh(s.c()[i]);
                        expected[i] = core.c()[i] + core.h()[i] * o[i] * (1 - tc * tc);
                    }
                }
                double[] dc = new double[NB * NH];
                System.arraycopy(g.cellState(), t * NB * NH, dc, 0, NB * NH);
                assertClose(expected, dc, "dL/dc_" + t + " against the core run from step " + t);
                double[] c = s.c().clone();
                fd.check("dL/dc_" + t, c, dc, () -> {
                    double[] h = new double[NB * NH];
                    for (int i = 0; i < h.length; i++) {
                        h[i] = o[i] * Math.tanh(c[i]);
                    }
                    return tailLoss(m, data, t, new State<>(h, c), null);
                });
            }
        }
        fd.assertPassed("diagnostics " + cell.id() + " on " + task.describe());
        // the last step is read directly: dL/dh_{T-1} = dPred W_head
        double[] w = m.head().weight().value();
        int nk = m.config().outputs();
        for (int b = 0; b < NB; b++) {
            for (int j = 0; j < NH; j++) {
                double expected = 0;
                for (int c = 0; c < nk; c++) {
                    expected += dPred[b * nk + c] * w[c * NH + j];
                }
                assertEquals(expected, g.hidden()[((nt - 1) * NB + b) * NH + j], 1e-14);
            }
        }
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
        checkAgainstCore(new AddingProblem(7), CellKind.LSTM);
        checkAgainstCore(LagRecall.of(6), CellKind.LSTM);
    }

    @Test
    void gruGradientsAreTheCoresBptt() {
        checkAgainstCore(LagRecall.of(7), CellKind.GRU);
        checkAgainstCore(new AddingProblem(6), CellKind.GRU);
    }

    @Test
    void rnnGradientsAreTheCoresBptt() {
        checkAgainstCore(new AddingProblem(7), CellKind.RNN_TANH);
        checkAgainstCore(LagRecall.of(6), CellKind.RNN_RELU);
    }

    @Test
    void paddedSequencesGetTheGradientsTheyWouldGetAlone() {
        TemporalOrder task = new TemporalOrder(6, 9, 1, 2, 3, 4);
        for (CellKind cell : new CellKind[] {CellKind.LSTM, CellKind.GRU, CellKind.RNN_TANH}) {
            ManyToOneModel<double[]> m = model(task, cell, NH, 2);
            int nb = 5;
            TaskBatch data = task.sample(nb, new SplittableRandom(12));
            StateGradients g = Diagnostics.stateGradients(m, data);
            for (int b = 0; b < nb; b++) {
                int len = data.lengths()[b];
                double[] x = new double[len * task.inputSize()];
                for (int t = 0; t < len; t++) {
                    System.arraycopy(data.inputs(), (t * nb + b) * task.inputSize(), x, t * task.inputSize(),
                            task.inputSize());
                }
                TaskBatch alone = new TaskBatch(x, len, 1, task.inputSize(), null, null, new int[] {data.labels()[b]});
                StateGradients a = Diagnostics.stateGradients(m, alone);
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
        RecurrentConfig rnn = RecurrentConfig.builder(CellKind.LSTM, 2, 8).build();
        ManyToOneModel<float[]> m32 = ManyToOneModel.create(
                ManyToOneConfig.builder(rnn, 1, Objective.REGRESSION).chronoHorizon(12).build(), Precision.F32, 4);
        TaskBatch data = task.sample(4, new SplittableRandom(1));
        GradientFlowReport a = Diagnostics.gradientFlow(m32, data);
        GradientFlowReport b = Diagnostics.gradientFlow(m32.copyTo(Precision.F64), data);
        for (int t = 0; t < 12; t++) {
            assertEquals(b.hidden()[t], a.hidden()[t], 1e-4 * b.hidden()[t]);
            assertEquals(b.cellState()[t], a.cellState()[t], 1e-4 * b.cellState()[t]);
        }
    }

    @Test
    void vanillaRnnGradientVanishesWhereTheLstmsDoesNot() {
        LagRecall task = LagRecall.of(40);
        TaskBatch data = task.sample(8, new SplittableRandom(5));
        GradientFlowReport rnn = Diagnostics.gradientFlow(model(task, CellKind.RNN_TANH, 32, 1), data);
        GradientFlowReport lstm = Diagnostics.gradientFlow(model(task, CellKind.LSTM, 32, 1), data);
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
        TaskBatch data = task.sample(6, new SplittableRandom(3));
        for (CellKind cell : CellKind.values()) {
            ManyToOneModel<double[]> m = model(task, cell, NH, 1);
            GateStatistics s = Diagnostics.gates(m, data, SaturationThresholds.DEFAULT);
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
        ManyToOneModel<double[]> m = model(task, CellKind.LSTM, NH, 1);
        TaskBatch one = new TaskBatch(java.util.Arrays.copyOf(data.inputs(), task.inputSize()), 1, 1,
                task.inputSize(), null, null, new int[] {0});
        GateTrace forget = Diagnostics.gates(m, one, SaturationThresholds.DEFAULT).gates().get(1);
        assertEquals("forget", forget.gate());
        double[] w = m.rnn().params(0, 0).weightIh().value();
        double[] bi = m.rnn().params(0, 0).biasIh().value();
        double[] bh = m.rnn().params(0, 0).biasHh().value();
        for (int j = 0; j < NH; j++) {
            int row = NH + j;
            double a = bi[row] + bh[row];
            for (int i = 0; i < task.inputSize(); i++) {
                a += w[row * task.inputSize() + i] * one.inputs()[i];
            }
            assertEquals(1 / (1 + Math.exp(-a)), forget.unitMean(0, j), 1e-12);
        }
    }

    @Test
    void rejectsModelsItCannotDiagnose() {
        Task task = new AddingProblem(4);
        RecurrentConfig two = RecurrentConfig.builder(CellKind.LSTM, 2, 4).layers(2).build();
        ManyToOneModel<double[]> m = ManyToOneModel.create(
                ManyToOneConfig.builder(two, 1, Objective.REGRESSION).build(), Precision.F64, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Diagnostics.gradientFlow(m, task.sample(2, new SplittableRandom(1))));
        assertTrue(e.getMessage().contains("expected one unidirectional layer"), e.getMessage());
    }
}
