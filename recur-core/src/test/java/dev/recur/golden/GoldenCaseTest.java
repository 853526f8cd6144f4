package dev.recur.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.data.Batch;
import dev.recur.data.TrainingData;
import dev.recur.io.SafetensorsFile;
import dev.recur.model.Model;
import dev.recur.model.SequenceModel;
import dev.recur.model.SequenceModelConfig;
import dev.recur.nn.Activations;
import dev.recur.nn.Embedding;
import dev.recur.nn.Parameter;
import dev.recur.nn.Pooling;
import dev.recur.nn.loss.CrossEntropy;
import dev.recur.nn.loss.HuberLoss;
import dev.recur.nn.loss.L1Loss;
import dev.recur.nn.loss.Loss;
import dev.recur.nn.loss.LossValue;
import dev.recur.nn.loss.MeanSquaredError;
import dev.recur.nn.loss.Reduction;
import dev.recur.nn.loss.Targets;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.sequence.InputGradients;
import dev.recur.nn.sequence.RecurrentConfig;
import dev.recur.nn.sequence.SequenceLayer;
import dev.recur.nn.sequence.SequenceOutput;
import dev.recur.nn.sequence.State;
import dev.recur.optim.AdamConfig;
import dev.recur.optim.RMSpropConfig;
import dev.recur.optim.SgdConfig;
import dev.recur.tensor.Precision;
import dev.recur.train.OptimizerChoice;
import dev.recur.train.TrainConfig;
import dev.recur.train.Trainer;
import dev.recur.train.TrainingEvents;
import dev.recur.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every golden case computed by PyTorch in float64 (see {@code golden/cases/README.md} and
 * {@code golden/cases_seq/README.md}), checked in float64 and in float32 with the tolerances of
 * its §8. The cases come from {@link GoldenDir}.
 *
 * <p>The models of the {@code model}, {@code training}, {@code classifier}, {@code regressor} and
 * {@code tagger} cases are {@link SequenceModel}s built from the metadata alone and loaded by their
 * {@code state_dict} names; their optimizer steps are taken by the one {@link Trainer}.
 */
class GoldenCaseTest {

    /** Kinds this build checks; a case of any other kind is reported as skipped. */
    private static final Set<String> SUPPORTED = Set.of("layer", "packed", "model", "training", "classifier",
            "regressor", "tagger");

    /** Tensors of a {@code classifier}, {@code regressor} or {@code tagger} case that are inputs, not results. */
    private static final Set<String> SEQ_INPUTS = Set.of("lengths", "tokens", "labels", "class_weights", "x",
            "targets", "tags");

    private static final Map<String, AtomicInteger> CHECKED = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> SKIPPED = new ConcurrentHashMap<>();

    @TestFactory
    List<DynamicNode> goldenCases() throws IOException {
        List<DynamicNode> nodes = new ArrayList<>();
        for (Path path : GoldenDir.cases()) {
            SafetensorsFile file = SafetensorsFile.read(path);
            String kind = file.metadata().getOrDefault("kind", "(none)");
            String name = path.getFileName().toString().replace(".safetensors", "");
            if (!SUPPORTED.contains(kind)) {
                nodes.add(DynamicTest.dynamicTest(name + " [" + kind + "]", () -> {
                    SKIPPED.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
                    Assumptions.abort("golden case kind '" + kind + "' is not supported yet: skipped, not passed");
                }));
                continue;
            }
            nodes.add(DynamicContainer.dynamicContainer(name + " [" + kind + "]", List.of(
                    DynamicTest.dynamicTest("float64", () -> checkCase(kind, file, Precision.F64)),
                    DynamicTest.dynamicTest("float32", () -> {
                        checkCase(kind, file, Precision.F32);
                        CHECKED.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
                    }))));
        }
        return nodes;
    }

    @AfterAll
    static void summary() {
        Map<String, Integer> checked = new TreeMap<>();
        CHECKED.forEach((k, v) -> checked.put(k, v.get()));
        Map<String, Integer> skipped = new TreeMap<>();
        SKIPPED.forEach((k, v) -> skipped.put(k, v.get()));
        System.out.println("golden cases in " + GoldenDir.describe() + ": checked (float64 and float32) " + checked
                + (skipped.isEmpty() ? "" : "; skipped (kind not supported) " + skipped));
    }

