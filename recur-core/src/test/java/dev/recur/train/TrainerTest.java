package dev.recur.train;

import static dev.recur.testing.FileFixtures.snapshot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.data.TextCorpus;
import dev.recur.io.Checkpoint;
import dev.recur.io.FormatException;
import dev.recur.io.SafetensorsFile;
import dev.recur.io.SafetensorsWriter;
import dev.recur.io.TensorEntry;
import dev.recur.nn.Parameter;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.optim.AdamConfig;
import dev.recur.optim.OptimizerState;
import dev.recur.optim.SgdConfig;
import dev.recur.tensor.Parallel;
import dev.recur.tensor.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Trainer}: the training loop, exact resumption from a checkpoint, budgets and errors. */
class TrainerTest {

    /** About 2,000 characters: 4 streams of 16 steps give 28 chunks per epoch, so 40 steps wrap an epoch. */
    private static final TextCorpus CORPUS = TinyCorpus.english(2000);

    @TempDir
    Path tmp;

    private static TrainConfig.Builder small(CellKind cell) {
        return TrainConfig.builder().cell(cell).embeddingDim(8).hiddenSize(16).layers(2).dropout(0.1)
                .batch(4).seq(16).steps(40).evalEvery(10).checkpointEvery(0).seed(5).threads(1)
                .optimizer(new OptimizerChoice.AdamChoice(AdamConfig.adam().lr(0.01).build()));
    }

    /** Collects the step losses reported to the listener. */
    private static final class Recorder implements TrainingListener {
        final List<Double> losses = new ArrayList<>();
        final List<Double> validations = new ArrayList<>();

        @Override
        public void onStep(TrainingEvents.Step event) {
            losses.add(event.loss());
        }

        @Override
        public void onValidation(TrainingEvents.Validation event) {
            validations.add(event.result().loss());
        }
    }

