package dev.recur.diagnostics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.data.Batch;
import dev.recur.diagnostics.UnitActivations.Signal;
import dev.recur.diagnostics.UnitActivations.Trace;
import dev.recur.model.Model;
import dev.recur.model.SequenceModel;
import dev.recur.model.SequenceModelConfig;
import dev.recur.nn.Activations;
import dev.recur.nn.Embedding;
import dev.recur.nn.Linear;
import dev.recur.nn.Module;
import dev.recur.nn.Parameter;
import dev.recur.nn.Pooling;
import dev.recur.nn.recurrent.CellCache;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.recurrent.GruGate;
import dev.recur.nn.recurrent.LstmGate;
import dev.recur.nn.sequence.SequenceLayer;
import dev.recur.nn.sequence.Tape;
import dev.recur.tensor.Precision;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The recorded activations are the model's: every signal of every layer equals that of one long
 * forward pass (across the chunk boundaries, where the state is carried), the hidden and cell
 * states equal a step-by-step stream's, and the gates satisfy the cell's own update equations.
 */
class ActivationRecorderTest {

    private static final int NV = 7;
    private static final int NE = 3;
    private static final int NH = 5;
    private static final int NL = 2;
    /** Longer than one chunk, so the state must carry over. */
    private static final int NT = ActivationRecorder.CHUNK + 190;

    /** The character model, with dropout (which recording, in evaluation mode, does not apply). */
    private static SequenceModel<double[]> model(CellKind cell) {
        return SequenceModel.create(SequenceModelConfig.charLanguageModel(NV, NE, cell, NH, NL, 0.25), Precision.F64,
                11);
    }