    private static <A> void checkCase(String kind, SafetensorsFile f, Precision<A> pr) {
        switch (kind) {
            case "layer", "packed" -> checkLayerCase(f, pr);
            case "model" -> checkModelCase(f, pr);
            case "training" -> checkTrainingCase(f, pr);
            case "classifier", "regressor", "tagger" -> checkSequenceModelCase(kind, f, pr);
            default -> throw new AssertionError("no check for kind " + kind);
        }
    }

    /** A {@code layer} or {@code packed} case: forward outputs and final states, then every gradient. */
    static <A> void checkLayerCase(SafetensorsFile f, Precision<A> pr) {
        Map<String, String> m = f.metadata();
        assertEquals("false", m.get("batch_first"), "batch_first");
        assertEquals(0.0, Double.parseDouble(m.get("dropout")), "dropout");
        CellKind kind = CellKind.fromId(m.get("cell"));
        int nt = intMeta(m, "seq_len");
        int nb = intMeta(m, "batch");
        RecurrentConfig config = RecurrentConfig.builder(kind, intMeta(m, "input_size"), intMeta(m, "hidden_size"))
                .layers(intMeta(m, "num_layers"))
                .bidirectional(Boolean.parseBoolean(m.get("bidirectional")))
                .projSize(intMeta(m, "proj_size"))
                .bias(Boolean.parseBoolean(m.get("bias")))
                .build();
        SequenceLayer<A> layer = SequenceLayer.create(config, pr, 0);
        List<Parameter<A>> params = layer.parameters();
        assertEquals(List.of(m.get("param_names").split(",")),
                params.stream().map(Parameter::name).collect(Collectors.toList()), "parameter names and order");
        for (Parameter<A> p : params) {
            assertArrayEquals(f.shape(p.name()), p.shape(), "shape of " + p.name());
            pr.kernels().copy(pr.fromDoubles(f.doubles(p.name())), 0, p.value(), 0, p.size());
        }
        boolean lstm = kind.hasCellState();
        int[] lengths = null;
        if ("packed".equals(m.get("kind"))) {
            lengths = Arrays.stream(f.longs("lengths")).mapToInt(Math::toIntExact).toArray();
        }
        Tolerance tol = Tolerance.of("float64".equals(pr.name()), nt);
        Set<String> compared = new TreeSet<>();

        SequenceOutput<A> out = layer.forward(Activations.sequence(load(f, pr, "x"), nt, nb, layer.config().inputSize(), lengths),
                new State<>(load(f, pr, "h0"), lstm ? load(f, pr, "c0") : null), false);
        compare(f, pr, tol, "y", out.output(), compared);
        compare(f, pr, tol, "h_n", out.finalState().h(), compared);
        if (lstm) {
            compare(f, pr, tol, "c_n", out.finalState().c(), compared);
        }

        layer.zeroGrad();
        InputGradients<A> g = layer.backward(out.tape(), load(f, pr, "grad_y"),
                new State<>(load(f, pr, "grad_h_n"), lstm ? load(f, pr, "grad_c_n") : null));
        compare(f, pr, tol, "grad.x", g.dx(), compared);
        compare(f, pr, tol, "grad.h0", g.initialState().h(), compared);
        if (lstm) {
            compare(f, pr, tol, "grad.c0", g.initialState().c(), compared);
        }
        for (Parameter<A> p : params) {
            compare(f, pr, tol, "grad." + p.name(), p.grad(), compared);
        }
        // every expected result in the file was compared: nothing is silently left out
        Set<String> expected = f.names().stream()
                .filter(n -> n.startsWith("grad.") || n.equals("y") || n.equals("h_n") || n.equals("c_n"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, compared, "expected tensors compared");
        assertTrue(compared.size() >= 4);
    }

    // ------------------------------------------------------------------------------------------
    // model and training cases (golden README §6, §7): the character language model

    /**
     * A {@code model} case: logits and loss of the character-level language model, then the
     * gradient of every parameter.
     */
    static <A> void checkModelCase(SafetensorsFile f, Precision<A> pr) {
        Map<String, String> m = f.metadata();
        int nt = intMeta(m, "seq_len");
        int nb = intMeta(m, "batch");
        SequenceModel<A> model = charModel(f, pr);
        Tolerance tol = Tolerance.of(pr.isDouble(), nt);
        Set<String> compared = new TreeSet<>();

        Batch batch = Batch.ofTokens(ints(f, "tokens", nt, nb), nt, nb, null,
                new Targets.Classes(ints(f, "targets", nt, nb)));
        model.zeroGrad();
        Activations<A> out = model.forward(batch);
        assertEquals(nt, out.steps(), "logits per step");
        compare(f, pr, tol, "logits", out.values(), compared);
        lossAndBackward(f, pr, tol, model, CrossEntropy.mean(), batch, out, compared);
        for (Map.Entry<String, Parameter<A>> e : model.namedParameters().entrySet()) {
            compare(f, pr, tol, "grad." + e.getKey(), e.getValue().grad(), compared);
        }
        assertEquals(results(f, model.namedParameters().keySet(), Set.of("tokens", "targets")), compared,
                "expected tensors compared");
    }

    /**
     * A {@code training} case: K steps of the {@link Trainer} (zero_grad, forward from a zero state,
     * loss, backward, clip_grad_norm_, the optimizer of the metadata), one stored batch per step;
     * the losses, the norms before clipping and every final parameter.
     */
    static <A> void checkTrainingCase(SafetensorsFile f, Precision<A> pr) {
        Map<String, String> m = f.metadata();
        int nt = intMeta(m, "seq_len");
        int nb = intMeta(m, "batch");
        int steps = intMeta(m, "steps");
        assertEquals("clip_grad_norm_", m.get("clip"), "clip");
        assertEquals(2.0, doubleMeta(m, "norm_type"), "norm_type");
        assertEquals("zeros", m.get("state_between_steps"), "state_between_steps");
        SequenceModel<A> model = charModel(f, pr);
        Tolerance tol = Tolerance.of(pr.isDouble(), nt);
        Set<String> compared = new TreeSet<>();

        List<Batch> batches = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            batches.add(Batch.ofTokens(ints(f, "tokens." + s, nt, nb), nt, nb, null,
                    new Targets.Classes(ints(f, "targets." + s, nt, nb))));
        }
        TrainRun run = train(model, CrossEntropy.mean(), batches, optimizer(m), doubleMeta(m, "max_norm"), steps);
        String what = f.path().getFileName() + " " + pr + " ";
        tol.check(what + "losses", f.doubles("losses"), run.losses);
        compared.add("losses");
        tol.check(what + "grad_norms", f.doubles("grad_norms"), run.gradNorms);
        compared.add("grad_norms");
        for (Map.Entry<String, Parameter<A>> e : model.namedParameters().entrySet()) {
            compare(f, pr, tol, "final." + e.getKey(), e.getValue().value(), compared);
        }
        Set<String> inputs = new TreeSet<>();
        for (int s = 0; s < steps; s++) {
            inputs.add("tokens." + s);
            inputs.add("targets." + s);
        }
        assertEquals(results(f, model.namedParameters().keySet(), inputs), compared, "expected tensors compared");
    }

