package dev.recur.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.data.Batch;
import dev.recur.nn.Activation;
import dev.recur.nn.Activations;
import dev.recur.nn.Concat;
import dev.recur.nn.Embedding;
import dev.recur.nn.FiniteDifference;
import dev.recur.nn.Layer;
import dev.recur.nn.Module;
import dev.recur.nn.Parameter;
import dev.recur.nn.Pooling;
import dev.recur.nn.WeightInit;
import dev.recur.nn.loss.BinaryCrossEntropy;
import dev.recur.nn.loss.CrossEntropy;
import dev.recur.nn.loss.HuberLoss;
import dev.recur.nn.loss.L1Loss;
import dev.recur.nn.loss.Loss;
import dev.recur.nn.loss.MeanSquaredError;
import dev.recur.nn.loss.Reduction;
import dev.recur.nn.loss.Targets;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.recurrent.GruGate;
import dev.recur.nn.recurrent.LstmGate;
import dev.recur.nn.sequence.RecurrentConfig;
import dev.recur.nn.sequence.SequenceLayer;
import dev.recur.nn.sequence.State;
import dev.recur.tasks.AddingProblem;
import dev.recur.tasks.Experiment;
import dev.recur.tasks.ExperimentConfig;
import dev.recur.tensor.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * {@link SequenceModel} and {@link SequenceModelConfig}: finite-difference gradients (float64,
 * {@link FiniteDifference}, at most 1e-6) of whole models — every cell, token / numeric / both
 * inputs, every pooling and one output per step, layer norm, the hidden layer, dropout, T = 1,
 * B = 1, variable lengths, every loss — and of their inputs (the numeric features and the initial
 * state); the configuration's messages and its map form; and the initial weights a seed draws,
 * fixed from before the model classes were merged.
 */
class SequenceModelTest {

    private static final Precision<double[]> F64 = Precision.F64;

    // ------------------------------------------------------------------------------------------
    // finite differences of whole models

    /**
     * A padded batch for {@code config}: tokens in {@code 1..V-1} (the padding index at padded
     * steps), features in U(−1, 1) (0 at padded steps), and targets the loss takes — one per
     * sequence or one per step as the model outputs: class ids (padded steps and every fourth valid
     * row of a per-step batch, or the second sequence of a per-sequence one, get the ignore index),
     * values in U(−2, 2), or probabilities in [0, 1] for binary cross-entropy.
     */
    private static Batch batch(SequenceModelConfig config, int nt, int nb, int[] lengths, Loss loss,
                               SplittableRandom rng) {
        int[] tokens = null;
        double[] features = null;
        int nf = config.features();
        if (config.hasTokens()) {
            tokens = new int[nt * nb];
            for (int t = 0; t < nt; t++) {
                for (int b = 0; b < nb; b++) {
                    boolean valid = lengths == null || t < lengths[b];
                    tokens[t * nb + b] = valid ? 1 + rng.nextInt(config.vocabSize() - 1) : config.paddingIdx();
                }
            }
        }
        if (nf > 0) {
            features = new double[nt * nb * nf];
            for (int t = 0; t < nt; t++) {
                for (int b = 0; b < nb; b++) {
                    for (int i = 0; i < nf && (lengths == null || t < lengths[b]); i++) {
                        features[(t * nb + b) * nf + i] = 2 * rng.nextDouble() - 1;
                    }
                }
            }
        }
        int rows = config.perStep() ? nt * nb : nb;
        int k = config.outputs();
        Targets targets;
        if (loss.classTargets()) {
            int ignore = ((CrossEntropy) loss).ignoreIndex();
            int[] ids = new int[rows];
            for (int r = 0; r < rows; r++) {
                boolean valid = !config.perStep() || lengths == null || r / nb < lengths[r % nb];
                ids[r] = rng.nextInt(k);
                if (!valid || (config.perStep() ? r % 4 == 3 : rows > 1 && r == 1)) {
                    ids[r] = ignore;
                }
            }
            targets = new Targets.Classes(ids);
        } else {
            double[] v = new double[rows * k];
            for (int i = 0; i < v.length; i++) {
                v[i] = loss instanceof BinaryCrossEntropy ? rng.nextDouble() : 4 * rng.nextDouble() - 2;
            }
            targets = new Targets.Values(v, k);
        }
        return new Batch(nt, nb, lengths, tokens, features, features == null ? 0 : nf, targets, false);
    }