    private static <A> double[] weights(Trainer<A> t) {
        List<Double> all = new ArrayList<>();
        for (Map.Entry<String, Parameter<A>> e : t.model().namedParameters().entrySet()) {
            for (double v : t.precision().toDoubles(e.getValue().value())) {
                all.add(v);
            }
        }
        return all.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private <A> void resumeIsExact(CellKind cell, Precision<A> precision, int stopAt) throws IOException {
        TrainConfig config = small(cell).build();
        Trainer<A> whole = Trainer.create(config, precision, CORPUS);
        Recorder a = new Recorder();
        TrainingEvents.Summary sa = whole.train(a);
        assertEquals(40, sa.steps());
        assertEquals(TrainingEvents.StopReason.STEPS, sa.reason());

        // The first part as train() runs it, without the validation train() adds at the end of a budget.
        Trainer<A> first = Trainer.create(config, precision, CORPUS);
        Recorder b = new Recorder();
        for (int i = 0; i < stopAt; i++) {
            b.onStep(first.step());
            if (first.stepCount() % config.evalEvery() == 0) {
                b.onValidation(first.validate());
            }
        }
        Path run = tmp.resolve(cell.id() + "-" + precision.name());
        first.save(run);
        Trainer<A> second = Trainer.resume(run, config, precision, CORPUS);
        assertEquals(stopAt, second.stepCount());
        second.train(b);

        assertArrayEquals(a.losses.stream().mapToDouble(Double::doubleValue).toArray(),
                b.losses.stream().mapToDouble(Double::doubleValue).toArray(), 0.0, "step losses");
        assertArrayEquals(whole.trainLossHistory(), second.trainLossHistory(), 0.0, "loss history");
        assertEquals(a.validations, b.validations, "validation losses");
        assertArrayEquals(weights(whole), weights(second), 0.0, "final weights");
        assertEquals(whole.validationHistory().length, second.validationHistory().length);
        for (int i = 0; i < whole.validationHistory().length; i++) {
            assertArrayEquals(whole.validationHistory()[i], second.validationHistory()[i], 0.0, "validation " + i);
        }
        assertEquals(whole.smoothedLoss(), second.smoothedLoss(), 0.0);
        assertEquals(whole.model().dropoutPasses(), second.model().dropoutPasses());
    }

    @Test
    void resumedLstmRunWithDropoutReproducesTheUninterruptedLossesExactly() throws IOException {
        resumeIsExact(CellKind.LSTM, Precision.F32, 17);   // mid-epoch: the carried state matters
    }

    @Test
    void resumedGruRunInFloat64ReproducesTheUninterruptedLossesExactly() throws IOException {
        resumeIsExact(CellKind.GRU, Precision.F64, 28);    // at the epoch boundary
    }

    @Test
    void trainingLowersTheValidationLoss() throws IOException {
        Trainer<float[]> t = Trainer.create(small(CellKind.LSTM).dropout(0).steps(60).build(), Precision.F32, CORPUS);
        Recorder r = new Recorder();
        TrainingEvents.Summary s = t.train(r);
        assertEquals(6, r.validations.size());   // steps 10, 20, ..., 60, and none extra at the end
        assertTrue(r.validations.get(r.validations.size() - 1) < r.validations.get(0) - 0.3,
                "validation loss " + r.validations);
        assertNotNull(s.validation());
        assertEquals(60L * 4 * 16, s.tokens());
        EvalResult v = s.validation();
        assertEquals(v.loss() / Math.log(2), v.bitsPerChar(), 1e-12);
        assertEquals(Math.exp(v.loss()), v.perplexity(), 1e-9);
    }

    @Test
    void checkpointsAreWrittenAtTheIntervalAndAtTheEnd() throws IOException {
        Path run = tmp.resolve("run");
        List<Long> saved = new ArrayList<>();
        Trainer<float[]> t = Trainer.create(small(CellKind.LSTM).steps(25).checkpointEvery(10).build(), Precision.F32,
                CORPUS).checkpointInto(run, Checkpoint.WriteHook.NONE);
        t.train(new TrainingListener() {
            @Override
            public void onCheckpoint(TrainingEvents.Saved event) {
                saved.add(event.step());
            }
        });
        assertEquals(List.of(10L, 20L, 25L), saved);
        assertEquals(25, Checkpoint.readManifest(run).step());
        try (var files = Files.list(run)) {
            assertEquals(List.of("checkpoint.json", "model-00000025.safetensors", "optimizer-00000025.safetensors",
                    "trainer-00000025.safetensors"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aResumedRunThatIsCompleteDoesNothingMore() throws IOException {
        Path run = tmp.resolve("done");
        TrainConfig config = small(CellKind.LSTM).steps(12).build();
        Trainer.create(config, Precision.F32, CORPUS).checkpointInto(run, Checkpoint.WriteHook.NONE)
                .train(TrainingListener.NONE);
        String before = Files.readString(run.resolve(Checkpoint.MANIFEST));
        Trainer<float[]> again = Trainer.resume(run, config, Precision.F32, CORPUS);
        Recorder r = new Recorder();
        TrainingEvents.Summary s = again.checkpointInto(run, Checkpoint.WriteHook.NONE).train(r);
        assertEquals(0, s.stepsThisRun());
        assertEquals(List.of(), r.losses);
        assertEquals(List.of(), r.validations);   // the last validation is in the checkpoint
        assertEquals(before, Files.readString(run.resolve(Checkpoint.MANIFEST)));
        // A longer budget continues the run.
        Trainer<float[]> longer = Trainer.resume(run, config.toBuilder().steps(15).build(), Precision.F32, CORPUS);
        assertEquals(3, longer.train(r).stepsThisRun());
    }

    @Test
    void aTimeBudgetStopsTheRun() throws IOException {
        Trainer<float[]> t = Trainer.create(small(CellKind.LSTM).steps(0).timeBudgetSeconds(1e-9).build(),
                Precision.F32, CORPUS);
        TrainingEvents.Summary s = t.train(TrainingListener.NONE);
        assertEquals(TrainingEvents.StopReason.TIME, s.reason());
        assertEquals(1, s.steps());
    }

    @Test
    void requestStopEndsAfterTheCurrentStep() throws IOException {
        Trainer<float[]> t = Trainer.create(small(CellKind.LSTM).build(), Precision.F32, CORPUS);
        TrainingEvents.Summary s = t.train(new TrainingListener() {
            @Override
            public void onStep(TrainingEvents.Step event) {
                if (event.step() == 3) {
                    t.requestStop();
                }
            }
        });
        assertEquals(TrainingEvents.StopReason.REQUESTED, s.reason());
        assertEquals(3, s.steps());
        assertNotNull(s.validation());
    }

    @Test
    void resumingWithAnotherSettingCorpusOrPrecisionIsRefused() throws IOException {
        Path run = tmp.resolve("run");
        TrainConfig config = small(CellKind.LSTM).steps(5).build();
        Trainer.create(config, Precision.F32, CORPUS).checkpointInto(run, Checkpoint.WriteHook.NONE)
                .train(TrainingListener.NONE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Trainer.resume(run, config.toBuilder().hiddenSize(32).build(), Precision.F32, CORPUS));
        assertTrue(e.getMessage().contains("hidden_size cannot change"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Trainer.resume(run, config, Precision.F64, CORPUS));
        assertTrue(e.getMessage().contains("expected precision float32"), e.getMessage());
        TextCorpus other = TinyCorpus.english(2100);
        e = assertThrows(IllegalArgumentException.class, () -> Trainer.resume(run, config, Precision.F32, other));
        assertTrue(e.getMessage().contains("expected the corpus the run was trained on"), e.getMessage());
    }

    /**
     * A carried state of the right size but another shape, or an LSTM's without its cell state (a
     * hand-edited trainer file), is refused on resume.
     */
    @Test
    void aCarriedStateOfAnotherShapeIsRefused() throws IOException {
        Path run = tmp.resolve("reshaped");
        TrainConfig config = small(CellKind.LSTM).steps(5).build();
        Trainer.create(config, Precision.F32, CORPUS).checkpointInto(run, Checkpoint.WriteHook.NONE)
                .train(TrainingListener.NONE);
        Checkpoint.FileRef ref = Checkpoint.readManifest(run).files().get("trainer");
        Path file = run.resolve(ref.name());
        byte[] original = Files.readAllBytes(file);
        String manifest = Files.readString(run.resolve(Checkpoint.MANIFEST));

        rewriteTrainerFile(run, ref, manifest, t -> t.name().equals("carry.h") ? new int[] {2, 2, 32} : t.shape());
        Exception e = assertThrows(Exception.class, () -> Trainer.resume(run, config, Precision.F32, CORPUS));
        assertTrue(e.getMessage().contains("the carried recurrent state does not fit [L, B, H] = [2, 4, 16]: found"
                + " carry.h [2, 2, 32], carry.c [2, 4, 16]"), e.getMessage());

        Files.write(file, original);
        rewriteTrainerFile(run, ref, manifest, t -> t.name().equals("carry.c") ? null : t.shape());
        e = assertThrows(Exception.class, () -> Trainer.resume(run, config, Precision.F32, CORPUS));
        assertTrue(e.getMessage().contains("the carried recurrent state does not fit a lstm: expected carry.c beside"
                + " carry.h, found none"), e.getMessage());
    }

    /** Writes the run's trainer file again with each tensor in the shape {@code shape} gives it (null: left out). */
    private static void rewriteTrainerFile(Path run, Checkpoint.FileRef ref, String manifest,
                                           java.util.function.Function<TensorEntry, int[]> shape) throws IOException {
        Path file = run.resolve(ref.name());
        SafetensorsFile old = SafetensorsFile.read(file);
        SafetensorsWriter w = new SafetensorsWriter().metadata(old.metadata());
        for (TensorEntry t : old.entries()) {
            int[] s = shape.apply(t);
            if (s != null) {
                w.put(t.name(), old.doubles(t.name()), s);
            }
        }
        byte[] bytes = w.toBytes();
        Files.write(file, bytes);
        Files.writeString(run.resolve(Checkpoint.MANIFEST), manifest.replace(ref.sha256(), Checkpoint.sha256(bytes))
                .replace("\"bytes\" : " + ref.bytes(), "\"bytes\" : " + bytes.length));
    }

    /**
     * A hand-edited setting is reported with the checkpoint's likely cause alone, not the one its
     * check gives for a value typed as an option.
     */
    @Test
    void anInvalidSavedSettingGivesOneLikelyCause() throws IOException {
        Path run = tmp.resolve("threads");
        TrainConfig config = small(CellKind.LSTM).steps(5).build();
        Trainer.create(config, Precision.F32, CORPUS).checkpointInto(run, Checkpoint.WriteHook.NONE)
                .train(TrainingListener.NONE);
        Path json = run.resolve(Checkpoint.MANIFEST);
        String manifest = Files.readString(json);
        assertTrue(manifest.contains("\"threads\" : 1"), manifest);
        Files.writeString(json, manifest.replace("\"threads\" : 1", "\"threads\" : -1"));
        FormatException e = assertThrows(FormatException.class,
                () -> Trainer.savedConfig(Checkpoint.readManifest(run)));
        assertTrue(e.getMessage().startsWith(json + ": expected a valid training configuration, found threads:"),
                e.getMessage());
        assertEquals(1, e.getMessage().split("likely cause", -1).length - 1, e.getMessage());
        assertTrue(e.getMessage().endsWith("found -1; likely cause: the file was edited by hand, or the checkpoint holds"
                + " a model saved without its training state"), e.getMessage());
    }

    @Test
    void aCorpusTooShortForOneBatchIsNamedInTheError() {
        TextCorpus tiny = TinyCorpus.corpus("just a few words here\n", "short.txt");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Trainer.create(small(CellKind.LSTM).build(), Precision.F32, tiny));
        assertTrue(e.getMessage().startsWith("short.txt (22 characters): training text: expected at least 65"),
                e.getMessage());
    }

    @Test
    void aDivergingRunStopsWithAClearError() {
        TrainConfig config = small(CellKind.RNN_RELU).dropout(0).clipNorm(0)
                .optimizer(new OptimizerChoice.SgdChoice(SgdConfig.builder(1e12).build())).build();
        Trainer<float[]> t = Trainer.create(config, Precision.F32, CORPUS);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> t.train(TrainingListener.NONE));
        assertTrue(e.getMessage().matches("training diverged at step \\d+: expected a finite loss, found .*; likely "
                + "cause: the learning rate \\(1\\.0E12\\) is too high, or no gradient clipping"), e.getMessage());
    }

    /** Trains with a checkpoint every step until it diverges; returns the divergence. */
    private static TrainingDivergedException divergeWithCheckpoints(TrainConfig config, Path run) {
        Trainer<float[]> t = Trainer.create(config.toBuilder().checkpointEvery(1).build(), Precision.F32, CORPUS)
                .checkpointInto(run, Checkpoint.WriteHook.NONE);
        return assertThrows(TrainingDivergedException.class, () -> t.train(TrainingListener.NONE));
    }

    @Test
    void anUpdateThatMakesAWeightInfiniteIsDivergenceAndTheLastGoodCheckpointStays() throws IOException {
        // A finite loss, but the update overflows the embedding: before, the step was saved with
        // infinite weights and the next forward pass blamed its input.
        Path run = tmp.resolve("sgd");
        TrainConfig config = small(CellKind.LSTM).dropout(0).clipNorm(0).evalEvery(0)
                .optimizer(new OptimizerChoice.SgdChoice(SgdConfig.builder(1e30).build())).build();
        TrainingDivergedException e = divergeWithCheckpoints(config, run);
        assertTrue(e.getMessage().matches("training diverged at step \\d+: expected finite parameters and optimizer"
                + " state after the update, found parameter [a-z_.0-9]+\\[\\d+(, \\d+)*\\] = -?Infinity;"
                + " likely cause: the learning rate \\(1\\.0E30\\) is too high, or no gradient clipping"),
                e.getMessage());
        long diverged = Long.parseLong(e.getMessage().replaceAll("training diverged at step (\\d+):.*", "$1"));
        Checkpoint.Contents<float[]> last = Checkpoint.load(run, Precision.F32);   // finite, hence loadable
        assertEquals(diverged - 1, last.step());
    }

    @Test
    void anInfiniteOptimizerStateIsDivergenceEvenWhileTheWeightsStayFinite() throws IOException {
        // Adam's exp_avg_sq overflows, after which its updates are 0 and the weights stay finite:
        // before, the run ended "successfully" and its checkpoint held the infinite state.
        Path run = tmp.resolve("adam");
        TrainConfig config = small(CellKind.LSTM).layers(1).hiddenSize(8).embeddingDim(4).dropout(0).clipNorm(0)
                .evalEvery(0).optimizer(new OptimizerChoice.AdamChoice(AdamConfig.adam().lr(1e30).build())).build();
        TrainingDivergedException e = divergeWithCheckpoints(config, run);
        assertTrue(e.getMessage().contains(", found optimizer state "), e.getMessage());
        assertTrue(e.getMessage().contains(".exp_avg_sq["), e.getMessage());
        long diverged = Long.parseLong(e.getMessage().replaceAll("training diverged at step (\\d+):.*", "$1"));
        assertEquals(diverged - 1, Checkpoint.load(run, Precision.F32).step());
    }

    @Test
    void aCorruptOptimizerStateResumedFromIsDivergenceAndTheCheckpointIsKept() throws IOException {
        Path run = tmp.resolve("corrupt");
        TrainConfig config = small(CellKind.LSTM).steps(5).build();
        Trainer.create(config, Precision.F32, CORPUS).checkpointInto(run, Checkpoint.WriteHook.NONE)
                .train(TrainingListener.NONE);
        // A negative running mean of squares (finite, so it loads): Adam's square root makes NaN of it.
        Checkpoint.Contents<float[]> c = Checkpoint.load(run, Precision.F32);
        List<OptimizerState.Entry> arrays = new ArrayList<>();
        for (OptimizerState.Entry a : c.optimizer().arrays()) {
            double[] v = a.values();
            if (a.name().equals("head.bias.exp_avg_sq")) {
                v[3] = -1;
            }
            arrays.add(new OptimizerState.Entry(a.name(), a.shape(), v));
        }
        Checkpoint.save(run, new Checkpoint.Contents<>(c.model(), c.vocabulary(), c.step(),
                new OptimizerState(c.optimizer().optimizer(), c.optimizer().steps(), arrays), c.state(),
                c.provenance(), c.training()));
        List<String> before = snapshot(run);

        Trainer<float[]> t = Trainer.resume(run, config.toBuilder().steps(8).checkpointEvery(1).build(), Precision.F32,
                CORPUS).checkpointInto(run, Checkpoint.WriteHook.NONE);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> t.train(TrainingListener.NONE));
        assertEquals("training diverged at step 6: expected finite parameters and optimizer state after"
                + " the update, found parameter head.bias[3] = NaN; likely cause: the learning rate (0.01) is too high,"
                + " or no gradient clipping, or a corrupt optimizer state in the checkpoint resumed from (" + run + ")",
                e.getMessage());
        assertEquals(before, snapshot(run), "the step-5 checkpoint is neither replaced nor deleted");
    }

    @Test
    void aNonFiniteValidationLossIsDivergenceAndIsNotRecorded() {
        Trainer<float[]> t = Trainer.create(small(CellKind.LSTM).build(), Precision.F32, CORPUS);
        t.step();
        t.model().namedParameters().get("head.bias").value()[0] = Float.POSITIVE_INFINITY;   // as if logits overflowed
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, t::validate);
        assertTrue(e.getMessage().startsWith("training diverged at step 1: expected a finite validation loss, found "),
                e.getMessage());
        assertEquals(0, t.validationHistory().length);
    }

    @Test
    void theConfigurationRoundTripsThroughItsMap() {
        TrainConfig c = small(CellKind.GRU).schedule(new ScheduleConfig(ScheduleConfig.Kind.COSINE, 3, 1e-4, 37, 0, 1))
                .optimizer(new OptimizerChoice.AdamWChoice(AdamConfig.adamW().lr(3e-3).beta2(0.99).build()))
                .timeBudgetSeconds(12.5).build();
        Map<String, Object> m = c.toMap();
        assertEquals(c, TrainConfig.fromMap(m));
        for (OptimizerChoice o : List.of(new OptimizerChoice.SgdChoice(SgdConfig.builder(0.1).momentum(0.9).build()),
                new OptimizerChoice.RMSpropChoice(dev.recur.optim.RMSpropConfig.builder().build()))) {
            assertEquals(o, OptimizerChoice.fromMap(o.toMap()));
        }
        // an optimizer's settings under another optimizer's name: the missing and the extra ones named
        Map<String, Object> adamAsSgd = new java.util.LinkedHashMap<>(
                new OptimizerChoice.AdamChoice(AdamConfig.adam().build()).toMap());
        adamAsSgd.put("name", "sgd");
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> OptimizerChoice.fromMap(adamAsSgd));
        assertEquals("optimizer sgd: expected the settings lr, momentum, dampening, nesterov, weightDecay, maximize,"
                + " found no momentum, dampening, nesterov, and others: beta1, beta2, eps, amsgrad", wrong.getMessage());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainConfig.builder().steps(0).build());
        assertTrue(e.getMessage().startsWith("budget: expected a step budget or a time budget"), e.getMessage());
    }

    @Test
    void threadsAreCappedAsEverywhereElse() {
        assertEquals(256, TrainConfig.builder().threads(256).build().threads());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainConfig.builder().threads(100_000).build());
        assertEquals("threads: expected 0..256 (0 = one per processor), found 100000; likely cause: a count larger "
                + "than useful (more threads only add overhead, and the results do not depend on the count)",
                e.getMessage());
        // the one rule, which recur's --threads uses too
        e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.builder().threads(-1).build());
        assertEquals("threads: expected 0..256 (0 = one per processor), found -1; likely cause: a negative count (0 "
                + "gives one thread per processor)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Parallel.requireThreads("--threads", 0, false));
        assertEquals("--threads: expected 1..256, found 0; likely cause: 0 or a negative count (the computation runs "
                + "on at least one thread)", e.getMessage());
        assertEquals(1, Parallel.requireThreads("--threads", 1, false));
        // a run saved before the cap still resumes
        Map<String, Object> saved = new java.util.LinkedHashMap<>(small(CellKind.LSTM).build().toMap());
        saved.put("threads", 300);
        assertEquals(256, TrainConfig.fromMap(saved).threads());
    }
}
