package dev.recur.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.charlm.CharModelRun;
import dev.recur.checkpoint.Checkpoint;
import dev.recur.checkpoint.Manifest;
import dev.recur.checkpoint.ManifestFormat;
import dev.recur.checkpoint.Provenance;
import dev.recur.checkpoint.RunWriter;
import dev.recur.data.Batch;
import dev.recur.data.Example;
import dev.recur.data.ExampleBatches;
import dev.recur.data.Position;
import dev.recur.data.TextCorpus;
import dev.recur.io.FormatException;
import dev.recur.io.SafetensorsFile;
import dev.recur.model.Model;
import dev.recur.model.Preprocessing;
import dev.recur.model.SequenceModel;
import dev.recur.model.SequenceModelConfig;
import dev.recur.nn.Activations;
import dev.recur.nn.Parameter;
import dev.recur.nn.Pooling;
import dev.recur.nn.loss.CrossEntropy;
import dev.recur.nn.loss.Loss;
import dev.recur.nn.loss.MeanSquaredError;
import dev.recur.nn.loss.Metric;
import dev.recur.nn.loss.Reduction;
import dev.recur.nn.loss.Targets;
import dev.recur.optim.AdamConfig;
import dev.recur.tensor.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one {@link Trainer} on a model that is not a language model: a token classifier (embedding,
 * LSTM, mean pooling, head) and a regressor of the same shape, trained on {@link ExampleBatches}
 * of a small synthetic data set and checkpointed by a {@link RunWriter}: exact resumption, early
 * stopping and the best model, the divergence policies, the epoch budget and the metrics.
 */
class SequenceModelTrainerTest {

    /** Token ids 1..7; 0 pads. */
    private static final int VOCAB = 8;
    private static final int BATCH = 4;
    private static final long SEED = 3;

    @TempDir
    Path tmp;