    /**
     * The character model of a {@code model} or {@code training} case,
     * {@link SequenceModelConfig#charLanguageModel}, with the stored (initial) parameters.
     */
    private static <A> SequenceModel<A> charModel(SafetensorsFile f, Precision<A> pr) {
        Map<String, String> m = f.metadata();
        assertEquals("false", m.get("batch_first"), "batch_first");
        assertEquals("false", m.get("bidirectional"), "bidirectional");
        assertEquals("true", m.get("bias"), "bias");
        assertEquals(0, intMeta(m, "proj_size"), "proj_size");
        assertEquals(0.0, doubleMeta(m, "dropout"), "dropout");
        assertEquals("zeros", m.get("initial_state"), "initial_state");
        assertEquals("cross_entropy", m.get("loss"), "loss");
        assertEquals("mean", m.get("reduction"), "reduction");
        assertEquals("none", m.get("padding_idx"), "padding_idx");
        assertEquals(intMeta(m, "embedding_dim"), intMeta(m, "input_size"), "input_size = embedding_dim");
        SequenceModelConfig config = SequenceModelConfig.charLanguageModel(intMeta(m, "vocab_size"),
                intMeta(m, "embedding_dim"), CellKind.fromId(m.get("cell")), intMeta(m, "hidden_size"),
                intMeta(m, "num_layers"), doubleMeta(m, "dropout"));
        assertEquals(Embedding.NO_PADDING, config.paddingIdx(), "the character model has no padding row");
        SequenceModel<A> model = SequenceModel.create(config, pr, 0);
        loadParameters(f, pr, model);
        return model;
    }