    private static int[] tokens(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = rng.nextInt(NV);
        }
        return t;
    }

    /**
     * Every signal of every layer of {@code m}'s recurrent stack over {@code ids}, as one forward
     * pass over the whole text computes it, against the recording.
     */
    private static void checkAgainstOneLongPass(SequenceModel<double[]> m, int[] ids) {
        SequenceLayer<double[]> rnn = m.rnn();
        CellKind cell = rnn.config().cell();
        int nt = ids.length;
        int nl = rnn.config().numLayers();
        UnitActivations a = ActivationRecorder.record(m, ids);
        assertEquals(nt, a.steps());
        assertEquals(nl, a.layers());
        assertEquals(NH, a.hidden());
        assertEquals(nl * ActivationRecorder.signals(cell).size(), a.signals().size());

        double[] x = new double[nt * NE];
        m.embedding().forward(ids, x);
        Tape<double[]> tape = rnn.forward(Activations.sequence(x, nt, 1, NE), null, false).tape();
        float worst = 0;
        for (int l = 0; l < nl; l++) {
            CellCache<double[]> cache = tape.cache(l, 0);
            for (Signal signal : ActivationRecorder.signals(cell)) {
                Trace trace = a.trace(l, signal);
                assertNotNull(trace, signal + " of layer " + l);
                for (int t = 0; t < nt; t++) {
                    int gates = cache.gateOffset(t);
                    for (int j = 0; j < NH; j++) {
                        double expected = switch (signal) {
                            case CELL -> Math.tanh(cache.cells[cache.cellOffset(t + 1) + j]);
                            case HIDDEN, RELU_HIDDEN -> cache.states[cache.stateOffset(t + 1) + j];
                            case INPUT_GATE -> cache.gateValues[gates + LstmGate.INPUT.offset(NH) + j];
                            case FORGET_GATE -> cache.gateValues[gates + LstmGate.FORGET.offset(NH) + j];
                            case OUTPUT_GATE -> cache.gateValues[gates + LstmGate.OUTPUT.offset(NH) + j];
                            case CANDIDATE -> cache.gateValues[gates + LstmGate.CELL.offset(NH) + j];
                            case RESET_GATE -> cache.gateValues[gates + GruGate.RESET.offset(NH) + j];
                            case UPDATE_GATE -> cache.gateValues[gates + GruGate.UPDATE.offset(NH) + j];
                            case NEW_STATE -> cache.gateValues[gates + GruGate.NEW.offset(NH) + j];
                        };
                        float recorded = trace.value(j, t, nt);
                        worst = Math.max(worst, Math.abs(recorded - (float) expected));
                    }
                }
            }
        }
        // the chunks compute exactly what the long pass computes; the recording rounds it to float32
        assertEquals(0f, worst, cell.id() + ", " + nt + " steps: largest difference from one long pass");
    }

    @ParameterizedTest
    @EnumSource(value = CellKind.class)
    void everySignalOfEveryLayerEqualsOneLongForwardPass(CellKind cell) {
        SequenceModel<double[]> m = model(cell);
        int chunk = ActivationRecorder.CHUNK;
        for (int nt : new int[] {1, chunk, chunk + 1, NT, 2 * chunk + 3}) {
            checkAgainstOneLongPass(m, tokens(nt, nt));
        }
    }

    @Test
    void aPooledTokenClassifierIsRecordedToo() {
        // any model with one unidirectional stack and token input, not only the character model
        SequenceModel<double[]> m = SequenceModel.create(SequenceModelConfig.builder().tokens(NV, NE).lstm(NH)
                .layers(NL).pooling(Pooling.Kind.MEAN).outputs(2).build(), Precision.F64, 5);
        checkAgainstOneLongPass(m, tokens(NT, 4));
    }

    @ParameterizedTest
    @EnumSource(value = CellKind.class)
    void statesEqualAStepByStepStreamAcrossChunks(CellKind cell) {
        SequenceModel<double[]> m = model(cell);
        int[] ids = tokens(NT, 5);
        UnitActivations a = ActivationRecorder.record(m, ids);
        SequenceLayer.Stream<double[]> s = m.rnn().stream(1, null);
        double[] e = new double[NE];
        double worst = 0;
        for (int t = 0; t < NT; t++) {
            m.embedding().forward(new int[] {ids[t]}, e);
            s.step(e);
            for (int l = 0; l < NL; l++) {
                for (int j = 0; j < NH; j++) {
                    double h = s.state().h()[l * NH + j];
                    Signal hidden = cell == CellKind.RNN_RELU ? Signal.RELU_HIDDEN : Signal.HIDDEN;
                    worst = Math.max(worst, Math.abs(h - a.trace(l, hidden).value(j, t, NT)) / Math.max(1, Math.abs(h)));
                    if (cell == CellKind.LSTM) {
                        double tc = Math.tanh(s.state().c()[l * NH + j]);
                        worst = Math.max(worst, Math.abs(tc - a.trace(l, Signal.CELL).value(j, t, NT)));
                    }
                }
            }
        }
        // float32 storage
        assertTrue(worst <= 1e-7, "largest difference from the stream: " + worst);
        for (var trace : a.signals()) {
            for (float v : trace.values()) {
                assertTrue(v >= trace.lowerBound() && v <= trace.upperBound(),
                        trace.signal() + " value " + v + " outside its display range");
            }
        }
    }

    @Test
    void theReluStateIsDisplayedUpToItsLargestValue() {
        UnitActivations a = ActivationRecorder.record(model(CellKind.RNN_RELU), tokens(200, 8));
        for (int l = 0; l < NL; l++) {
            Trace h = a.trace(l, Signal.RELU_HIDDEN);
            float max = 0;
            for (float v : h.values()) {
                max = Math.max(max, v);
            }
            assertTrue(max > 0, "some unit is active");
            assertEquals(0, h.lowerBound());
            assertEquals(max, h.upperBound(), 0.0);
        }
    }

    @Test
    void lstmGatesSatisfyTheCellEquations() {
        SequenceModel<double[]> m = model(CellKind.LSTM);
        int[] ids = tokens(NT, 6);   // across a chunk boundary
        UnitActivations a = ActivationRecorder.record(m, ids);
        int nt = a.steps();
        for (int l = 0; l < NL; l++) {
            Trace cell = a.trace(l, Signal.CELL);
            Trace h = a.trace(l, Signal.HIDDEN);
            Trace i = a.trace(l, Signal.INPUT_GATE);
            Trace f = a.trace(l, Signal.FORGET_GATE);
            Trace o = a.trace(l, Signal.OUTPUT_GATE);
            Trace g = a.trace(l, Signal.CANDIDATE);
            for (int j = 0; j < NH; j++) {
                double prevC = 0;
                for (int t = 0; t < nt; t++) {
                    // c_t = f ⊙ c_{t-1} + i ⊙ g;  h_t = o ⊙ tanh(c_t)
                    double c = f.value(j, t, nt) * prevC + i.value(j, t, nt) * g.value(j, t, nt);
                    assertEquals(Math.tanh(c), cell.value(j, t, nt), 1e-5, "tanh(c) at layer " + l + " unit " + j);
                    assertEquals(o.value(j, t, nt) * cell.value(j, t, nt), h.value(j, t, nt), 1e-6);
                    for (Trace gate : new Trace[] {i, f, o}) {
                        float v = gate.value(j, t, nt);
                        assertTrue(v > 0 && v < 1, gate.signal() + " = " + v);
                    }
                    prevC = c;
                }
            }
        }
        assertNull(a.trace(0, Signal.UPDATE_GATE));
    }

    @Test
    void gruGatesSatisfyTheUpdateEquation() {
        SequenceModel<double[]> m = model(CellKind.GRU);
        UnitActivations a = ActivationRecorder.record(m, tokens(200, 7));
        int nt = a.steps();
        for (int l = 0; l < NL; l++) {
            Trace h = a.trace(l, Signal.HIDDEN);
            Trace z = a.trace(l, Signal.UPDATE_GATE);
            Trace n = a.trace(l, Signal.NEW_STATE);
            assertNotNull(a.trace(l, Signal.RESET_GATE));
            for (int j = 0; j < NH; j++) {
                double prev = 0;
                for (int t = 0; t < nt; t++) {
                    // h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}
                    double zt = z.value(j, t, nt);
                    assertEquals((1 - zt) * n.value(j, t, nt) + zt * prev, h.value(j, t, nt), 1e-6);
                    prev = h.value(j, t, nt);
                }
            }
        }
    }

    @Test
    void refusesAnEmptyTextAndUnknownTokens() {
        SequenceModel<double[]> m = model(CellKind.LSTM);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ActivationRecorder.record(m, new int[0]));
        assertTrue(e.getMessage().contains("found an empty one"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ActivationRecorder.record(m, new int[] {1, NV}));
        assertTrue(e.getMessage().contains("expected token ids in 0..6, found 7 at position 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ActivationRecorder.record(m, new int[] {-1}));
        assertTrue(e.getMessage().contains("expected token ids in 0..6, found -1 at position 0"), e.getMessage());
    }

    /** A model without a recurrent stack: an embedding and a linear map of every step. */
    private static final class NoRecurrence extends Model<double[]> {
        private final Embedding<double[]> embedding;
        private final Linear<double[]> head;

        NoRecurrence() {
            super(Precision.F64);
            embedding = addChild("embedding", Embedding.create(Precision.F64, NV, NE, Embedding.NO_PADDING,
                    new SplittableRandom(1)));
            head = addChild("head", Linear.create(Precision.F64, NE, NV, true, new SplittableRandom(2)));
        }

        @Override
        public Activations<double[]> forward(Batch batch) {
            return head.forward(embedding.forward(batch.tokenIds()));
        }

        @Override
        public void backward(Activations<double[]> outputGradient) {
            embedding.backward(head.backward(outputGradient));
        }
    }

    private static void assertRefused(Model<double[]> m, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ActivationRecorder.record(m, tokens(10, 1)));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void refusesModelsItCannotRecord() {
        SequenceModelConfig.Builder lstm = SequenceModelConfig.builder().tokens(NV, NE).lstm(NH).outputs(NV);
        assertRefused(SequenceModel.create(lstm.bidirectional(true).build(), Precision.F64, 1),
                "expected a unidirectional model without projection, found 2 direction(s), output size 5 for "
                        + "hidden size 5");
        lstm.bidirectional(false);
        assertRefused(SequenceModel.create(lstm.projSize(3).build(), Precision.F64, 1),
                "expected a unidirectional model without projection, found 1 direction(s), output size 3 for "
                        + "hidden size 5");
        assertRefused(new NoRecurrence(), "expected a model with one recurrent stack, found 0");
    }

    private static void assertGradientsZero(Module<double[]> m) {
        for (Map.Entry<String, Parameter<double[]>> p : m.namedParameters().entrySet()) {
            for (double v : p.getValue().grad()) {
                assertEquals(0.0, v, "gradient of " + p.getKey());
            }
        }
    }

    private static void assertMode(Module<double[]> m, boolean training, String what) {
        m.namedModules().forEach((name, child) -> assertEquals(training, child.isTraining(), what + ": '" + name + "'"));
    }

    @Test
    void leavesTheModelAsItWas() {
        // a model in training mode with dropout: recorded in evaluation mode, then given its mode back
        SequenceModel<double[]> m = model(CellKind.LSTM);
        int[] ids = tokens(NT, 3);
        Map<String, Long> random = m.randomState();
        UnitActivations inTraining = ActivationRecorder.record(m, ids);
        assertMode(m, true, "after recording");
        assertGradientsZero(m);
        assertEquals(random, m.randomState(), "no dropout mask drawn");
        m.setTraining(false);
        UnitActivations inEval = ActivationRecorder.record(m, ids);
        assertMode(m, false, "after recording in evaluation mode");
        for (int s = 0; s < inEval.signals().size(); s++) {
            assertArrayEquals(inEval.signals().get(s).values(), inTraining.signals().get(s).values());
        }

        // a model that cannot take the text: refused by its own forward pass, its mode kept
        SequenceModel<double[]> numeric = SequenceModel.create(SequenceModelConfig.builder().features(2).lstm(NH)
                .outputs(1).build(), Precision.F64, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ActivationRecorder.record(numeric, ids));
        assertTrue(e.getMessage().contains("expected 2 numeric features per step, found 0"), e.getMessage());
        assertMode(numeric, true, "after a refused text");
    }
}