    /** Class weights in U(0.5, 1.5). */
    private static double[] weights(int k, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] w = new double[k];
        for (int i = 0; i < k; i++) {
            w[i] = 0.5 + rng.nextDouble();
        }
        return w;
    }

    private static CrossEntropy weightedSmoothedCrossEntropy(int k) {
        return CrossEntropy.builder().classWeights(weights(k, k)).labelSmoothing(0.1)
                .ignoreIndex(Targets.IGNORE_INDEX).build();
    }

    /**
     * Checks a whole model by finite differences: the gradient of the loss with respect to every
     * parameter element, to every element of the initial state (when {@code initialState}), and to
     * every numeric feature (when the model has features). The features' gradient, which the model
     * does not compute (its input is data), comes from running the model's own layers in their
     * order and back again with the recurrent stack's input gradient on; that run must reproduce the
     * model's outputs and parameter gradients exactly. With dropout the model trains, and every
     * evaluation rewinds the dropout streams so that all use the same masks.
     */
    private static void check(String what, SequenceModelConfig config, int nt, int nb, int[] lengths, Loss loss,
                              boolean initialState, long seed) {
        SequenceModel<double[]> model = SequenceModel.create(config, F64, seed);
        SplittableRandom rng = new SplittableRandom(seed + 100);
        Batch batch = batch(config, nt, nb, lengths, loss, rng);
        State<double[]> initial = null;
        if (initialState) {
            RecurrentConfig rc = config.rnn();
            int rows = rc.numLayers() * rc.directions();
            initial = new State<>(FiniteDifference.uniform(rng, rows * nb * rc.outputSize(), 0.5),
                    rc.cell().hasCellState() ? FiniteDifference.uniform(rng, rows * nb * rc.hiddenSize(), 0.5) : null);
        }
        final State<double[]> h0 = initial;
        boolean dropout = !model.randomState().isEmpty();
        model.setTraining(dropout);

        model.zeroGrad();
        model.setRandomState(Map.of());
        Activations<double[]> out = model.forward(batch, h0);
        assertEquals(config.perStep() ? nt : 0, out.steps(), "one output per step or per sequence");
        assertEquals(config.outputs(), out.width(), "outputs");
        double[] outputs = out.values().clone();
        double[] dOut = new double[out.rows() * out.width()];
        double value = loss.compute(F64, out, batch.targets(), dOut).value();
        model.backward(out.with(dOut.clone(), out.width()));
        Map<String, double[]> grads = new LinkedHashMap<>();
        model.namedParameters().forEach((name, p) -> grads.put(name, p.grad().clone()));
        State<double[]> dInitial = h0 == null ? null : model.rnn().initialStateGradient();

        DoubleSupplier f = () -> {
            model.setRandomState(Map.of());
            return loss.compute(F64, model.forward(batch, h0), batch.targets(), null).value();
        };
        assertEquals(value, f.getAsDouble(), 0, "the loss is a function of the inputs and the weights");
        FiniteDifference fd = new FiniteDifference();
        for (Map.Entry<String, Parameter<double[]>> e : model.namedParameters().entrySet()) {
            fd.check(e.getKey(), e.getValue().value(), grads.get(e.getKey()), f);
        }
        if (h0 != null) {
            fd.check("h0", h0.h(), dInitial.h().clone(), f);
            if (h0.c() != null) {
                fd.check("c0", h0.c(), dInitial.c().clone(), f);
            }
        }
        if (config.features() > 0) {
            double[] dFeatures = featureGradient(model, batch, h0, outputs, dOut, grads);
            for (int t = 0; t < nt; t++) {
                for (int b = 0; b < nb; b++) {
                    for (int i = 0; lengths != null && t >= lengths[b] && i < config.features(); i++) {
                        assertEquals(0.0, dFeatures[(t * nb + b) * config.features() + i],
                                "a padded step's feature has no gradient");
                    }
                }
            }
            fd.check("features", batch.features(), dFeatures, f);
        }
        fd.assertPassed(what);
    }

    /**
     * The gradient of the numeric features: the model's layers run forward in the order they were
     * registered and back in reverse, with the recurrent stack asked for its input's gradient and
     * the concatenation of embeddings and features undone. Fails unless that run reproduces the
     * model's outputs and parameter gradients bit for bit.
     */
    @SuppressWarnings("unchecked")
    private static double[] featureGradient(SequenceModel<double[]> model, Batch batch, State<double[]> h0,
                                            double[] outputs, double[] dOut, Map<String, double[]> grads) {
        List<Module<double[]>> layers = new ArrayList<>(model.children().values());
        Concat<double[]> concat = new Concat<>(F64);
        model.zeroGrad();
        model.setRandomState(Map.of());
        Activations<double[]> x = batch.features(F64);
        for (Module<double[]> m : layers) {
            if (m instanceof Embedding<double[]> e) {
                x = concat.forward(e.forward(batch.tokenIds()), x);
            } else if (m instanceof SequenceLayer<double[]> rnn) {
                x = rnn.forward(x, h0);
            } else {
                x = ((Layer<double[], Activations<double[]>, Activations<double[]>>) m).forward(x);
            }
        }
        assertArrayEquals(outputs, x.values(), 0, "the layers in order are the model");
        Activations<double[]> d = x.with(dOut.clone(), x.width());
        double[] dFeatures = null;
        for (int i = layers.size() - 1; i >= 0; i--) {
            Module<double[]> m = layers.get(i);
            if (m instanceof Embedding<double[]> e) {
                Concat.Gradients<double[]> g = concat.backward(d);
                e.backward(g.first());
                dFeatures = g.second().values();
            } else if (m instanceof SequenceLayer<double[]> rnn) {
                d = rnn.backward(d, null, true);
            } else {
                d = ((Layer<double[], Activations<double[]>, Activations<double[]>>) m).backward(d);
            }
        }
        if (dFeatures == null) {
            dFeatures = d.values();
        }
        model.namedParameters().forEach((name, p) -> assertArrayEquals(grads.get(name), p.grad(), 0,
                "the layers back in reverse give the model's gradient of " + name));
        return dFeatures.clone();
    }

    @Test
    void lstmClassifierOnTokensLastStepWeightedSmoothedCrossEntropy() {
        SequenceModelConfig c = SequenceModelConfig.builder().tokens(9, 3).lstm(4).pooling(Pooling.Kind.LAST)
                .outputs(3).build();
        check("lstm tokens last, CE weights+smoothing+ignore", c, 4, 3, new int[] {4, 2, 1},
                weightedSmoothedCrossEntropy(3), false, 1);
    }

    @Test
    void bidirectionalGruClassifierLastOfBothDirectionsWithInitialState() {
        SequenceModelConfig c = SequenceModelConfig.builder().tokens(8, 3).gru(3).layers(2).bidirectional(true)
                .pooling(Pooling.Kind.LAST).outputs(4).build();
        check("gru bi L2 tokens last, CE, h0", c, 5, 3, new int[] {2, 5, 3}, CrossEntropy.mean(), true, 2);
    }

    @Test
    void bidirectionalLstmWithProjectionLastStep() {
        SequenceModelConfig c = SequenceModelConfig.builder().tokens(6, 2).lstm(4).projSize(2).bidirectional(true)
                .pooling(Pooling.Kind.LAST).outputs(2).build();
        check("lstm proj bi tokens last, CE, h0 c0", c, 4, 2, new int[] {3, 4}, CrossEntropy.mean(), true, 3);
    }

    @Test
    void elmanRegressorOnFeaturesMeanPoolingMse() {
        SequenceModelConfig c = SequenceModelConfig.builder().features(3).cell(CellKind.RNN_TANH, 4)
                .pooling(Pooling.Kind.MEAN).outputs(2).build();
        check("rnn_tanh features mean, MSE", c, 5, 2, new int[] {5, 3}, new MeanSquaredError(Reduction.MEAN), false, 4);
    }

    @Test
    void reluRegressorOnFeaturesMaxPoolingL1() {
        SequenceModelConfig c = SequenceModelConfig.builder().features(2).cell(CellKind.RNN_RELU, 5)
                .pooling(Pooling.Kind.MAX).outputs(2).build();
        check("rnn_relu features max, L1", c, 4, 3, new int[] {1, 4, 3}, new L1Loss(Reduction.MEAN), false, 5);
    }

    @Test
    void tokensAndFeaturesBidirectionalAttentionHuberWithInitialState() {
        SequenceModelConfig c = SequenceModelConfig.builder().tokens(7, 3).features(2).lstm(3).layers(2)
                .bidirectional(true).pooling(Pooling.Kind.ATTENTION).attentionSize(4).outputs(2).build();
        check("lstm bi L2 tokens+features attention, Huber, h0 c0", c, 4, 3, new int[] {4, 1, 3},
                HuberLoss.builder().delta(0.5).build(), true, 36);
    }

    @Test
    void taggerOneOutputPerStepWeightedSmoothedCrossEntropyIgnoringRows() {
        SequenceModelConfig c = SequenceModelConfig.builder().tokens(9, 3).gru(4).bidirectional(true).outputs(4)
                .build();
        check("gru bi tagger, CE weights+smoothing+ignore per step, h0", c, 5, 3, new int[] {5, 2, 4},
                weightedSmoothedCrossEntropy(4), true, 7);
    }

    @Test
    void perStepFeaturesWithLayerNormAndBinaryCrossEntropy() {
        SequenceModelConfig c = SequenceModelConfig.builder().features(3).lstm(4).layerNorm(true).outputs(3).build();
        check("lstm features per step, layer norm, BCE", c, 4, 2, new int[] {2, 4},
                BinaryCrossEntropy.builder().posWeight(weights(3, 9)).build(), false, 8);
    }

    @Test
    void layerNormHiddenLayerAndAttentionOnBothInputs() {
        for (Activation.Kind act : Activation.Kind.values()) {
            SequenceModelConfig c = SequenceModelConfig.builder().tokens(6, 2).features(2).gru(4).layerNorm(true)
                    .pooling(Pooling.Kind.ATTENTION).hidden(5, act).outputs(3).build();
            check("gru tokens+features, layer norm, attention, hidden " + act.id() + ", BCE", c, 4, 3,
                    new int[] {3, 4, 2}, BinaryCrossEntropy.builder().build(), false, 9);
        }
    }

    @Test
    void oneStepSequences() {
        SequenceModelConfig c = SequenceModelConfig.builder().tokens(5, 2).lstm(3).pooling(Pooling.Kind.LAST)
                .outputs(3).build();
        check("T=1 lstm tokens last, CE", c, 1, 3, null, CrossEntropy.mean(), false, 10);
        SequenceModelConfig tagger = SequenceModelConfig.builder().features(2).cell(CellKind.RNN_TANH, 3)
                .bidirectional(true).outputs(2).build();
        check("T=1 rnn bi features tagger, MSE", tagger, 1, 2, null, new MeanSquaredError(Reduction.MEAN), true, 11);
    }

    @Test
    void oneSequence() {
        SequenceModelConfig c = SequenceModelConfig.builder().features(2).gru(3).bidirectional(true)
                .pooling(Pooling.Kind.ATTENTION).outputs(2).build();
        check("B=1 gru bi features attention, Huber", c, 4, 1, null, HuberLoss.builder().build(), true, 12);
        SequenceModelConfig mean = SequenceModelConfig.builder().tokens(5, 2).lstm(3).pooling(Pooling.Kind.MEAN)
                .outputs(2).build();
        check("B=1 lstm tokens mean, CE weights+smoothing", mean, 3, 1, new int[] {3},
                weightedSmoothedCrossEntropy(2), false, 13);
    }

    @Test
    void dropoutEverywhereWithTheSameMasks() {
        SequenceModelConfig c = SequenceModelConfig.builder().tokens(7, 3).features(1).lstm(3).layers(2)
                .dropout(0.3).inputDropout(0.2).outputDropout(0.25).pooling(Pooling.Kind.ATTENTION).hidden(3,
                        Activation.Kind.TANH).outputs(2).build();
        check("lstm L2 tokens+features attention hidden, dropout, CE", c, 4, 2, new int[] {4, 2},
                CrossEntropy.mean(), false, 34);
    }

    // ------------------------------------------------------------------------------------------
    // structure

    @Test
    void everyModuleInPyTorchOrder() {
        SequenceModelConfig c = SequenceModelConfig.builder().tokens(6, 2).features(1).lstm(3).bidirectional(true)
                .inputDropout(0.1).outputDropout(0.1).layerNorm(true).pooling(Pooling.Kind.ATTENTION).attentionSize(4)
                .hidden(5, Activation.Kind.RELU).outputs(2).build();
        SequenceModel<double[]> m = SequenceModel.create(c, F64, 1);
        assertEquals(List.of("embedding", "input_dropout", "rnn", "norm", "pool", "output_dropout", "hidden",
                "hidden_activation", "head"), new ArrayList<>(m.children().keySet()));
        assertEquals(List.of("embedding.weight",
                "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
                "rnn.weight_ih_l0_reverse", "rnn.weight_hh_l0_reverse", "rnn.bias_ih_l0_reverse",
                "rnn.bias_hh_l0_reverse", "norm.weight", "norm.bias", "pool.query", "pool.proj.weight",
                "pool.proj.bias", "hidden.weight", "hidden.bias", "head.weight", "head.bias"),
                new ArrayList<>(m.namedParameters().keySet()));
        assertArrayEquals(new int[] {12, 3}, m.namedParameters().get("rnn.weight_ih_l0").shape(), "E + F inputs");
        assertArrayEquals(new int[] {4, 6}, m.namedParameters().get("pool.proj.weight").shape());
        assertArrayEquals(new int[] {5, 6}, m.namedParameters().get("hidden.weight").shape());
        assertArrayEquals(new int[] {2, 5}, m.namedParameters().get("head.weight").shape());
        double[] padding = Arrays.copyOfRange(m.namedParameters().get("embedding.weight").value(), 0, 2);
        assertArrayEquals(new double[2], padding, 0, "the padding row starts at zero");
        assertEquals(6, c.rnnWidth());
        assertEquals(5, c.headInput());
    }

    @Test
    void lastStepPoolingReadsEachSequenceAtItsOwnLastStep() {
        SequenceModelConfig c = SequenceModelConfig.builder().features(3).lstm(3).pooling(Pooling.Kind.LAST)
                .outputs(2).build();
        SequenceModel<double[]> m = SequenceModel.create(c, F64, 2);
        Batch b = batch(c, 5, 3, new int[] {5, 3, 1}, CrossEntropy.mean(), new SplittableRandom(8));
        Activations<double[]> y = m.rnn().forward(b.features(F64));
        double[] pooled = m.pool().forward(y).values();
        // the final state is taken at each sequence's own last step, as is the pooled vector
        assertArrayEquals(m.rnn().finalState().h(), pooled, 0);
        for (int bb = 0; bb < 3; bb++) {
            int last = b.length(bb) - 1;
            assertArrayEquals(Arrays.copyOfRange(y.values(), (last * 3 + bb) * 3, (last * 3 + bb + 1) * 3),
                    Arrays.copyOfRange(pooled, bb * 3, bb * 3 + 3), 0, "sequence " + bb);
        }
    }

    @Test
    void float32AgreesWithFloat64() {
        SequenceModelConfig c = SequenceModelConfig.builder().tokens(6, 2).features(2).gru(4).bidirectional(true)
                .layerNorm(true).pooling(Pooling.Kind.ATTENTION).hidden(3, Activation.Kind.SIGMOID).outputs(3).build();
        SequenceModel<double[]> d = SequenceModel.create(c, F64, 5);
        SequenceModel<float[]> f = SequenceModel.create(c, Precision.F32, 99);
        d.namedParameters().forEach((name, p) -> {
            float[] v = Precision.F32.fromDoubles(p.value());
            System.arraycopy(v, 0, f.namedParameters().get(name).value(), 0, v.length);
        });
        Batch b = batch(c, 5, 3, new int[] {5, 2, 4}, CrossEntropy.mean(), new SplittableRandom(3));
        double[] od = d.forward(b).values();
        float[] of = f.forward(b).values();
        for (int i = 0; i < od.length; i++) {
            assertEquals(od[i], of[i], 1e-5, "output " + i);
        }
    }

    @Test
    void chronoInitialisationSpreadsGateTimeScales() {
        int horizon = 50;
        SequenceModel<double[]> m = SequenceModel.create(SequenceModelConfig.builder().features(3).lstm(16)
                .pooling(Pooling.Kind.LAST).outputs(1).chronoHorizon(horizon).build(), F64, 3);
        double[] bih = m.rnn().params(0, 0).biasIh().value();
        double[] bhh = m.rnn().params(0, 0).biasHh().value();
        for (int j = 0; j < 16; j++) {
            double f = bih[LstmGate.FORGET.offset(16) + j];
            assertTrue(f >= 0 && f <= Math.log(horizon - 1), "forget bias " + f);
            assertEquals(-f, bih[LstmGate.INPUT.offset(16) + j]);
            assertEquals(0, bhh[LstmGate.FORGET.offset(16) + j]);
            assertEquals(0, bhh[LstmGate.INPUT.offset(16) + j]);
        }
        SequenceModel<double[]> g = SequenceModel.create(SequenceModelConfig.builder().features(3).gru(16)
                .pooling(Pooling.Kind.LAST).outputs(1).chronoHorizon(horizon).build(), F64, 3);
        double[] zb = g.rnn().params(0, 0).biasIh().value();
        double[] zh = g.rnn().params(0, 0).biasHh().value();
        for (int j = 0; j < 16; j++) {
            double z = zb[GruGate.UPDATE.offset(16) + j];
            assertTrue(z >= 0 && z <= Math.log(horizon - 1), "update bias " + z);
            assertEquals(0, zh[GruGate.UPDATE.offset(16) + j]);
        }
    }

    @Test
    void batchesThatDoNotFitTheModelSayWhatWasExpected() {
        SequenceModel<double[]> tokens = SequenceModel.create(SequenceModelConfig.builder().tokens(5, 2).lstm(3)
                .pooling(Pooling.Kind.LAST).outputs(2).build(), F64, 1);
        SequenceModel<double[]> features = SequenceModel.create(SequenceModelConfig.builder().features(2).lstm(3)
                .pooling(Pooling.Kind.LAST).outputs(2).build(), F64, 1);
        assertMessage(() -> tokens.forward(Batch.ofFeatures(new double[4], 1, 2, 2, null, null)),
                "expected token ids (the model embeds 5 tokens), found none; likely cause");
        assertMessage(() -> features.forward(Batch.ofFeatures(new double[6], 1, 2, 3, null, null)),
                "expected 2 numeric features per step, found 3; likely cause");
        assertMessage(() -> features.forward(new Batch(1, 2, null, new int[2], new double[4], 2, null, false)),
                "expected numeric features only, found token ids; likely cause");
        assertMessage(() -> Batch.ofTokens(new int[6], 3, 2, new int[] {3, 4}, null), "lengths");
    }

    // ------------------------------------------------------------------------------------------
    // the configuration

    private static void assertMessage(Executable e, String part) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(part), ex.getMessage());
        assertEquals(-1, ex.getMessage().indexOf('\n'), "one line: " + ex.getMessage());
    }

    private static RecurrentConfig lstm(int inputs) {
        return RecurrentConfig.builder(CellKind.LSTM, inputs, 4).build();
    }

    /** The record with every field given, for the checks the builder cannot reach. */
    private static SequenceModelConfig config(int v, int e, int pad, int f, RecurrentConfig rnn, Pooling.Kind pooling,
                                              int attention, int hidden, Activation.Kind act, int outputs,
                                              int chrono) {
        return new SequenceModelConfig(v, e, pad, f, 0, rnn, false, pooling, attention, 0, hidden, act, outputs,
                chrono);
    }

    @Test
    void invalidConfigurationsSayWhatWasExpected() {
        assertMessage(() -> SequenceModelConfig.builder().lstm(4).outputs(2).build(),
                "model inputs: expected tokens (vocab_size, embedding_dim), numeric features, or both, found neither");
        assertMessage(() -> config(-1, 2, -1, 0, lstm(2), null, 0, 0, Activation.Kind.TANH, 2, 0),
                "expected vocab_size, embedding_dim and features >= 0, found -1, 2 and 0");
        assertMessage(() -> SequenceModelConfig.builder().tokens(5, 0).features(2).outputs(2).build(),
                "expected vocab_size and embedding_dim both set (token input) or both 0, found 5 and 0");
        assertMessage(() -> SequenceModelConfig.builder().tokens(5, 2).paddingIdx(5).outputs(2).build(),
                "padding_idx: expected a token id in 0..4 or none (-1), found 5");
        assertMessage(() -> config(0, 0, 0, 2, lstm(2), null, 0, 0, Activation.Kind.TANH, 2, 0),
                "padding_idx: expected a token id in 0..-1 or none (-1), found 0");
        assertMessage(() -> SequenceModelConfig.builder().features(2).inputDropout(1).outputs(2).build(),
                "input_dropout: expected a probability in [0, 1), found 1.0");
        assertMessage(() -> SequenceModelConfig.builder().features(2).outputDropout(-0.1).outputs(2).build(),
                "output_dropout: expected a probability in [0, 1), found -0.1");
        assertMessage(() -> config(0, 0, -1, 2, null, null, 0, 0, Activation.Kind.TANH, 2, 0),
                "the recurrent stack must be given");
        assertMessage(() -> config(0, 0, -1, 2, lstm(3), null, 0, 0, Activation.Kind.TANH, 2, 0),
                "rnn input_size: expected embedding_dim + features = 0 + 2, found 3");
        assertMessage(() -> SequenceModelConfig.builder().features(2).pooling(Pooling.Kind.MEAN).attentionSize(3)
                .outputs(2).build(), "attention_size: expected 0 without attention pooling, found 3");
        assertMessage(() -> config(0, 0, -1, 2, lstm(2), Pooling.Kind.ATTENTION, 0, 0, Activation.Kind.TANH, 2, 0),
                "attention_size: expected >= 1 for attention pooling, found 0");
        assertMessage(() -> SequenceModelConfig.builder().features(2).hidden(-1, Activation.Kind.RELU).outputs(2)
                .build(), "hidden_units: expected >= 0 (0 = no hidden layer), found -1");
        assertMessage(() -> SequenceModelConfig.builder().features(2).hidden(3, null).outputs(2).build(),
                "hidden_activation: must be given");
        assertMessage(() -> SequenceModelConfig.builder().features(2).build(), "outputs: expected >= 1, found 0");
        assertMessage(() -> SequenceModelConfig.builder().features(2).outputs(1).chronoHorizon(1).build(),
                "chrono horizon: expected 0 (off) or >= 2 steps, found 1");
        assertMessage(() -> SequenceModelConfig.builder().features(2).bias(false).outputs(1).chronoHorizon(5).build(),
                "expected a recurrent stack with biases, found bias = false; likely cause");
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> SequenceModelConfig.builder().tokens(1 << 20, 1 << 12).lstm(4).outputs(2).build());
        assertTrue(big.getMessage().contains("embedding.weight"), big.getMessage());
    }

    @Test
    void theBuilderHoldsTheDefaults() {
        SequenceModelConfig c = SequenceModelConfig.builder().tokens(5, 2).outputs(3).build();
        assertEquals(0, c.paddingIdx());
        assertEquals(CellKind.LSTM, c.rnn().cell());
        assertEquals(64, c.rnn().hiddenSize());
        assertEquals(1, c.rnn().numLayers());
        assertEquals(1, c.rnn().directions());
        assertEquals(0, c.rnn().projSize());
        assertTrue(c.rnn().bias());
        assertTrue(c.perStep());
        assertNull(c.pooling());
        assertEquals(0, c.attentionSize());
        assertEquals(0, c.hiddenUnits());
        assertEquals(0, c.chronoHorizon());
        assertEquals(Embedding.NO_PADDING, SequenceModelConfig.builder().features(2).outputs(1).build().paddingIdx(),
                "no tokens, no padding index");
        assertEquals(2 * 5, SequenceModelConfig.builder().features(2).gru(5).bidirectional(true)
                .pooling(Pooling.Kind.ATTENTION).outputs(1).build().attentionSize(), "attention size D*Hout by default");
    }

    @Test
    void toMapAndFromMapRoundTrip() {
        List<SequenceModelConfig> configs = List.of(
                SequenceModelConfig.charLanguageModel(20, 8, CellKind.GRU, 16, 2, 0.2),
                SequenceModelConfig.builder().tokens(30, 4).features(3).cell(CellKind.RNN_RELU, 6).layers(3)
                        .bidirectional(true).bias(false).dropout(0.1).inputDropout(0.05).outputDropout(0.15)
                        .layerNorm(true).pooling(Pooling.Kind.ATTENTION).attentionSize(7)
                        .hidden(9, Activation.Kind.SIGMOID).outputs(4).build(),
                SequenceModelConfig.builder().features(2).lstm(8).projSize(3).forgetBias(1.0)
                        .init(WeightInit.XAVIER, WeightInit.ORTHOGONAL).pooling(Pooling.Kind.MAX).outputs(1)
                        .chronoHorizon(0).build(),
                Experiment.modelConfig(new AddingProblem(10), CellKind.LSTM, ExperimentConfig.defaults(
                        new AddingProblem(10))),
                SequenceModelConfig.builder().tokens(9, 3).paddingIdx(4).gru(5).pooling(Pooling.Kind.MEAN).outputs(2)
                        .build());
        for (SequenceModelConfig c : configs) {
            Map<String, Object> map = c.toMap();
            assertEquals(c, SequenceModelConfig.fromMap(map), map.toString());
            assertEquals(map, SequenceModelConfig.fromMap(map).toMap());
        }
        Map<String, Object> none = configs.get(0).toMap();
        assertEquals("none", none.get("pooling"));
        assertNull(none.get("forget_bias"), "PyTorch's forget bias is written as null");
        assertEquals(1.0, configs.get(2).toMap().get("forget_bias"));
        Map<String, Object> missing = new LinkedHashMap<>(configs.get(1).toMap());
        missing.remove("hidden_size");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SequenceModelConfig.fromMap(missing));
        assertTrue(e.getMessage().contains("hidden_size"), e.getMessage());
        Map<String, Object> badPooling = new LinkedHashMap<>(configs.get(1).toMap());
        badPooling.put("pooling", "median");
        assertMessage(() -> SequenceModelConfig.fromMap(badPooling), "found 'median'");
        Map<String, Object> badInit = new LinkedHashMap<>(configs.get(1).toMap());
        badInit.put("input_init", "he");
        assertMessage(() -> SequenceModelConfig.fromMap(badInit), "found 'he'");
    }

    // ------------------------------------------------------------------------------------------
    // initial weights: the same for a seed as before the model classes were merged

    private static void assertFirst(double[] expected, Map<String, Parameter<double[]>> named, String name, int from) {
        double[] v = named.get(name).value();
        assertArrayEquals(expected, Arrays.copyOfRange(v, from, from + expected.length), 0,
                name + "[" + from + "..]");
    }

    @Test
    void theCharacterModelDrawsTheWeightsItAlwaysDrew() {
        // Printed by commit 8f2d830 (before SequenceModel) for
        // CharLanguageModel.create(CharLanguageModelConfig.builder(20).embeddingDim(8).hiddenSize(16).layers(1)
        //         .build(), Precision.F64, 7): the first five values of each tensor.
        SequenceModel<double[]> m = SequenceModel.create(
                SequenceModelConfig.charLanguageModel(20, 8, CellKind.LSTM, 16, 1, 0), F64, 7);
        Map<String, Parameter<double[]>> named = m.namedParameters();
        assertFirst(new double[] {-2.835001309397948, 0.7634357727590624, -1.143251400241811, 0.4274230046792259,
                -1.3798289425643304}, named, "embedding.weight", 0);
        assertFirst(new double[] {0.05570114342053445, 0.2302079329196472, -0.11089970455159726,
                -0.07194588571480937, 0.024340113168940303}, named, "rnn.weight_ih_l0", 0);
        assertFirst(new double[] {-0.2054212350479765, 0.1880445958938804, -0.21029245225850918, 0.24685111204136168,
                0.0418829461279156}, named, "head.weight", 0);
        // the dropout streams are seeded after the weights: turning dropout on changes no weight
        SequenceModel<double[]> d = SequenceModel.create(
                SequenceModelConfig.charLanguageModel(20, 8, CellKind.LSTM, 16, 1, 0.3), F64, 7);
        named.forEach((name, p) -> assertArrayEquals(p.value(), d.namedParameters().get(name).value(), 0, name));
        assertNotEquals(named.get("head.weight").value()[0],
                SequenceModel.create(SequenceModelConfig.charLanguageModel(20, 8, CellKind.LSTM, 16, 1, 0), F64, 8)
                        .namedParameters().get("head.weight").value()[0], "another seed, other weights");
    }

    @Test
    void theLongLagModelDrawsTheWeightsItAlwaysDrew() {
        // Printed by commit 8f2d830 (before SequenceModel) for
        // ManyToOneModel.create(Experiment.modelConfig(new AddingProblem(10), CellKind.LSTM,
        //         ExperimentConfig.defaults(new AddingProblem(10))), Precision.F64, 7): H = 64, chrono
        // initialisation on (horizon 10), so bias_ih's input gate is −(forget gate) and bias_hh's
        // input and forget gates are 0.
        AddingProblem task = new AddingProblem(10);
        SequenceModelConfig c = Experiment.modelConfig(task, CellKind.LSTM, ExperimentConfig.defaults(task));
        assertEquals(10, c.chronoHorizon());
        SequenceModel<double[]> m = SequenceModel.create(c, F64, 7);
        Map<String, Parameter<double[]>> named = m.namedParameters();
        assertEquals(List.of("rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
                "head.weight", "head.bias"), new ArrayList<>(named.keySet()));
        int forget = LstmGate.FORGET.offset(64);
        int cell = LstmGate.CELL.offset(64);
        assertEquals(64, forget);
        assertFirst(new double[] {0.05537704515124256, 0.03742608411711393, 0.01234358122983098,
                0.026058701342078633, -0.03798537460521631}, named, "rnn.weight_ih_l0", 0);
        assertFirst(new double[] {0.03571234796356154, -0.02420691686043397, -0.09391296165506244,
                -0.008348286594028559, 0.015035996504814048}, named, "rnn.weight_hh_l0", 0);
        assertFirst(new double[] {-0.5383981279622895, -2.0805301407285866, -0.49183897095674106,
                -2.1916108266443644, -1.7352115404241875}, named, "rnn.bias_ih_l0", 0);
        assertFirst(new double[] {0.5383981279622895, 2.0805301407285866, 0.49183897095674106, 2.1916108266443644,
                1.7352115404241875}, named, "rnn.bias_ih_l0", forget);
        assertFirst(new double[] {0.07058070650986337, 0.10629578932702471, 0.049225257739392486,
                -0.08381543894211352, -0.04310149082818676}, named, "rnn.bias_hh_l0", cell);
        assertFirst(new double[] {0.06725117295983651, 0.026336562299212246, 0.06277632129756602,
                -0.08119482531823238, 0.11338816319199607}, named, "head.weight", 0);
        assertFirst(new double[] {-0.036581085341696684}, named, "head.bias", 0);
    }
}