    // ------------------------------------------------------------------------------------------
    // classifier, regressor and tagger cases (golden cases_seq, README §11)

    /**
     * A {@code classifier}, {@code regressor} or {@code tagger} case: the model built from the
     * metadata alone, its outputs ({@code pooled} or {@code rnn_output}, then {@code logits} or
     * {@code outputs}), the loss and every parameter's gradient on the stored batch; then 5
     * optimizer steps of the {@link Trainer} on that same batch: the losses, the gradient norms
     * before clipping and every final parameter.
     */
    static <A> void checkSequenceModelCase(String kind, SafetensorsFile f, Precision<A> pr) {
        Map<String, String> m = f.metadata();
        assertEquals("true", m.get("bias"), "bias");
        assertEquals(0.0, doubleMeta(m, "dropout"), "dropout");
        assertEquals("true", m.get("time_major"), "time_major");
        assertEquals("zeros", m.get("initial_state"), "initial_state");
        assertEquals("mean", m.get("reduction"), "reduction");
        assertEquals(2.0, doubleMeta(m, "norm_type"), "norm_type");
        assertEquals("true", m.get("same_batch_every_step"), "same_batch_every_step");
        int nt = intMeta(m, "seq_len");
        int nb = intMeta(m, "batch");

        SequenceModelConfig config = sequenceModelConfig(kind, m);
        SequenceModel<A> model = SequenceModel.create(config, pr, 0);
        // the stack is exactly these modules (PyTorch's names; pooling without parameters has none there)
        List<String> modules = new ArrayList<>();
        if (config.hasTokens()) {
            modules.add("embedding");
        }
        modules.add("rnn");
        if (!kind.equals("tagger")) {
            modules.add("pool");
        }
        modules.add("head");
        assertEquals(modules, new ArrayList<>(model.children().keySet()), "the model's modules");
        loadParameters(f, pr, model);

        Batch batch = sequenceBatch(kind, f, config, nt, nb);
        Loss loss = sequenceLoss(kind, m, f);
        Tolerance tol = Tolerance.of(pr.isDouble(), nt);
        Set<String> compared = new TreeSet<>();

        // the recurrent output and the pooled vectors, from the model's own layers in the model's order
        Activations<A> x = config.hasTokens() ? model.embedding().forward(batch.tokenIds()) : batch.features(pr);
        Activations<A> y = model.rnn().forward(x);
        if (kind.equals("tagger")) {
            compare(f, pr, tol, "rnn_output", y.values(), compared);
        } else {
            Activations<A> pooled = model.pool().forward(y);
            assertEquals(0, pooled.steps(), "one row per sequence");
            compare(f, pr, tol, "pooled", pooled.values(), compared);
        }

        // the whole model: outputs, loss, gradients
        model.zeroGrad();
        Activations<A> out = model.forward(batch);
        assertEquals(kind.equals("tagger") ? nt : 0, out.steps(), "outputs per step or per sequence");
        compare(f, pr, tol, kind.equals("regressor") ? "outputs" : "logits", out.values(), compared);
        lossAndBackward(f, pr, tol, model, loss, batch, out, compared);
        for (Map.Entry<String, Parameter<A>> e : model.namedParameters().entrySet()) {
            compare(f, pr, tol, "grad." + e.getKey(), e.getValue().grad(), compared);
        }

        // 5 steps on the same batch
        int steps = intMeta(m, "steps");
        TrainRun run = train(model, loss, List.of(batch), optimizer(m), doubleMeta(m, "max_norm"), steps);
        String what = f.path().getFileName() + " " + pr + " ";
        tol.check(what + "train.losses", f.doubles("train.losses"), run.losses);
        compared.add("train.losses");
        tol.check(what + "train.grad_norms", f.doubles("train.grad_norms"), run.gradNorms);
        compared.add("train.grad_norms");
        for (Map.Entry<String, Parameter<A>> e : model.namedParameters().entrySet()) {
            compare(f, pr, tol, "final." + e.getKey(), e.getValue().value(), compared);
        }
        assertEquals(results(f, model.namedParameters().keySet(), SEQ_INPUTS), compared, "expected tensors compared");
    }

