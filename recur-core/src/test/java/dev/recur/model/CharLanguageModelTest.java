package dev.recur.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.data.Batch;
import dev.recur.data.Vocabulary;
import dev.recur.nn.Activations;
import dev.recur.nn.Embedding;
import dev.recur.nn.FiniteDifference;
import dev.recur.nn.Parameter;
import dev.recur.nn.Pooling;
import dev.recur.nn.loss.CrossEntropy;
import dev.recur.nn.loss.LossValue;
import dev.recur.nn.loss.Targets;
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

/**
 * The character language model: the {@link SequenceModel} of
 * {@link SequenceModelConfig#charLanguageModel} (finite-difference gradients, names, truncated BPTT,
 * dropout, precisions, errors) and the {@link CharLanguageModel} facade over it (next-character
 * distribution, generation, evaluation).
 */
class CharLanguageModelTest {

    private static final Precision<double[]> F64 = Precision.F64;
    private static final int V = 7;

    private static SequenceModelConfig config(CellKind cell, int layers, double dropout) {
        return SequenceModelConfig.charLanguageModel(V, 3, cell, 4, layers, dropout);
    }

    private static int[] tokens(SplittableRandom rng, int n, int vocab) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = rng.nextInt(vocab);
        }
        return t;
    }

    private static Batch batch(int[] tokens, int nt, int nb, int[] targets) {
        return Batch.ofTokens(tokens, nt, nb, null, targets == null ? null : new Targets.Classes(targets));
    }

    /** The mean cross-entropy of logit rows {@code [N, V]} over the rows {@code mask} keeps (all if null), by hand. */
    private static double meanCrossEntropy(double[] logits, int[] targets, boolean[] mask) {
        double sum = 0;
        int counted = 0;
        for (int r = 0; r < targets.length; r++) {
            if (mask != null && !mask[r]) {
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < V; j++) {
                max = Math.max(max, logits[r * V + j]);
            }
            double z = 0;
            for (int j = 0; j < V; j++) {
                z += Math.exp(logits[r * V + j] - max);
            }
            sum += max + Math.log(z) - logits[r * V + targets[r]];
            counted++;
        }
        return sum / counted;
    }

    /**
     * Finite differences of the mean cross-entropy with respect to every parameter element and, when
     * the model starts from a given state, every element of that state (the loss differences formed
     * from the logits, see {@link FiniteDifference#crossEntropyDifference}). Rows outside
     * {@code mask} have the target {@link Targets#IGNORE_INDEX}. With dropout the model trains and
     * every evaluation rewinds the dropout streams, so that all use the same masks. The analytic
     * loss itself is checked against the cross-entropy written out by hand.
     */
    private static void gradientCheck(String what, SequenceModel<double[]> model, int nt, int nb,
                                      State<double[]> initial, boolean[] mask, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] tok = tokens(rng, nt * nb, V);
        int[] tgt = tokens(rng, nt * nb, V);
        int[] ids = tgt.clone();
        for (int r = 0; mask != null && r < ids.length; r++) {
            if (!mask[r]) {
                ids[r] = Targets.IGNORE_INDEX;
            }
        }
        Batch batch = batch(tok, nt, nb, ids);
        model.setTraining(model.config().inputDropout() > 0);
        model.zeroGrad();
        model.setRandomState(Map.of());
        Activations<double[]> out = model.forward(batch, initial);
        double[] dOut = new double[out.rows() * V];
        LossValue loss = CrossEntropy.mean().compute(F64, out, batch.targets(), dOut);
        double expected = meanCrossEntropy(out.values(), tgt, mask);
        assertEquals(expected, loss.value(), 1e-14 * Math.abs(expected), "loss");
        model.backward(out.with(dOut, V));
        State<double[]> dInitial = initial == null ? null : model.rnn().initialStateGradient();

        FiniteDifference fd = new FiniteDifference();
        for (Map.Entry<String, Parameter<double[]>> e : model.namedParameters().entrySet()) {
            fd.check(e.getKey(), e.getValue().value(), e.getValue().grad().clone(), () -> {
                model.setRandomState(Map.of());
                return model.forward(batch, initial).values();
            }, (u, v) -> FiniteDifference.crossEntropyDifference(u, v, V, tgt, mask));
        }
        if (initial != null) {
            // the gradient of the state the chunk starts from: the input of the model besides the tokens
            fd.check("h0", initial.h(), dInitial.h().clone(), () -> {
                model.setRandomState(Map.of());
                return model.forward(batch, initial).values();
            }, (u, v) -> FiniteDifference.crossEntropyDifference(u, v, V, tgt, mask));
            if (initial.c() != null) {
                fd.check("c0", initial.c(), dInitial.c().clone(), () -> {
                    model.setRandomState(Map.of());
                    return model.forward(batch, initial).values();
                }, (u, v) -> FiniteDifference.crossEntropyDifference(u, v, V, tgt, mask));
            }
        }
        fd.assertPassed(what);
    }

    @Test
    void gradientsOfTheWholeModelMatchFiniteDifferencesLstm() {
        SequenceModel<double[]> m = SequenceModel.create(config(CellKind.LSTM, 2, 0), F64, 1);
        gradientCheck("char LM lstm L2", m, 4, 2, null, null, 11);
    }

    @Test
    void gradientsMatchFiniteDifferencesGruWithInitialStateDropoutAndIgnoredRows() {
        SequenceModel<double[]> m = SequenceModel.create(config(CellKind.GRU, 2, 0.3), F64, 2);
        SplittableRandom rng = new SplittableRandom(3);
        State<double[]> h0 = new State<>(FiniteDifference.uniform(rng, 2 * 2 * 4, 1), null);
        gradientCheck("char LM gru L2 dropout 0.3, initial state, ignored rows", m, 3, 2, h0,
                new boolean[] {true, true, false, true, false, true}, 12);
        assertEquals(List.of("input_dropout", "rnn", "output_dropout"), new ArrayList<>(m.randomState().keySet()),
                "every dropout of the model draws from its own stream");
    }

    @Test
    void gradientsMatchFiniteDifferencesLstmCarriedState() {
        SequenceModel<double[]> m = SequenceModel.create(config(CellKind.LSTM, 1, 0), F64, 4);
        SplittableRandom rng = new SplittableRandom(5);
        // the state a previous chunk left behind: a constant for this chunk's gradients
        m.forward(batch(tokens(rng, 6, V), 3, 2, null));
        State<double[]> carried = m.finalState();
        State<double[]> copy = new State<>(carried.h().clone(), carried.c().clone());
        gradientCheck("char LM lstm L1 second chunk", m, 3, 2, copy, null, 13);
    }

    @Test
    void namedParametersFollowPyTorchOrderAndNames() {
        SequenceModel<double[]> m = SequenceModel.create(config(CellKind.LSTM, 2, 0), F64, 1);
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
        // dropout adds no parameter, only modules that draw
        SequenceModel<double[]> d = SequenceModel.create(config(CellKind.LSTM, 2, 0.2), F64, 1);
        assertEquals(new ArrayList<>(m.namedParameters().keySet()), new ArrayList<>(d.namedParameters().keySet()));
        assertEquals(List.of("embedding", "input_dropout", "rnn", "output_dropout", "head"),
                new ArrayList<>(d.children().keySet()));
        assertEquals(List.of("embedding", "rnn", "head"), new ArrayList<>(m.children().keySet()));
    }

    @Test
    void chunksWithCarriedStateEqualTheWholeSequence() {
        for (CellKind cell : new CellKind[] {CellKind.LSTM, CellKind.GRU}) {
            SequenceModel<double[]> m = SequenceModel.create(config(cell, 2, 0), F64, 9);
            m.setTraining(false);
            int nb = 2;
            int[] all = tokens(new SplittableRandom(1), 6 * nb, V);
            double[] whole = m.forward(batch(all, 6, nb, null)).values().clone();
            double[] a = m.forward(batch(Arrays.copyOfRange(all, 0, 3 * nb), 3, nb, null)).values().clone();
            State<double[]> carried = m.finalState();
            double[] hBefore = carried.h().clone();
            Batch second = batch(Arrays.copyOfRange(all, 3 * nb, 6 * nb), 3, nb, Arrays.copyOfRange(all, 0, 3 * nb))
                    .continuing();
            Activations<double[]> b = m.forward(second, carried);
            double[] dOut = new double[b.rows() * V];
            CrossEntropy.mean().compute(F64, b, second.targets(), dOut);
            m.backward(b.with(dOut, V));
            assertArrayEquals(hBefore, carried.h(), 0, "the carried state is a value: backward leaves it alone");
            double[] chunked = new double[whole.length];
            System.arraycopy(a, 0, chunked, 0, a.length);
            System.arraycopy(b.values(), 0, chunked, a.length, b.values().length);
            assertArrayEquals(whole, chunked, 1e-12, cell.id());
            assertEquals(cell == CellKind.LSTM, carried.c() != null);
            assertNotNull(m.finalState());
        }
    }

    @Test
    void dropoutIsSeededAndOnlyInTraining() {
        SequenceModel<double[]> a = SequenceModel.create(config(CellKind.LSTM, 2, 0.5), F64, 3);
        SequenceModel<double[]> b = SequenceModel.create(config(CellKind.LSTM, 2, 0.5), F64, 3);
        Batch tok = batch(tokens(new SplittableRandom(2), 8, V), 4, 2, null);
        a.setTraining(false);
        double[] eval = a.forward(tok).values().clone();
        assertEquals(Map.of("input_dropout", 0L, "rnn", 0L, "output_dropout", 0L), a.randomState(),
                "evaluation draws nothing");
        a.setTraining(true);
        double[] t1 = a.forward(tok).values().clone();
        Map<String, Long> afterOne = a.randomState();
        double[] t2 = a.forward(tok).values().clone();
        assertEquals(Map.of("input_dropout", 2L, "rnn", 2L, "output_dropout", 2L), a.randomState(),
                "one draw per training pass");
        assertFalse(Arrays.equals(eval, t1));
        assertFalse(Arrays.equals(t1, t2));
        assertArrayEquals(t1, b.forward(tok).values(), 0, "same seed, same masks");
        a.setRandomState(afterOne);
        assertArrayEquals(t2, a.forward(tok).values(), 0, "rewound dropout position");
        b.setTraining(false);
        assertArrayEquals(eval, b.forward(tok).values(), 0);
        SequenceModel<double[]> other = SequenceModel.create(config(CellKind.LSTM, 2, 0.5), F64, 4);
        other.namedParameters().forEach((name, p) ->
                System.arraycopy(a.namedParameters().get(name).value(), 0, p.value(), 0, p.size()));
        assertFalse(Arrays.equals(t1, other.forward(tok).values()), "another seed, other masks");
    }

    @Test
    void float32AgreesWithFloat64() {
        SequenceModel<double[]> d = SequenceModel.create(config(CellKind.GRU, 2, 0), F64, 5);
        SequenceModel<float[]> f = SequenceModel.create(config(CellKind.GRU, 2, 0), Precision.F32, 99);
        for (Map.Entry<String, Parameter<double[]>> e : d.namedParameters().entrySet()) {
            float[] v = Precision.F32.fromDoubles(e.getValue().value());
            System.arraycopy(v, 0, f.namedParameters().get(e.getKey()).value(), 0, v.length);
        }
        Batch b = batch(tokens(new SplittableRandom(6), 10, V), 5, 2, tokens(new SplittableRandom(7), 10, V));
        Activations<double[]> od = d.forward(b);
        Activations<float[]> of = f.forward(b);
        double[] gd = new double[od.rows() * V];
        float[] gf = new float[of.rows() * V];
        double ld = CrossEntropy.mean().compute(F64, od, b.targets(), gd).value();
        double lf = CrossEntropy.mean().compute(Precision.F32, of, b.targets(), gf).value();
        assertEquals(ld, lf, 1e-5);
        for (int i = 0; i < od.values().length; i++) {
            assertEquals(od.values()[i], of.values()[i], 1e-5);
        }
        d.backward(od.with(gd, V));
        f.backward(of.with(gf, V));
        for (String name : List.of("embedding.weight", "rnn.weight_hh_l0", "rnn.weight_ih_l1", "head.bias")) {
            double[] pd = d.namedParameters().get(name).grad();
            float[] pf = f.namedParameters().get(name).grad();
            for (int i = 0; i < pd.length; i++) {
                assertEquals(pd[i], pf[i], 1e-5, name + "[" + i + "]");
            }
        }
    }

    @Test
    void theConfigurationIsTheCharacterModel() {
        SequenceModelConfig c = config(CellKind.GRU, 2, 0.25);
        assertEquals(V, c.vocabSize());
        assertEquals(3, c.embeddingDim());
        assertEquals(Embedding.NO_PADDING, c.paddingIdx(), "every character is a real token");
        assertEquals(0, c.features());
        assertEquals(CellKind.GRU, c.rnn().cell());
        assertEquals(4, c.rnn().hiddenSize());
        assertEquals(2, c.rnn().numLayers());
        assertEquals(0.25, c.rnn().dropout());
        assertEquals(0.25, c.inputDropout());
        assertEquals(0.25, c.outputDropout());
        assertTrue(c.perStep());
        assertNull(c.pooling());
        assertEquals(V, c.outputs());
        assertEquals(0, c.chronoHorizon());
        assertFalse(c.layerNorm());
        assertEquals(0, c.hiddenUnits());
        assertEquals(c, SequenceModelConfig.fromMap(c.toMap()));
    }

    @Test
    void invalidInputsNameExpectedAndFound() {
        SequenceModel<double[]> m = SequenceModel.create(config(CellKind.LSTM, 1, 0), F64, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.forward(batch(new int[5], 3, 2, null)));
        assertTrue(e.getMessage().contains("expected [T, B] = [3, 2] = 6 ids, found 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.forward(batch(new int[] {0, 7}, 1, 2, null)));
        assertTrue(e.getMessage().contains("token id 7") && e.getMessage().contains("V = 7"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> m.forward(batch(new int[2], 1, 2, null), new State<>(new double[3], new double[8])));
        e = assertThrows(IllegalArgumentException.class,
                () -> m.forward(Batch.ofFeatures(new double[4], 1, 2, 2, null, null)));
        assertTrue(e.getMessage().contains("expected token ids") && e.getMessage().contains("likely cause"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SequenceModelConfig.charLanguageModel(0, 3, CellKind.LSTM, 4, 1, 0));
        assertTrue(e.getMessage().contains("vocab_size and embedding_dim both set") && e.getMessage().contains("found 0 and 3"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SequenceModelConfig.charLanguageModel(5, 3, CellKind.LSTM, 4, 1, 1));
        assertTrue(e.getMessage().contains("[0, 1), found 1.0"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> SequenceModel.create(config(CellKind.LSTM, 1, 0), F64, 1)
                .backward(Activations.sequence(new double[2 * V], 1, 2, V)), "backward before forward");
    }

    // ------------------------------------------------------------------------------------------
    // the facade: a model and its vocabulary

    private static final Vocabulary ABC = Vocabulary.fromText("abcdefg");

    private static CharLanguageModel<double[]> facade(long seed) {
        return new CharLanguageModel<>(SequenceModel.create(config(CellKind.GRU, 2, 0.1), F64, seed), ABC);
    }

    /** The model's logits after {@code context}, in evaluation mode, as a softmax written out. */
    private static double[] softmaxAfter(Model<double[]> model, String context) {
        int[] ids = ABC.encode(context);
        boolean training = model.isTraining();
        model.setTraining(false);
        Activations<double[]> out = model.forward(batch(ids, ids.length, 1, null));
        model.setTraining(training);
        double[] p = Arrays.copyOfRange(out.values(), (ids.length - 1) * V, ids.length * V);
        double max = Arrays.stream(p).max().orElseThrow();
        double z = 0;
        for (int j = 0; j < V; j++) {
            p[j] = Math.exp(p[j] - max);
            z += p[j];
        }
        for (int j = 0; j < V; j++) {
            p[j] /= z;
        }
        return p;
    }

    @Test
    void nextCharacterDistributionIsTheSoftmaxOfTheLastStep() {
        CharLanguageModel<double[]> lm = facade(21);
        double[] p = lm.nextCharProbabilities("bad");
        double[] expected = softmaxAfter(lm.model(), "bad");
        assertArrayEquals(expected, p, 1e-15);
        assertEquals(1.0, Arrays.stream(p).sum(), 1e-12);
        int best = 0;
        for (int j = 1; j < V; j++) {
            best = p[j] > p[best] ? j : best;
        }
        assertEquals(ABC.token(best), lm.mostLikelyNext("bad"));
        assertTrue(lm.model().isTraining(), "the model's mode is restored");
        assertEquals(Map.of("input_dropout", 0L, "rnn", 0L, "output_dropout", 0L), lm.model().randomState(),
                "prediction draws no dropout mask");
    }

    @Test
    void greedyGenerationFollowsTheMostLikelyCharacterWithTheStateCarried() {
        CharLanguageModel<double[]> lm = facade(22);
        String text = lm.generate("ace", 8, 0.0, 0, 1);
        assertEquals(8, text.codePointCount(0, text.length()));
        // temperature 0: every character is the most likely after everything before it
        StringBuilder context = new StringBuilder("ace");
        for (int i = 0; i < 8; i++) {
            String next = lm.mostLikelyNext(context.toString());
            assertEquals(next, text.substring(i, i + 1), "character " + i + " after '" + context + "'");
            context.append(next);
        }
        assertEquals(lm.generate("ace", 12, 1.0, 3, 5), lm.generate("ace", 12, 1.0, 3, 5), "same seed, same text");
        assertNotEquals(lm.generate("ace", 40, 1.5, 0, 5), lm.generate("ace", 40, 1.5, 0, 6), "another seed");
        List<String> sunk = new ArrayList<>();
        lm.generate("g", 5, new TokenSampler(0.7, 0, 9), sunk::add);
        assertEquals(lm.generate("g", 5, 0.7, 0, 9), String.join("", sunk));
        assertTrue(lm.model().isTraining(), "the model's mode is restored");
    }

    @Test
    void evaluationIsTheMeanCrossEntropyOfEveryPredictionWithTheStateCarried() {
        CharLanguageModel<double[]> lm = facade(23);
        String text = "abcabcgfedcbaabcfg";
        int[] ids = ABC.encode(text);
        // one stream: inputs text[0..n-2], targets text[1..n-1], one forward pass
        int n = ids.length - 1;
        lm.model().setTraining(false);
        double[] logits = lm.model().forward(batch(Arrays.copyOf(ids, n), n, 1, null)).values();
        lm.model().setTraining(true);
        double expected = meanCrossEntropy(logits, Arrays.copyOfRange(ids, 1, n + 1), null);
        for (int seq : new int[] {n, 4, 1}) {
            EvalResult r = lm.evaluate(text, 1, seq);
            assertEquals(expected, r.loss(), 1e-12, "chunks of " + seq);
            assertEquals(n, r.count(), 0);
        }
        assertTrue(lm.model().isTraining());
    }

    @Test
    void theFacadeRefusesAModelOfAnotherVocabulary() {
        SequenceModel<double[]> eight = SequenceModel.create(SequenceModelConfig.charLanguageModel(8, 3, CellKind.LSTM,
                4, 1, 0), F64, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CharLanguageModel<>(eight, ABC));
        assertTrue(e.getMessage().contains("expected a model reading and predicting the 7 characters")
                && e.getMessage().contains("found 8 token ids in, 8 outputs per step"), e.getMessage());
        SequenceModel<double[]> pooled = SequenceModel.create(SequenceModelConfig.builder().tokens(V, 3).lstm(4)
                .pooling(Pooling.Kind.LAST).outputs(V).build(), F64, 1);
        assertThrows(IllegalArgumentException.class, () -> new CharLanguageModel<>(pooled, ABC));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> facade(1).nextCharProbabilities("abz"));
        assertTrue(unknown.getMessage().contains("U+007A") && unknown.getMessage().contains("not in the vocabulary"),
                unknown.getMessage());
    }
}
