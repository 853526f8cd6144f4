package dev.recur.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.nn.FiniteDifference;
import dev.recur.nn.Parameter;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.sequence.State;
import dev.recur.tensor.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link CharLanguageModel}: finite-difference gradients, names, truncated BPTT, dropout, errors. */
class CharLanguageModelTest {

    private static final Precision<double[]> F64 = Precision.F64;

    private static CharLanguageModelConfig config(CellKind cell, int layers, double dropout) {
        return CharLanguageModelConfig.builder(7).embeddingDim(3).cell(cell).hiddenSize(4).layers(layers)
                .dropout(dropout).build();
    }

    private static int[] tokens(SplittableRandom rng, int n, int vocab) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = rng.nextInt(vocab);
        }
        return t;
    }

    /**
     * Finite differences of the mean cross-entropy with respect to every parameter element (the
     * loss differences formed from the logits, see {@link FiniteDifference#crossEntropyDifference}).
     * With dropout, every evaluation rewinds the dropout position so that all use the same masks.
     * The analytic loss itself is checked against {@code Losses} once.
     */
    private static void gradientCheck(String what, CharLanguageModel<double[]> model, int nt, int nb,
                                      State<double[]> initial, boolean[] mask, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int nv = model.config().vocabSize();
        int[] tok = tokens(rng, nt * nb, nv);
        int[] tgt = tokens(rng, nt * nb, nv);
        boolean training = model.config().dropout() > 0;
        model.zeroGrad();
        model.setDropoutPasses(0);
        LanguageModelOutput<double[]> out = model.forward(tok, nt, nb, initial, training);
        double loss = model.lossAndBackward(out, tgt, mask);
        assertEquals(dev.recur.nn.Losses.softmaxCrossEntropy(F64, out.logits(), nt * nb, nv, tgt, mask, null), loss);
        Map<String, Parameter<double[]>> named = model.namedParameters();
        FiniteDifference fd = new FiniteDifference();
        for (Map.Entry<String, Parameter<double[]>> e : named.entrySet()) {
            fd.check(e.getKey(), e.getValue().value(), e.getValue().grad().clone(), () -> {
                model.setDropoutPasses(0);
                return model.forward(tok, nt, nb, initial, training).logits();
            }, (u, v) -> FiniteDifference.crossEntropyDifference(u, v, nv, tgt, mask));
        }
        fd.assertPassed(what);
    }

    @Test
    void gradientsOfTheWholeModelMatchFiniteDifferencesLstm() {
        CharLanguageModel<double[]> m = CharLanguageModel.create(config(CellKind.LSTM, 2, 0), F64, 1);
        gradientCheck("char LM lstm L2", m, 4, 2, null, null, 11);
    }

    @Test
    void gradientsMatchFiniteDifferencesGruWithInitialStateDropoutAndMask() {
        CharLanguageModel<double[]> m = CharLanguageModel.create(config(CellKind.GRU, 2, 0.3), F64, 2);
        SplittableRandom rng = new SplittableRandom(3);
        State<double[]> h0 = new State<>(FiniteDifference.uniform(rng, 2 * 2 * 4, 1), null);
        gradientCheck("char LM gru L2 dropout 0.3, initial state, masked loss", m, 3, 2, h0,
                new boolean[] {true, true, false, true, false, true}, 12);
    }

    @Test
    void gradientsMatchFiniteDifferencesLstmCarriedState() {
        CharLanguageModel<double[]> m = CharLanguageModel.create(config(CellKind.LSTM, 1, 0), F64, 4);
        SplittableRandom rng = new SplittableRandom(5);
        // the state a previous chunk left behind: a constant for this chunk's gradients
        LanguageModelOutput<double[]> first = m.forward(tokens(rng, 6, 7), 3, 2, null, false);
        gradientCheck("char LM lstm L1 second chunk", m, 3, 2, first.finalState(), null, 13);
    }

    @Test
    void namedParametersFollowPyTorchOrderAndNames() {
        CharLanguageModel<double[]> m = CharLanguageModel.create(config(CellKind.LSTM, 2, 0), F64, 1);
        LinkedHashMap<String, Parameter<double[]>> named = m.namedParameters();
        assertEquals(List.of("embedding.weight",
                "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
                "rnn.weight_ih_l1", "rnn.weight_hh_l1", "rnn.bias_ih_l1", "rnn.bias_hh_l1",
                "head.weight", "head.bias"), new ArrayList<>(named.keySet()));
        assertArrayEquals(new int[] {7, 3}, named.get("embedding.weight").shape());
        assertArrayEquals(new int[] {16, 3}, named.get("rnn.weight_ih_l0").shape());
        assertArrayEquals(new int[] {16, 4}, named.get("rnn.weight_ih_l1").shape());
        assertArrayEquals(new int[] {7, 4}, named.get("head.weight").shape());
        assertArrayEquals(new int[] {7}, named.get("head.bias").shape());
        assertEquals(new ArrayList<>(named.values()), m.parameters());
        named.clear();   // a copy: the model is unaffected
        assertEquals(11, m.namedParameters().size());
    }

    @Test
    void chunksWithCarriedStateEqualTheWholeSequence() {
        for (CellKind cell : new CellKind[] {CellKind.LSTM, CellKind.GRU}) {
            CharLanguageModel<double[]> m = CharLanguageModel.create(config(cell, 2, 0), F64, 9);
            int nb = 2;
            int[] all = tokens(new SplittableRandom(1), 6 * nb, 7);
            double[] whole = m.forward(all, 6, nb, null, false).logits();
            LanguageModelOutput<double[]> a = m.forward(Arrays.copyOfRange(all, 0, 3 * nb), 3, nb, null, false);
            State<double[]> carried = a.finalState();
            double[] hBefore = carried.h().clone();
            LanguageModelOutput<double[]> b = m.forward(Arrays.copyOfRange(all, 3 * nb, 6 * nb), 3, nb, carried, false);
            m.lossAndBackward(b, Arrays.copyOfRange(all, 0, 3 * nb));
            assertArrayEquals(hBefore, carried.h(), 0, "the carried state is a value: backward leaves it alone");
            double[] chunked = new double[whole.length];
            System.arraycopy(a.logits(), 0, chunked, 0, a.logits().length);
            System.arraycopy(b.logits(), 0, chunked, a.logits().length, b.logits().length);
            assertArrayEquals(whole, chunked, 1e-12, cell.id());
            assertEquals(cell == CellKind.LSTM, carried.c() != null);
        }
    }

    @Test
    void dropoutIsSeededAndOnlyInTraining() {
        CharLanguageModel<double[]> a = CharLanguageModel.create(config(CellKind.LSTM, 2, 0.5), F64, 3);
        CharLanguageModel<double[]> b = CharLanguageModel.create(config(CellKind.LSTM, 2, 0.5), F64, 3);
        int[] tok = tokens(new SplittableRandom(2), 8, 7);
        double[] eval = a.forward(tok, 4, 2, null, false).logits();
        assertEquals(0, a.dropoutPasses());
        double[] t1 = a.forward(tok, 4, 2, null, true).logits();
        double[] t2 = a.forward(tok, 4, 2, null, true).logits();
        assertEquals(2, a.dropoutPasses());
        assertFalse(Arrays.equals(eval, t1));
        assertFalse(Arrays.equals(t1, t2));
        assertArrayEquals(t1, b.forward(tok, 4, 2, null, true).logits(), 0, "same seed, same masks");
        a.setDropoutPasses(1);
        assertArrayEquals(t2, a.forward(tok, 4, 2, null, true).logits(), 0, "rewound dropout position");
        assertArrayEquals(eval, b.forward(tok, 4, 2, null, false).logits(), 0);
    }

    @Test
    void float32AgreesWithFloat64() {
        CharLanguageModel<double[]> d = CharLanguageModel.create(config(CellKind.GRU, 2, 0), F64, 5);
        CharLanguageModel<float[]> f = CharLanguageModel.create(config(CellKind.GRU, 2, 0), Precision.F32, 99);
        for (Map.Entry<String, Parameter<double[]>> e : d.namedParameters().entrySet()) {
            float[] v = Precision.F32.fromDoubles(e.getValue().value());
            System.arraycopy(v, 0, f.namedParameters().get(e.getKey()).value(), 0, v.length);
        }
        int[] tok = tokens(new SplittableRandom(6), 10, 7);
        int[] tgt = tokens(new SplittableRandom(7), 10, 7);
        LanguageModelOutput<double[]> od = d.forward(tok, 5, 2, null, false);
        LanguageModelOutput<float[]> of = f.forward(tok, 5, 2, null, false);
        assertEquals(d.lossAndBackward(od, tgt), f.lossAndBackward(of, tgt), 1e-5);
        for (int i = 0; i < od.logits().length; i++) {
            assertEquals(od.logits()[i], of.logits()[i], 1e-5);
        }
        double[] gd = d.namedParameters().get("rnn.weight_hh_l0").grad();
        float[] gf = f.namedParameters().get("rnn.weight_hh_l0").grad();
        for (int i = 0; i < gd.length; i++) {
            assertEquals(gd[i], gf[i], 1e-5);
        }
    }

    @Test
    void invalidInputsNameExpectedAndFound() {
        CharLanguageModel<double[]> m = CharLanguageModel.create(config(CellKind.LSTM, 1, 0), F64, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.forward(new int[5], 3, 2, null, false));
        assertTrue(e.getMessage().contains("expected [T, B] = [3, 2] = 6 ids, found 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.forward(new int[] {0, 7}, 1, 2, null, false));
        assertTrue(e.getMessage().contains("token id 7") && e.getMessage().contains("V = 7"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> m.forward(new int[2], 1, 2, new State<>(new double[3], new double[8]), false));
        assertThrows(IllegalArgumentException.class, () -> CharLanguageModelConfig.builder(0).build());
        assertThrows(IllegalArgumentException.class, () -> CharLanguageModelConfig.builder(5).dropout(1).build());
        CharLanguageModelConfig c = CharLanguageModelConfig.builder(65).build();
        assertEquals(CellKind.LSTM, c.cell());
        assertNotNull(c.recurrentConfig());
        assertNull(m.forward(new int[2], 1, 2, null, false).tape().embeddingMask);
    }
}