    /** The model of a sequence case, from the metadata only (README §11). */
    private static SequenceModelConfig sequenceModelConfig(String kind, Map<String, String> m) {
        SequenceModelConfig.Builder b = SequenceModelConfig.builder();
        if (kind.equals("regressor")) {
            b.features(intMeta(m, "num_features"));
        } else {
            b.tokens(intMeta(m, "vocab_size"), intMeta(m, "embedding_dim")).paddingIdx(intMeta(m, "padding_idx"));
        }
        b.cell(CellKind.fromId(m.get("cell")), intMeta(m, "hidden_size"))
                .layers(intMeta(m, "num_layers"))
                .bidirectional(boolMeta(m, "bidirectional"))
                .projSize(Integer.parseInt(m.getOrDefault("proj_size", "0")))
                .bias(boolMeta(m, "bias"))
                .dropout(doubleMeta(m, "dropout"));
        if (!kind.equals("tagger")) {
            b.pooling(Pooling.Kind.fromId(m.get("pooling")))
                    .attentionSize(Integer.parseInt(m.getOrDefault("attention_size", "0")));
        }
        b.outputs(intMeta(m, kind.equals("regressor") ? "output_size" : "num_classes"));
        SequenceModelConfig c = b.build();
        assertEquals(kind.equals("tagger"), c.perStep(), "one output per step");
        return c;
    }

    /** The stored batch: tokens or features {@code [T, B, ·]} padded to the longest of the lengths, and the targets. */
    private static Batch sequenceBatch(String kind, SafetensorsFile f, SequenceModelConfig config, int nt, int nb) {
        assertArrayEquals(new int[] {nb}, f.shape("lengths"), "shape of lengths");
        int[] lengths = toInts(f.longs("lengths"));
        assertEquals(nt, Arrays.stream(lengths).max().orElseThrow(), "seq_len = the longest length");
        switch (kind) {
            case "classifier" -> {
                assertArrayEquals(new int[] {nb}, f.shape("labels"), "shape of labels");
                return Batch.ofTokens(ints(f, "tokens", nt, nb), nt, nb, lengths,
                        new Targets.Classes(toInts(f.longs("labels"))));
            }
            case "tagger" -> {
                return Batch.ofTokens(ints(f, "tokens", nt, nb), nt, nb, lengths,
                        new Targets.Classes(ints(f, "tags", nt, nb)));
            }
            default -> {
                int nf = config.features();
                int no = config.outputs();
                assertArrayEquals(new int[] {nt, nb, nf}, f.shape("x"), "shape of x");
                assertArrayEquals(new int[] {nb, no}, f.shape("targets"), "shape of targets");
                return Batch.ofFeatures(f.doubles("x"), nt, nb, nf, lengths,
                        new Targets.Values(f.doubles("targets"), no));
            }
        }
    }

