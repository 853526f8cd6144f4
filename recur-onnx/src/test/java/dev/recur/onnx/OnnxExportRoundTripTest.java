package dev.recur.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.recur.data.Batch;
import dev.recur.model.SequenceModel;
import dev.recur.model.SequenceModelConfig;
import dev.recur.nn.Activation;
import dev.recur.nn.Activations;
import dev.recur.nn.Pooling;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.sequence.State;
import dev.recur.tensor.Precision;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of model, exported and run by ONNX Runtime, against recur's own forward pass: outputs
 * and final states within 1e-5 (float32), for batch 1 and 7, T 1 and 40, and variable lengths.
 */
class OnnxExportRoundTripTest {

    static final double TOLERANCE = 1e-5;
    private static OrtEnvironment env;

    @BeforeAll
    static void start() {
        env = OrtEnvironment.getEnvironment();
    }

    /** The largest difference seen, for the record. */
    private static double largest;

    @AfterAll
    static void report() {
        System.out.printf("ONNX Runtime vs recur: largest difference %.3g over every output and final state%n",
                largest);
    }

    /** The models of the models issue: stacks of each cell, the character model, classifiers and regressors. */
    static Stream<Arguments> models() {
        List<Arguments> cases = new ArrayList<>();
        for (CellKind cell : List.of(CellKind.LSTM, CellKind.GRU, CellKind.RNN_TANH)) {
            for (int layers : new int[]{1, 2}) {
                for (boolean bi : new boolean[]{false, true}) {
                    // a tagger: numeric features in, one output per step
                    cases.add(Arguments.of(cell.id() + " " + layers + "l " + (bi ? "bi" : "uni") + " tagger",
                            SequenceModelConfig.builder().features(3).cell(cell, 5).layers(layers).bidirectional(bi)
                                    .outputs(4).build()));
                }
            }
        }
        cases.add(Arguments.of("rnn_relu tagger", SequenceModelConfig.builder().features(3)
                .cell(CellKind.RNN_RELU, 5).layers(2).bidirectional(true).outputs(2).build()));
        cases.add(Arguments.of("char LM lstm 2l", SequenceModelConfig.charLanguageModel(11, 6, CellKind.LSTM, 8, 2, 0.1)));
        cases.add(Arguments.of("char LM gru 1l", SequenceModelConfig.charLanguageModel(11, 6, CellKind.GRU, 8, 1, 0)));
        for (Pooling.Kind pooling : Pooling.Kind.values()) {
            for (boolean bi : new boolean[]{false, true}) {
                SequenceModelConfig.Builder b = SequenceModelConfig.builder().tokens(13, 4).paddingIdx(0)
                        .lstm(6).bidirectional(bi).pooling(pooling).outputs(3);
                if (pooling == Pooling.Kind.ATTENTION) {
                    b.attentionSize(5);
                }
                cases.add(Arguments.of("classifier " + pooling.id() + (bi ? " bi" : ""), b.build()));
            }
        }
        cases.add(Arguments.of("classifier tokens+features, norm, hidden", SequenceModelConfig.builder()
                .tokens(9, 4).features(2).gru(6).layers(2).layerNorm(true).pooling(Pooling.Kind.MEAN)
                .hidden(7, Activation.Kind.RELU).outputs(3).build()));
        cases.add(Arguments.of("regressor", SequenceModelConfig.builder().features(4).lstm(8).pooling(Pooling.Kind.LAST)
                .hidden(5, Activation.Kind.TANH).outputs(7).build()));
        cases.add(Arguments.of("regressor sigmoid hidden, no bias", SequenceModelConfig.builder().features(4).gru(8)
                .bias(false).pooling(Pooling.Kind.MAX).hidden(5, Activation.Kind.SIGMOID).outputs(2).build()));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void onnxRuntimeComputesWhatRecurComputes(String name, SequenceModelConfig config) throws OrtException {
        SequenceModel<float[]> model = SequenceModel.create(config, Precision.F32, 7);
        model.setTraining(false);
        byte[] file = OnnxExporter.export(model, null, new OnnxExporter.Options(false, "test")).toByteArray();
        try (OrtSession session = env.createSession(file, new OrtSession.SessionOptions())) {
            int[][] shapes = {{1, 1}, {1, 40}, {7, 1}, {7, 40}};
            for (int[] s : shapes) {
                for (boolean variable : new boolean[]{false, true}) {
                    if (variable && s[1] == 1) {
                        continue;
                    }
                    Batch batch = batch(config, s[0], s[1], variable, new SplittableRandom(s[0] * 100L + s[1]));
                    compare(name + " B=" + s[0] + " T=" + s[1] + (variable ? " variable" : ""), model, session,
                            batch, null);
                }
            }
        }
    }

    /** Feeding one step at a time with the state carried gives the whole sequence's outputs and final state. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void streamingOneStepAtATimeEqualsTheWholeSequence(String name, SequenceModelConfig config) throws OrtException {
        if (config.rnn().bidirectional() || !config.perStep()) {
            return;   // a bidirectional layer reads the future; a pooled output is of the whole sequence
        }
        SequenceModel<float[]> model = SequenceModel.create(config, Precision.F32, 11);
        model.setTraining(false);
        byte[] file = OnnxExporter.export(model, null, new OnnxExporter.Options(true, "test")).toByteArray();
        int nb = 3;
        int nt = 12;
        Batch whole = batch(config, nb, nt, false, new SplittableRandom(5));
        try (OrtSession session = env.createSession(file, new OrtSession.SessionOptions())) {
            Map<String, float[]> all = run(session, whole, null);
            float[] h = null;
            float[] c = null;
            int k = config.outputs();
            for (int t = 0; t < nt; t++) {
                Batch step = slice(whole, t);
                Map<String, float[]> out = run(session, step, new float[][]{h, c});
                for (int i = 0; i < nb * k; i++) {
                    assertEquals(all.get("output")[t * nb * k + i], out.get("output")[i], TOLERANCE,
                            name + ": output of step " + t);
                }
                h = out.get("h_n");
                c = out.get("c_n");
            }
            assertClose(name + " streamed h_n", all.get("h_n"), h);
            if (c != null) {
                assertClose(name + " streamed c_n", all.get("c_n"), c);
            }
        }
    }

    @Test
    void anLstmProjectionIsRefusedSayingWhy() {
        SequenceModel<float[]> model = SequenceModel.create(SequenceModelConfig.builder().features(2).lstm(6)
                .projSize(3).outputs(2).build(), Precision.F32, 1);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> OnnxExporter.export(model, null, new OnnxExporter.Options(false, "test")));
        assertTrue(e.getMessage().contains("proj_size = 3") && e.getMessage().contains("no projection"),
                e.getMessage());
    }

    private static void compare(String what, SequenceModel<float[]> model, OrtSession session, Batch batch,
                                float[][] initial) throws OrtException {
        Activations<float[]> expected = model.forward(batch);
        State<float[]> state = model.finalState();
        Map<String, float[]> actual = run(session, batch, initial);
        float[] out = actual.get("output");
        assertEquals(expected.values().length, out.length, what + ": output size");
        int k = model.config().outputs();
        for (int i = 0; i < out.length; i++) {
            if (expected.perStep() && !expected.valid(i / k / batch.batch(), i / k % batch.batch())) {
                continue;   // padding steps are not outputs
            }
            largest = Math.max(largest, Math.abs(expected.values()[i] - out[i]));
            assertEquals(expected.values()[i], out[i], TOLERANCE, what + ": output " + i);
        }
        assertClose(what + ": h_n", state.h(), actual.get("h_n"));
        if (state.c() != null) {
            assertClose(what + ": c_n", state.c(), actual.get("c_n"));
        }
    }

    static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": size");
        for (int i = 0; i < expected.length; i++) {
            largest = Math.max(largest, Math.abs(expected[i] - actual[i]));
            assertEquals(expected[i], actual[i], TOLERANCE, what + " [" + i + "]");
        }
    }

    /** Runs the exported model on a batch; {@code initial} holds {@code h0} and {@code c0} (either null for zeros). */
    static Map<String, float[]> run(OrtSession session, Batch batch, float[][] initial) throws OrtException {
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            long nt = batch.steps();
            long nb = batch.batch();
            if (batch.tokens() != null) {
                long[] ids = new long[batch.tokens().length];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = batch.tokens()[i];
                }
                inputs.put("tokens", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[]{nt, nb}));
            }
            if (batch.features() != null) {
                inputs.put("features", OnnxTensor.createTensor(env, FloatBuffer.wrap(Precision.F32.fromDoubles(
                        batch.features())),
                        new long[]{nt, nb, batch.featureWidth()}));
            }
            int[] lengths = new int[batch.batch()];
            for (int b = 0; b < lengths.length; b++) {
                lengths[b] = batch.lengths() == null ? batch.steps() : batch.lengths()[b];
            }
            inputs.put("lengths", OnnxTensor.createTensor(env, IntBuffer.wrap(lengths), new long[]{nb}));
            if (session.getInputNames().contains("h0")) {
                var info = (ai.onnxruntime.TensorInfo) session.getInputInfo().get("h0").getInfo();
                long rows = info.getShape()[0];
                long width = info.getShape()[2];
                for (String s : new String[]{"h0", "c0"}) {
                    if (!session.getInputNames().contains(s)) {
                        continue;
                    }
                    float[] given = initial == null ? null : initial[s.equals("h0") ? 0 : 1];
                    float[] v = given != null ? given : new float[(int) (rows * nb * width)];
                    inputs.put(s, OnnxTensor.createTensor(env, FloatBuffer.wrap(v), new long[]{rows, nb, width}));
                }
            }
            Map<String, float[]> out = new HashMap<>();
            try (OrtSession.Result r = session.run(inputs)) {
                for (var e : r) {
                    OnnxTensor t = (OnnxTensor) e.getValue();
                    FloatBuffer fb = t.getFloatBuffer();
                    float[] v = new float[fb.remaining()];
                    fb.get(v);
                    out.put(e.getKey(), v);
                }
            }
            return out;
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** A batch of random inputs for the model; variable lengths in 1..T when asked. */
    static Batch batch(SequenceModelConfig config, int nb, int nt, boolean variable, SplittableRandom rng) {
        int[] lengths = null;
        if (variable) {
            lengths = new int[nb];
            for (int b = 0; b < nb; b++) {
                lengths[b] = b == 0 ? nt : 1 + rng.nextInt(nt);
            }
        }
        int[] tokens = null;
        if (config.hasTokens()) {
            tokens = new int[nt * nb];
            for (int i = 0; i < tokens.length; i++) {
                int t = i / nb;
                boolean pad = lengths != null && t >= lengths[i % nb];
                tokens[i] = pad ? 0 : rng.nextInt(config.vocabSize());
            }
        }
        double[] features = null;
        if (config.features() > 0) {
            features = new double[nt * nb * config.features()];
            for (int i = 0; i < features.length; i++) {
                int row = i / config.features();
                boolean pad = lengths != null && row / nb >= lengths[row % nb];
                features[i] = pad ? 0 : rng.nextGaussian();
            }
        }
        return new Batch(nt, nb, lengths, tokens, features, config.features(), null, false);
    }

    /** Step {@code t} of a batch of full-length sequences, as a batch of one step. */
    static Batch slice(Batch b, int t) {
        int nb = b.batch();
        int[] tokens = null;
        if (b.tokens() != null) {
            tokens = new int[nb];
            System.arraycopy(b.tokens(), t * nb, tokens, 0, nb);
        }
        double[] features = null;
        if (b.features() != null) {
            int f = b.featureWidth();
            features = new double[nb * f];
            System.arraycopy(b.features(), t * nb * f, features, 0, nb * f);
        }
        return new Batch(1, nb, null, tokens, features, b.featureWidth(), null, false);
    }
}