    /**
     * {@code n} examples of 3 classes: a sequence of 3 to 9 tokens, each of which is the class's token
     * ({@code class + 1}) with probability 1/2 and any token otherwise; the label is
     * {@code (class + shift) mod 3} (a shift other than 0 gives labels a model trained on shift 0 gets wrong).
     */
    static List<Example> examples(int n, long seed, int shift) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int c = rng.nextInt(3);
            int[] tokens = new int[3 + rng.nextInt(7)];
            for (int t = 0; t < tokens.length; t++) {
                tokens[t] = rng.nextBoolean() ? c + 1 : 1 + rng.nextInt(VOCAB - 1);
            }
            out.add(Example.ofTokens(tokens, (c + shift) % 3));
        }
        return out;
    }

    private static SequenceModelConfig classifier() {
        return SequenceModelConfig.builder().tokens(VOCAB, 6).lstm(8).inputDropout(0.1).pooling(Pooling.Kind.MEAN)
                .outputDropout(0.2).outputs(3).build();
    }

    private static TrainConfig.Builder config() {
        return TrainConfig.builder().optimizer(new OptimizerChoice.AdamChoice(AdamConfig.adam().lr(0.02).build()))
                .clipNorm(1).steps(10).evalEvery(2).checkpointEvery(5).metrics(List.of(Metric.ACCURACY,
                        Metric.MACRO_F1)).seed(SEED).threads(1);
    }

    /** The data set of a run, as a caller keeps it to rebuild the data when it resumes. */
    private record DataSet(List<Example> train, List<Example> validation, int bucket) {
        ExampleBatches batches(long seed) {
            return ExampleBatches.shuffled(train, BATCH, seed, bucket);
        }

        List<Batch> validationBatches() {
            return ExampleBatches.inOrder(validation, BATCH).all();
        }

        Map<String, Object> section() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", "examples");
            m.put("batch", BATCH);
            m.put("bucket", bucket);
            m.put("train_examples", train.size());
            return m;
        }
    }

    private static DataSet classes() {
        return new DataSet(examples(30, 1, 0), examples(12, 2, 0), 0);
    }

    /**
     * A new run writing its checkpoints into {@code dir} (none for null). The provenance's seed is the
     * model's: a checkpoint rebuilds the model, and with it the dropout streams, from it.
     */
    private static Trainer<double[]> start(SequenceModelConfig model, Loss loss, TrainConfig config, DataSet data,
                                           Path dir) {
        Trainer<double[]> t = Trainer.create(SequenceModel.create(model, Precision.F64, config.seed()), loss,
                data.batches(config.seed()), data.validationBatches(), config);
        if (dir != null) {
            List<String> labels = model.outputs() == 3 ? List.of("x", "y", "z") : null;   // the classifier's
            t.checkpointTo(RunWriter.create(dir, new Preprocessing(null, null, labels), data.section(),
                    new Provenance("test", config.seed(), "synthetic", "0".repeat(64), data.train().size(),
                            "2026-01-01T00:00:00Z", "17"), Checkpoint.WriteHook.NONE));
        }
        return t;
    }

    /** Resumes a run folder, rebuilding the data from the same examples and the saved seed. */
    private static Trainer<double[]> resume(Path dir, DataSet data, TrainConfig.Changes changes) throws IOException {
        Checkpoint.Restored<double[]> r = Checkpoint.load(dir, Precision.F64);
        long seed = RunWriter.savedConfig(r.manifest()).seed();
        return RunWriter.resume(r, data.batches(seed), data.validationBatches(), changes, Checkpoint.WriteHook.NONE);
    }

    /** Copies the files of a run folder into a new folder. */
    private static Path copy(Path run, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(run)) {
            for (Path p : files.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
        return to;
    }

    /** Records the events; copies the run folder at one checkpoint. */
    private static class Recorder implements TrainingListener {
        final List<TrainingEvents.Step> steps = new ArrayList<>();
        final List<TrainingEvents.Validation> validations = new ArrayList<>();
        final List<Long> saved = new ArrayList<>();
        Path dir;
        long copyAt = -1;
        Path copyTo;

        @Override
        public void onStep(TrainingEvents.Step event) {
            steps.add(event);
        }

        @Override
        public void onValidation(TrainingEvents.Validation event) {
            validations.add(event);
        }

        @Override
        public void onCheckpoint(TrainingEvents.Saved event) {
            saved.add(event.step());
            if (event.step() == copyAt) {
                try {
                    copy(dir, copyTo);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }

        double[] losses() {
            return steps.stream().mapToDouble(TrainingEvents.Step::loss).toArray();
        }
    }

    private static byte[] tensorFile(Path run, String role) throws IOException {
        return Files.readAllBytes(run.resolve(ManifestFormat.read(run).files().get(role).name()));
    }

    private static void assertSameFiles(Path expected, Path actual) throws IOException {
        Manifest a = ManifestFormat.read(expected);
        Manifest b = ManifestFormat.read(actual);
        assertEquals(a.step(), b.step());
        for (String role : List.of("model", "optimizer", "trainer")) {
            assertEquals(a.files().get(role).name(), b.files().get(role).name());
            assertArrayEquals(tensorFile(expected, role), tensorFile(actual, role), role + " file");
        }
        Map<String, Object> ta = new LinkedHashMap<>(a.training());
        Map<String, Object> tb = new LinkedHashMap<>(b.training());
        ta.remove("train_seconds");
        tb.remove("train_seconds");
        assertEquals(ta, tb, "the training sections, but for the time taken");
    }

    @Test
    void aRunResumedFromItsStep5CheckpointWritesTheUninterruptedRunsFilesByteForByte() throws IOException {
        DataSet data = classes();
        Path whole = tmp.resolve("whole");
        Recorder a = new Recorder();
        a.dir = whole;
        a.copyAt = 5;
        a.copyTo = tmp.resolve("at-step-5");
        Trainer<double[]> t = start(classifier(), CrossEntropy.mean(), config().build(), data, whole);
        TrainingEvents.Summary s = t.train(a);
        assertEquals(List.of(5L, 10L), a.saved);
        assertEquals(TrainingEvents.StopReason.STEPS, s.reason());

        Trainer<double[]> resumed = resume(a.copyTo, data, TrainConfig.Changes.NONE);
        assertEquals(5, resumed.stepCount());
        assertEquals(Position.afterSteps(5, 8), resumed.data().position());   // 30 examples: 8 batches an epoch
        Recorder b = new Recorder();
        resumed.train(b);
        assertSameFiles(whole, a.copyTo);
        assertArrayEquals(java.util.Arrays.copyOfRange(a.losses(), 5, 10), b.losses(), 0.0, "steps 6-10");
        assertArrayEquals(t.trainLossHistory(), resumed.trainLossHistory(), 0.0);
        assertEquals(t.model().randomState(), resumed.model().randomState());
        // one pass of each dropout a training step; validation draws none
        assertEquals(10L, t.model().randomState().get("input_dropout"));
        assertEquals(10L, t.model().randomState().get("output_dropout"));
        // the validation at step 6, 8, 10 of both, with their metrics
        assertEquals(a.validations.subList(2, 5).stream().map(v -> v.result().metrics()).toList(),
                b.validations.stream().map(v -> v.result().metrics()).toList());
        Manifest m = ManifestFormat.read(whole);
        assertEquals(List.of("x", "y", "z"), m.preprocessing().labels());
        assertEquals("sequence_model", m.modelType());
        assertEquals(classifier(), m.sequenceModel().orElseThrow());
        assertEquals(config().build(), RunWriter.savedConfig(m));
        assertEquals(CrossEntropy.mean(), RunWriter.savedLoss(m));
        assertEquals(data.section(), m.trainingSection("data").map());
    }

    /** The accuracy and macro-F1 of a model's argmax predictions, counted by hand. */
    private static double[] accuracyAndMacroF1(Model<double[]> model, List<Batch> batches) {
        boolean training = model.isTraining();
        model.setTraining(false);
        int[][] confusion = new int[3][3];
        for (Batch batch : batches) {
            Activations<double[]> out = model.forward(batch);
            int[] labels = ((Targets.Classes) batch.targets()).ids();
            for (int b = 0; b < batch.batch(); b++) {
                int best = 0;
                for (int k = 1; k < 3; k++) {
                    if (out.values()[b * 3 + k] > out.values()[b * 3 + best]) {
                        best = k;
                    }
                }
                confusion[labels[b]][best]++;
            }
        }
        model.setTraining(training);
        int right = 0;
        int all = 0;
        double f1 = 0;
        int present = 0;
        for (int k = 0; k < 3; k++) {
            right += confusion[k][k];
            int predicted = 0;
            int actual = 0;
            for (int j = 0; j < 3; j++) {
                all += confusion[k][j];
                predicted += confusion[j][k];
                actual += confusion[k][j];
            }
            if (predicted + actual > 0) {
                present++;
                f1 += 2.0 * confusion[k][k] / (predicted + actual);
            }
        }
        return new double[] {(double) right / all, f1 / present};
    }

    @Test
    void metricsAppearInTheValidationEventsAndInTheTrainerFile() throws IOException {
        DataSet data = classes();
        Path run = tmp.resolve("metrics");
        Recorder r = new Recorder();
        Trainer<double[]> t = start(classifier(), CrossEntropy.mean(), config().build(), data, run);
        TrainingEvents.Summary s = t.train(r);
        assertEquals(List.of(2L, 4L, 6L, 8L, 10L), r.validations.stream().map(TrainingEvents.Validation::step).toList());
        for (TrainingEvents.Validation v : r.validations) {
            assertEquals(List.of("accuracy", "macro_f1"), List.copyOf(v.result().metrics().keySet()));
            assertEquals(12, v.result().count(), "every validation example counted once");
            assertFalse(v.best(), "no early stopping, no best");
        }
        double[] byHand = accuracyAndMacroF1(t.model(), data.validationBatches());
        assertEquals(byHand[0], s.validation().metrics().get("accuracy"), 1e-15);
        assertEquals(byHand[1], s.validation().metrics().get("macro_f1"), 1e-12);
        assertEquals(byHand[0] * 12, Math.rint(byHand[0] * 12), 1e-9, "a whole number of 12 examples right");

        SafetensorsFile trainer = SafetensorsFile.read(run.resolve(ManifestFormat.read(run).files().get("trainer")
                .name()));
        assertEquals(new TreeSet<>(List.of("history.train_loss", "history.val_step", "history.val_loss",
                "history.val.accuracy", "history.val.macro_f1")), new TreeSet<>(trainer.names()));
        assertArrayEquals(new double[] {2, 4, 6, 8, 10}, trainer.doubles("history.val_step"));
        assertArrayEquals(r.validations.stream().mapToDouble(v -> v.result().loss()).toArray(),
                trainer.doubles("history.val_loss"));
        for (String metric : List.of("accuracy", "macro_f1")) {
            assertArrayEquals(r.validations.stream().mapToDouble(v -> v.result().metrics().get(metric)).toArray(),
                    trainer.doubles("history.val." + metric), metric);
        }
        Map<?, ?> last = (Map<?, ?>) ManifestFormat.read(run).training().get("last_validation");
        assertEquals(s.validation().metrics(), last.get("metrics"));
        // a metric of value targets does not fit a loss of classes
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> start(classifier(),
                CrossEntropy.mean(), config().metrics(List.of(Metric.RMSE)).build(), data, null));
        assertEquals("metric rmse: expected a metric of class targets for the loss cross_entropy, found one of value "
                + "targets", e.getMessage());
    }

    @Test
    void earlyStoppingStopsWhenValidationStopsImprovingAndKeepsTheBestModel() throws IOException {
        // 30 training examples: the validation loss falls, then the model overfits them and it rises
        DataSet data = classes();
        int patience = 3;
        TrainConfig config = config().steps(400).checkpointEvery(3)
                .earlyStopping(new EarlyStopping("loss", patience, 0)).build();
        Path run = tmp.resolve("early");
        Map<Long, Map<String, double[]>> weightsAt = new LinkedHashMap<>();
        java.util.concurrent.atomic.AtomicReference<Trainer<double[]>> trainer =
                new java.util.concurrent.atomic.AtomicReference<>();
        Recorder r = new Recorder() {
            @Override
            public void onValidation(TrainingEvents.Validation event) {
                super.onValidation(event);
                Map<String, double[]> w = new LinkedHashMap<>();
                trainer.get().model().namedParameters().forEach((name, p) -> w.put(name, p.value().clone()));
                weightsAt.put(event.step(), w);
            }
        };
        trainer.set(start(classifier(), CrossEntropy.mean(), config, data, run));
        TrainingEvents.Summary s = trainer.get().train(r);

        // the rule, applied by hand to the validation losses reported
        long bestStep = -1;
        double best = Double.NaN;
        int since = 0;
        long stopAt = -1;
        for (TrainingEvents.Validation v : r.validations) {
            boolean improves = Double.isNaN(best) || v.result().loss() < best;
            assertEquals(improves, v.best(), "best flag at step " + v.step());
            if (improves) {
                best = v.result().loss();
                bestStep = v.step();
                since = 0;
            } else if (++since == patience) {
                stopAt = v.step();
                break;
            }
        }
        assertTrue(stopAt > 0, "validation stopped improving within the budget: " + r.validations.size());
        assertTrue(bestStep > 2, "it improved at first: best at " + bestStep);
        assertEquals(TrainingEvents.StopReason.EARLY_STOPPING, s.reason());
        assertEquals(stopAt, s.steps());
        assertEquals(stopAt, r.validations.get(r.validations.size() - 1).step(), "no validation after the stop");
        assertEquals(new TrainingState.Best(bestStep, best, patience), trainer.get().best());

        Manifest m = ManifestFormat.read(run);
        assertEquals(stopAt, m.step(), "saved at the stop");
        assertEquals(String.format("best-%08d.safetensors", bestStep), m.files().get("best").name());
        try (var files = Files.list(run)) {
            assertEquals(1, files.filter(p -> p.getFileName().toString().startsWith("best-")).count(),
                    "earlier best files are removed");
        }
        Map<?, ?> saved = (Map<?, ?>) m.training().get("best");
        assertEquals(bestStep, ((Number) saved.get("step")).longValue());
        assertEquals(best, ((Number) saved.get("value")).doubleValue());
        assertEquals(patience, ((Number) saved.get("since")).intValue());

        Model<double[]> loaded = Checkpoint.loadModel(run, Precision.F64, true).model();
        Model<double[]> current = Checkpoint.loadModel(run, Precision.F64, false).model();
        boolean differs = false;
        for (Map.Entry<String, Parameter<double[]>> e : loaded.namedParameters().entrySet()) {
            assertArrayEquals(weightsAt.get(bestStep).get(e.getKey()), e.getValue().value(), e.getKey());
            assertArrayEquals(weightsAt.get(stopAt).get(e.getKey()), current.namedParameters().get(e.getKey())
                    .value(), e.getKey());
            differs |= !java.util.Arrays.equals(e.getValue().value(), current.namedParameters().get(e.getKey()).value());
        }
        assertTrue(differs, "the best model is not the last");

        // resumed, the run is complete: early stopping has fired
        Trainer<double[]> again = resume(run, data, TrainConfig.Changes.NONE);
        assertEquals(TrainingEvents.StopReason.EARLY_STOPPING, again.stopReason());
        assertEquals(0, again.train().stepsThisRun());
    }

    /** A regressor of the classifier's shape: one value per sequence. */
    private static SequenceModelConfig regressor() {
        return SequenceModelConfig.builder().tokens(VOCAB, 6).lstm(8).pooling(Pooling.Kind.MEAN).outputs(1).build();
    }

    /**
     * 14 examples whose target is the share of token 1; example 3's target is 1e300, whose square
     * overflows: every batch holding it has an infinite mean squared error.
     */
    private static DataSet withOverflowingTarget() {
        List<Example> train = new ArrayList<>();
        List<Example> validation = new ArrayList<>();
        for (Example e : examples(20, 5, 0)) {
            int[] tokens = e.tokens();
            double ones = java.util.Arrays.stream(tokens).filter(x -> x == 1).count() / (double) tokens.length;
            (train.size() < 14 ? train : validation).add(new Example(tokens, null, 0, new Example.Values(
                    train.size() == 3 ? 1e300 : ones)));
        }
        return new DataSet(train, validation, 0);
    }

    /** The steps (from 1) among the first {@code steps} whose batch holds the target 1e300. */
    private static List<Long> overflowingSteps(DataSet data, long seed, long steps) {
        ExampleBatches batches = data.batches(seed);
        List<Long> out = new ArrayList<>();
        for (long s = 1; s <= steps; s++) {
            double[] targets = ((Targets.Values) batches.next().targets()).values();
            if (java.util.Arrays.stream(targets).anyMatch(v -> v == 1e300)) {
                out.add(s);
            }
        }
        return out;
    }

    @Test
    void underSkipADivergingStepIsSkippedCountedSavedAndResumed() throws IOException {
        DataSet data = withOverflowingTarget();
        TrainConfig config = config().steps(12).checkpointEvery(4).metrics(List.of(Metric.MAE))
                .onDivergence(DivergencePolicy.SKIP).build();
        List<Long> bad = overflowingSteps(data, SEED, 12);
        assertEquals(3, bad.size(), "one batch in each of the 3 epochs (4 batches each): " + bad);
        Path run = tmp.resolve("skip");
        Recorder r = new Recorder();
        r.dir = run;
        r.copyAt = 4;
        r.copyTo = tmp.resolve("skip-at-4");
        Trainer<double[]> t = start(regressor(), new MeanSquaredError(Reduction.MEAN), config, data, run);
        TrainingEvents.Summary s = t.train(r);

        assertEquals(12, s.steps(), "training went on");
        assertEquals(3, s.skipped());
        assertEquals(3, t.skipped());
        double[] history = t.trainLossHistory();
        for (TrainingEvents.Step e : r.steps) {
            boolean skipped = bad.contains(e.step());
            assertEquals(skipped, e.skipped(), "step " + e.step());
            assertEquals(skipped, Double.isNaN(history[(int) e.step() - 1]), "history at step " + e.step());
            if (skipped) {
                assertEquals(Double.POSITIVE_INFINITY, e.loss(), "the event reports the loss found");
            } else {
                assertTrue(Double.isFinite(e.loss()));
            }
        }
        assertTrue(Double.isFinite(t.smoothedLoss()), "skipped steps are left out of the smoothed loss");

        // saved: NaN in the history, the skipped count, the optimizer's own step count
        Manifest m = ManifestFormat.read(run);
        assertEquals(3L, ((Number) m.training().get("skipped")).longValue());
        double[] saved = SafetensorsFile.read(run.resolve(m.files().get("trainer").name()))
                .doubles("history.train_loss");
        for (int i = 0; i < 12; i++) {
            assertEquals(bad.contains(i + 1L), Double.isNaN(saved[i]), "saved history at step " + (i + 1));
        }
        assertEquals("9", SafetensorsFile.read(run.resolve(m.files().get("optimizer").name())).metadata("steps"));
        assertTrue(Files.readString(run.resolve(Manifest.FILE)).contains("\"step_count\" : 9"));

        // the step-4 checkpoint (after the first skip) loads and resumes exactly
        assertTrue(bad.get(0) <= 4, "a skip before step 4: " + bad);
        Checkpoint.Restored<double[]> c = Checkpoint.load(r.copyTo, Precision.F64);
        assertEquals(4 - 1, c.optimizer().steps());
        Trainer<double[]> resumed = resume(r.copyTo, data, TrainConfig.Changes.NONE);
        assertEquals(1, resumed.skipped());
        assertEquals(3, resumed.train().skipped());
        assertSameFiles(run, r.copyTo);
    }

    @Test
    void underStopADivergingStepThrowsAndTheLastGoodCheckpointStays() throws IOException {
        DataSet data = withOverflowingTarget();
        TrainConfig config = config().steps(12).checkpointEvery(1).evalEvery(0).metrics(List.of()).build();
        long first = overflowingSteps(data, SEED, 12).get(0);
        assertTrue(first > 1, "a good checkpoint before it");
        Path run = tmp.resolve("stop");
        Trainer<double[]> t = start(regressor(), new MeanSquaredError(Reduction.MEAN), config, data, run);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> t.train());
        assertEquals("training diverged at step " + first + ": expected a finite loss, found Infinity; likely cause: "
                + "the learning rate (0.02) is too high, or no gradient clipping", e.getMessage());
        assertEquals(first - 1, Checkpoint.load(run, Precision.F64).manifest().step());
        assertEquals(0, t.skipped());
    }

    @Test
    void theEpochBudgetStopsAfterEpochsTimesBatchesPerEpochSteps() throws IOException {
        // 22 examples in batches of 4: 6 batches an epoch, the last of 2
        DataSet data = new DataSet(examples(22, 7, 0), examples(5, 8, 0), 2);
        int totalLength = data.train().stream().mapToInt(Example::length).sum();
        Trainer<double[]> t = start(classifier(), CrossEntropy.mean(), config().steps(0).epochs(3).evalEvery(0)
                .build(), data, null);
        assertEquals(6, t.data().batchesPerEpoch());
        Recorder r = new Recorder();
        TrainingEvents.Summary s = t.train(r);
        assertEquals(TrainingEvents.StopReason.EPOCHS, s.reason());
        assertEquals(18, s.steps());
        assertEquals(3L * totalLength, s.tokens(), "every example trained on once an epoch");
        assertEquals(new Position(3, 0), t.data().position());
        assertEquals(1, r.validations.size(), "validated once, at the end");
        // a step budget below it stops first
        TrainingEvents.Summary both = start(classifier(), CrossEntropy.mean(), config().steps(7).epochs(3).evalEvery(0)
                .build(), data, null).train();
        assertEquals(TrainingEvents.StopReason.STEPS, both.reason());
        assertEquals(7, both.steps());
    }

    @Test
    void aClassifiersRunIsNotACharacterModelsRun() throws IOException {
        DataSet data = classes();
        Path run = tmp.resolve("classifier");
        start(classifier(), CrossEntropy.mean(), config().steps(2).build(), data, run).train();
        TextCorpus corpus = TinyCorpus.english(2000);
        FormatException e = assertThrows(FormatException.class, () -> CharModelRun.resume(run,
                TrainConfig.Changes.NONE, Precision.F64, corpus, Checkpoint.WriteHook.NONE));
        assertEquals(run.resolve(Manifest.FILE) + ": expected a character language model's checkpoint, found a "
                + "sequence model with mean pooling (one output per sequence, not per step); likely cause: the run "
                + "was trained by another command or program", e.getMessage());
        e = assertThrows(FormatException.class, () -> CharModelRun.load(run, Precision.F64));
        assertTrue(e.getMessage().startsWith(run.resolve(Manifest.FILE) + ": expected a character model's vocabulary"),
                e.getMessage());
        // the resumed classifier's data must be where the checkpoint says
        Checkpoint.Restored<double[]> r = Checkpoint.load(run, Precision.F64);
        ExampleBatches other = ExampleBatches.shuffled(examples(3, 1, 0), BATCH, SEED, 0);   // one batch an epoch
        e = assertThrows(FormatException.class, () -> RunWriter.resume(r, other, data.validationBatches(),
                TrainConfig.Changes.NONE, Checkpoint.WriteHook.NONE));
        assertEquals(run.resolve(Manifest.FILE) + ": expected a consistent training state, found training.position "
                + "(epoch 0, index 2) does not match step 2 for this data (" + new Position(2, 0) + "); likely cause: "
                + "the files of the checkpoint do not belong together (edited or mixed up)", e.getMessage());
    }
}