    /** The loss named by the metadata, with its settings. */
    private static Loss sequenceLoss(String kind, Map<String, String> m, SafetensorsFile f) {
        String name = m.get("loss");
        switch (kind) {
            case "classifier" -> {
                assertEquals("cross_entropy", name, "loss");
                return CrossEntropy.builder()
                        .classWeights(boolMeta(m, "class_weights") ? f.doubles("class_weights") : null)
                        .labelSmoothing(doubleMeta(m, "label_smoothing"))
                        .reduction(Reduction.MEAN)
                        .build();
            }
            case "tagger" -> {
                assertEquals("cross_entropy", name, "loss");
                return CrossEntropy.builder().ignoreIndex(intMeta(m, "ignore_index")).reduction(Reduction.MEAN).build();
            }
            default -> {
                return switch (name == null ? "(missing)" : name) {
                    case "mse" -> new MeanSquaredError(Reduction.MEAN);
                    case "l1" -> new L1Loss(Reduction.MEAN);
                    case "huber" -> HuberLoss.builder().delta(doubleMeta(m, "huber_delta")).reduction(Reduction.MEAN)
                            .build();
                    default -> throw new AssertionError("regressor loss '" + name + "' is not known to this test");
                };
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // shared by the model kinds

    /**
     * Checks that the model's {@code namedParameters()} are the file's {@code param_names} in that
     * order, with the stored shapes, and copies the stored values in (rounded to nearest for float32).
     */
    private static <A> void loadParameters(SafetensorsFile f, Precision<A> pr, Model<A> model) {
        Map<String, Parameter<A>> named = model.namedParameters();
        assertEquals(List.of(f.metadata().get("param_names").split(",")), new ArrayList<>(named.keySet()),
                "parameter names and order");
        for (Map.Entry<String, Parameter<A>> e : named.entrySet()) {
            Parameter<A> p = e.getValue();
            assertArrayEquals(f.shape(e.getKey()), p.shape(), "shape of " + e.getKey());
            pr.kernels().copy(pr.fromDoubles(f.doubles(e.getKey())), 0, p.value(), 0, p.size());
        }
    }

    /** The loss of {@code out} against the batch's targets, compared with {@code loss}; then the model's backward pass. */
    private static <A> void lossAndBackward(SafetensorsFile f, Precision<A> pr, Tolerance tol, Model<A> model,
                                            Loss loss, Batch batch, Activations<A> out, Set<String> compared) {
        A dOut = pr.kernels().alloc(out.rows() * out.width());
        LossValue value = loss.compute(pr, out, batch.targets(), dOut);
        tol.check(f.path().getFileName() + " " + pr + " loss", f.doubles("loss"), new double[] {value.value()});
        compared.add("loss");
        model.backward(out.with(dOut, out.width()));
    }

    /** What the trainer reported: per step, the loss and the gradient norm before clipping. */
    private record TrainRun(double[] losses, double[] gradNorms) {
    }

    /**
     * Trains {@code model} for {@code steps} steps with the one {@link Trainer}: batch {@code k} of
     * {@code batches} (cyclically) at step {@code k}, none continuing the one before, no validation
     * data, clipping at {@code maxNorm}.
     */
    private static <A> TrainRun train(Model<A> model, Loss loss, List<Batch> batches, OptimizerChoice optimizer,
                                      double maxNorm, int steps) {
        TrainConfig config = TrainConfig.builder()
                .optimizer(optimizer)
                .clipNorm(maxNorm)
                .steps(steps)
                .evalEvery(0)
                .checkpointEvery(0)
                .build();
        Trainer<A> trainer = Trainer.create(model, loss, new ListData(batches), null, config);
        List<TrainingEvents.Step> events = new ArrayList<>();
        TrainingEvents.Summary summary;
        try {
            summary = trainer.train(new TrainingListener() {
                @Override
                public void onStep(TrainingEvents.Step e) {
                    events.add(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertEquals(steps, summary.steps(), "steps trained");
        assertEquals(TrainingEvents.StopReason.STEPS, summary.reason(), "stop reason");
        assertEquals(0, summary.skipped(), "skipped steps");
        assertNull(summary.validation(), "no validation data: no validation");
        assertEquals(steps, events.size(), "step events");
        double[] losses = new double[steps];
        double[] norms = new double[steps];
        for (int s = 0; s < steps; s++) {
            TrainingEvents.Step e = events.get(s);
            assertEquals(s + 1, e.step(), "step number");
            assertFalse(e.skipped(), "step " + (s + 1) + " skipped");
            assertEquals(optimizer.learningRate(), e.learningRate(), "constant learning rate");
            losses[s] = e.loss();
            norms[s] = e.gradNorm();
        }
        return new TrainRun(losses, norms);
    }

    /** The given batches in turn, cyclically, as a training stream; none continues the one before. */
    private static final class ListData implements TrainingData {
        private final List<Batch> batches;
        private long step;

        ListData(List<Batch> batches) {
            for (Batch b : batches) {
                assertFalse(b.continues(), "every step starts from the zero state");
            }
            this.batches = List.copyOf(batches);
        }

        @Override
        public Batch next() {
            return batches.get((int) (step++ % batches.size()));
        }

        @Override
        public long step() {
            return step;
        }

        @Override
        public void seekToStep(long steps) {
            step = steps;
        }

        @Override
        public int batchesPerEpoch() {
            return batches.size();
        }
    }

    /** The optimizer named by the metadata, with every hyper-parameter read from it. */
    private static OptimizerChoice optimizer(Map<String, String> m) {
        double lr = doubleMeta(m, "lr");
        boolean maximize = m.containsKey("maximize") && boolMeta(m, "maximize");
        String kind = m.get("optimizer");
        switch (kind == null ? "(missing)" : kind) {
            case "sgd":
                return new OptimizerChoice.SgdChoice(SgdConfig.builder(lr)
                        .momentum(doubleMeta(m, "momentum"))
                        .dampening(doubleMeta(m, "dampening"))
                        .nesterov(boolMeta(m, "nesterov"))
                        .weightDecay(doubleMeta(m, "weight_decay"))
                        .maximize(maximize)
                        .build());
            case "adam":
            case "adamw": {
                AdamConfig c = ("adam".equals(kind) ? AdamConfig.adam() : AdamConfig.adamW())
                        .lr(lr)
                        .beta1(doubleMeta(m, "beta1"))
                        .beta2(doubleMeta(m, "beta2"))
                        .eps(doubleMeta(m, "eps"))
                        .weightDecay(doubleMeta(m, "weight_decay"))
                        .amsgrad(boolMeta(m, "amsgrad"))
                        .maximize(maximize)
                        .build();
                return "adam".equals(kind) ? new OptimizerChoice.AdamChoice(c) : new OptimizerChoice.AdamWChoice(c);
            }
            case "rmsprop":
                return new OptimizerChoice.RMSpropChoice(RMSpropConfig.builder()
                        .lr(lr)
                        .alpha(doubleMeta(m, "alpha"))
                        .eps(doubleMeta(m, "eps"))
                        .weightDecay(doubleMeta(m, "weight_decay"))
                        .momentum(doubleMeta(m, "momentum"))
                        .centered(boolMeta(m, "centered"))
                        .maximize(maximize)
                        .build());
            default:
                throw new AssertionError("optimizer '" + kind + "' is not known to this test");
        }
    }

    /** Every tensor of the file that is neither a parameter nor an input: the expected results. */
    private static Set<String> results(SafetensorsFile f, Set<String> parameters, Set<String> inputs) {
        return f.names().stream()
                .filter(n -> !parameters.contains(n) && !inputs.contains(n))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** An I64 {@code [T, B]} tensor as ints. */
    private static int[] ints(SafetensorsFile f, String name, int nt, int nb) {
        assertArrayEquals(new int[] {nt, nb}, f.shape(name), "shape of " + name);
        return toInts(f.longs(name));
    }

    private static int[] toInts(long[] values) {
        return Arrays.stream(values).mapToInt(Math::toIntExact).toArray();
    }

    private static double doubleMeta(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) {
            throw new AssertionError("metadata key '" + key + "' missing");
        }
        return Double.parseDouble(v);
    }

    private static boolean boolMeta(Map<String, String> m, String key) {
        String v = m.get(key);
        if (!"true".equals(v) && !"false".equals(v)) {
            throw new AssertionError("metadata key '" + key + "': expected true or false, found " + v);
        }
        return Boolean.parseBoolean(v);
    }

    private static <A> A load(SafetensorsFile f, Precision<A> pr, String name) {
        return pr.fromDoubles(f.doubles(name));
    }

    private static <A> void compare(SafetensorsFile f, Precision<A> pr, Tolerance tol, String name, A actual,
                                    Set<String> compared) {
        tol.check(f.path().getFileName() + " " + pr + " " + name, f.doubles(name), pr.toDoubles(actual));
        compared.add(name);
    }

    private static int intMeta(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) {
            throw new AssertionError("metadata key '" + key + "' missing");
        }
        return Integer.parseInt(v);
    }
}
