package dev.recur.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.diagnostics.UnitActivations.Signal;
import dev.recur.diagnostics.UnitActivations.Trace;
import dev.recur.model.CharLanguageModel;
import dev.recur.model.CharLanguageModelConfig;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.sequence.SequenceLayer;
import dev.recur.tensor.Precision;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * The recorded activations are the model's: the hidden and cell states equal a step-by-step
 * stream's (across the chunk boundaries), and the gates satisfy the cell's own update equations.
 */
class ActivationRecorderTest {

    private static final int NV = 7;
    private static final int NH = 5;
    private static final int NL = 2;
    /** Longer than one chunk, so the state must carry over. */
    private static final int NT = ActivationRecorder.CHUNK + 190;

    private static CharLanguageModel<double[]> model(CellKind cell) {
        CharLanguageModelConfig c = CharLanguageModelConfig.builder(NV).embeddingDim(3).cell(cell)
                .hiddenSize(NH).layers(NL).build();
        return CharLanguageModel.create(c, Precision.F64, 11);
    }

    private static int[] tokens(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = rng.nextInt(NV);
        }
        return t;
    }

    @ParameterizedTest
    @EnumSource(value = CellKind.class)
    void statesEqualAStepByStepStreamAcrossChunks(CellKind cell) {
        CharLanguageModel<double[]> m = model(cell);
        int[] ids = tokens(NT, 5);
        UnitActivations a = ActivationRecorder.record(m, ids);
        assertEquals(NT, a.steps());
        assertEquals(NL, a.layers());
        assertEquals(NH, a.hidden());
        assertEquals(NL * ActivationRecorder.signals(cell).size(), a.signals().size());
        SequenceLayer.Stream<double[]> s = m.rnn().stream(1, null);
        double[] e = new double[3];
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
        CharLanguageModel<double[]> m = model(CellKind.LSTM);
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
        CharLanguageModel<double[]> m = model(CellKind.GRU);
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
        CharLanguageModel<double[]> m = model(CellKind.LSTM);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ActivationRecorder.record(m, new int[0]));
        assertTrue(e.getMessage().contains("found an empty one"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ActivationRecorder.record(m, new int[] {1, NV}));
        assertTrue(e.getMessage().contains("expected token ids in 0..6, found 7 at position 1"), e.getMessage());
    }
}
