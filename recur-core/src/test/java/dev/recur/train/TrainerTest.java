package dev.recur.train;

import static dev.recur.testing.FileFixtures.poke;
import static dev.recur.testing.FileFixtures.snapshot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.charlm.CharModelRun;
import dev.recur.charlm.CharModelSettings;
import dev.recur.checkpoint.Checkpoint;
import dev.recur.checkpoint.Manifest;
import dev.recur.checkpoint.ManifestFormat;
import dev.recur.checkpoint.RunWriter;
import dev.recur.data.TextCorpus;
import dev.recur.io.FormatException;
import dev.recur.io.SafetensorsFile;
import dev.recur.io.SafetensorsWriter;
import dev.recur.io.TensorEntry;
import dev.recur.model.EvalResult;
import dev.recur.nn.Parameter;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.optim.AdamConfig;
import dev.recur.optim.SgdConfig;
import dev.recur.tensor.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link Trainer} training a character language model ({@link CharModelRun}): exact resumption
 * from a checkpoint, determinism across thread counts, budgets, listeners, divergence, and the
 * refusals of a resume that does not fit the run.
 */
class TrainerTest {

    /** About 2,000 characters: 4 streams of 16 steps give 28 chunks per epoch, so 40 steps wrap an epoch. */
    private static final TextCorpus CORPUS = TinyCorpus.english(2000);

    @TempDir
    Path tmp;

    private static CharModelSettings small(CellKind cell, UnaryOperator<TrainConfig.Builder> train) {
        CharModelSettings.Builder b = CharModelSettings.builder().cell(cell).embeddingDim(8).hiddenSize(16).layers(2)
                .dropout(0.1).batch(4).seq(16);
        return b.train(train.apply(b.train().toBuilder().steps(40).evalEvery(10).checkpointEvery(0).seed(5).threads(1)
                .optimizer(new OptimizerChoice.AdamChoice(AdamConfig.adam().lr(0.01).build()))).build()).build();
    }

    private static CharModelSettings small(CellKind cell) {
        return small(cell, UnaryOperator.identity());
    }

    /** Records the events in order. */
    private static class Recorder implements TrainingListener {
        final List<Double> losses = new ArrayList<>();
        final List<Double> validations = new ArrayList<>();
        final List<String> events = new ArrayList<>();

        @Override
        public void onStep(TrainingEvents.Step event) {
            losses.add(event.loss());
            events.add("step " + event.step());
        }

        @Override
        public void onValidation(TrainingEvents.Validation event) {
            validations.add(event.result().loss());
            events.add("validation " + event.step());
        }

        @Override
        public void onCheckpoint(TrainingEvents.Saved event) {
            events.add("checkpoint " + event.step());
        }
    }

    private static double[] array(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static <A> double[] weights(Trainer<A> t) {
        List<Double> all = new ArrayList<>();
        for (Map.Entry<String, Parameter<A>> e : t.model().namedParameters().entrySet()) {
            for (double v : t.precision().toDoubles(e.getValue().value())) {
                all.add(v);
            }
        }
        return array(all);
    }

    /** A run killed right after its checkpoint at {@code step}: the listener throws. */
    private static final class Killed extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private <A> void resumeIsExact(CellKind cell, Precision<A> precision, int stopAt) throws IOException {
        CharModelSettings settings = small(cell, t -> t.checkpointEvery(stopAt));
        Path whole = tmp.resolve(cell.id() + "-whole");
        CharModelRun<A> a = CharModelRun.start(settings, precision, CORPUS).checkpointInto(whole,
                Checkpoint.WriteHook.NONE);
        Recorder ra = new Recorder();
        TrainingEvents.Summary sa = a.trainer().train(ra);
        assertEquals(40, sa.steps());
        assertEquals(TrainingEvents.StopReason.STEPS, sa.reason());

        Path part = tmp.resolve(cell.id() + "-killed");
        Recorder rb = new Recorder() {
            @Override
            public void onCheckpoint(TrainingEvents.Saved event) {
                super.onCheckpoint(event);
                if (event.step() == stopAt) {
                    throw new Killed();
                }
            }
        };
        CharModelRun<A> b = CharModelRun.start(settings, precision, CORPUS).checkpointInto(part,
                Checkpoint.WriteHook.NONE);
        assertThrows(Killed.class, () -> b.trainer().train(rb));
        CharModelRun<A> resumed = CharModelRun.resume(part, TrainConfig.Changes.NONE, precision, CORPUS,
                Checkpoint.WriteHook.NONE);
        assertEquals(stopAt, resumed.trainer().stepCount());
        resumed.trainer().train(rb);

        assertArrayEquals(array(ra.losses), array(rb.losses), 0.0, "step losses");
        assertEquals(ra.validations, rb.validations, "validation losses");
        Trainer<A> ta = a.trainer();
        Trainer<A> tb = resumed.trainer();
        assertArrayEquals(ta.trainLossHistory(), tb.trainLossHistory(), 0.0, "loss history");
        assertArrayEquals(weights(ta), weights(tb), 0.0, "final weights");
        assertEquals(ta.validationHistory().length, tb.validationHistory().length);
        for (int i = 0; i < ta.validationHistory().length; i++) {
            assertArrayEquals(ta.validationHistory()[i], tb.validationHistory()[i], 0.0, "validation " + i);
        }
        assertEquals(ta.smoothedLoss(), tb.smoothedLoss(), 0.0);
        assertEquals(ta.model().randomState(), tb.model().randomState());
        assertEquals(ta.tokens(), tb.tokens());
        // and the files of step 40 are the same, byte for byte
        for (String role : List.of("model", "optimizer", "trainer")) {
            Manifest.FileRef x = ManifestFormat.read(whole).files().get(role);
            Manifest.FileRef y = ManifestFormat.read(part).files().get(role);
            assertEquals(x.name(), y.name());
            assertEquals(x.sha256(), y.sha256(), role);
        }
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
    void theLossesDoNotDependOnTheThreadCount() throws IOException {
        List<double[]> losses = new ArrayList<>();
        List<double[]> weights = new ArrayList<>();
        for (int threads : new int[] {1, 3, 4}) {
            CharModelRun<float[]> r = CharModelRun.start(small(CellKind.LSTM, t -> t.steps(12).threads(threads)),
                    Precision.F32, CORPUS);
            assertEquals(threads, r.trainer().precision().kernels().threads());
            Recorder rec = new Recorder();
            r.trainer().train(rec);
            losses.add(array(rec.losses));
            weights.add(weights(r.trainer()));
        }
        for (int i = 1; i < losses.size(); i++) {
            assertArrayEquals(losses.get(0), losses.get(i), 0.0, "losses on run " + i);
            assertArrayEquals(weights.get(0), weights.get(i), 0.0, "weights on run " + i);
        }
    }

    @Test
    void aResumeMayChangeTheThreadCountAndStaysExact() throws IOException {
        Path run = tmp.resolve("threads");
        CharModelRun.start(small(CellKind.GRU, t -> t.steps(6)), Precision.F32, CORPUS)
                .checkpointInto(run, Checkpoint.WriteHook.NONE).trainer().train();
        CharModelRun<float[]> resumed = CharModelRun.resume(run, new TrainConfig.Changes(12L, null, null, null, null,
                3), Precision.F32, CORPUS, Checkpoint.WriteHook.NONE);
        assertEquals(3, resumed.config().threads());
        assertEquals(3, resumed.trainer().precision().kernels().threads());
        resumed.trainer().train();
        CharModelRun<float[]> whole = CharModelRun.start(small(CellKind.GRU, t -> t.steps(12)), Precision.F32, CORPUS);
        whole.trainer().train();
        assertArrayEquals(whole.trainer().trainLossHistory(), resumed.trainer().trainLossHistory(), 0.0);
        assertArrayEquals(weights(whole.trainer()), weights(resumed.trainer()), 0.0);
    }

    @Test
    void trainingLowersTheValidationLoss() throws IOException {
        CharModelRun<float[]> r = CharModelRun.start(small(CellKind.LSTM, t -> t.steps(60)).toBuilder().dropout(0)
                .build(), Precision.F32, CORPUS);
        Recorder rec = new Recorder();
        TrainingEvents.Summary s = r.trainer().train(rec);
        assertEquals(6, rec.validations.size());   // steps 10, 20, ..., 60, and none extra at the end
        assertTrue(rec.validations.get(rec.validations.size() - 1) < rec.validations.get(0) - 0.3,
                "validation loss " + rec.validations);
        assertNotNull(s.validation());
        assertEquals(60L * 4 * 16, s.tokens());
        EvalResult v = s.validation();
        assertEquals(v.loss() / Math.log(2), v.bitsPerChar(), 1e-12);
        assertEquals(Math.exp(v.loss()), v.perplexity(), 1e-9);
        // every validation character predicted once: the validation text less its first character
        assertEquals(r.validationCharacters() - 1, v.predictions());
    }

    @Test
    void listenersReceiveEveryStepValidationAndCheckpointInOrder() throws IOException {
        Path run = tmp.resolve("events");
        CharModelRun<float[]> r = CharModelRun.start(small(CellKind.LSTM, t -> t.steps(12).evalEvery(5)
                .checkpointEvery(4)), Precision.F32, CORPUS).checkpointInto(run, Checkpoint.WriteHook.NONE);
        List<TrainingEvents.Step> steps = new ArrayList<>();
        Recorder rec = new Recorder() {
            @Override
            public void onStep(TrainingEvents.Step event) {
                super.onStep(event);
                steps.add(event);
            }
        };
        r.trainer().train(rec);
        List<String> expected = new ArrayList<>();
        for (int s = 1; s <= 12; s++) {
            expected.add("step " + s);
            if (s % 5 == 0 || s == 12) {
                expected.add("validation " + s);
            }
            if (s % 4 == 0) {
                expected.add("checkpoint " + s);
            }
        }
        assertEquals(expected, rec.events);
        // each step event: its number, the budget, the learning rate, the clipped norm, the running counts
        double smoothed = Double.NaN;
        for (TrainingEvents.Step e : steps) {
            assertEquals(12, e.totalSteps());
            assertEquals(0.01, e.learningRate());
            assertTrue(e.gradNorm() > 0 && Double.isFinite(e.gradNorm()), "norm " + e.gradNorm());
            assertEquals(e.step() * 4 * 16, e.tokens());
            assertFalse(e.skipped());
            smoothed = e.step() == 1 ? e.loss() : 0.98 * smoothed + 0.02 * e.loss();
            assertEquals(smoothed, e.smoothedLoss(), 1e-12, "smoothed loss at step " + e.step());
        }
    }

    @Test
    void checkpointsAreWrittenAtTheIntervalAndAtTheEnd() throws IOException {
        Path run = tmp.resolve("run");
        Recorder rec = new Recorder();
        CharModelRun.start(small(CellKind.LSTM, t -> t.steps(25).checkpointEvery(10)), Precision.F32, CORPUS)
                .checkpointInto(run, Checkpoint.WriteHook.NONE).trainer().train(rec);
        assertEquals(List.of("checkpoint 10", "checkpoint 20", "checkpoint 25"),
                rec.events.stream().filter(e -> e.startsWith("checkpoint")).toList());
        assertEquals(25, ManifestFormat.read(run).step());
        try (var files = Files.list(run)) {
            assertEquals(List.of("checkpoint.json", "model-00000025.safetensors", "optimizer-00000025.safetensors",
                    "trainer-00000025.safetensors"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aResumedRunThatIsCompleteDoesNothingMore() throws IOException {
        Path run = tmp.resolve("done");
        CharModelRun.start(small(CellKind.LSTM, t -> t.steps(12)), Precision.F32, CORPUS)
                .checkpointInto(run, Checkpoint.WriteHook.NONE).trainer().train();
        String before = Files.readString(run.resolve(Manifest.FILE));
        CharModelRun<float[]> again = CharModelRun.resume(run, TrainConfig.Changes.NONE, Precision.F32, CORPUS,
                Checkpoint.WriteHook.NONE);
        assertEquals(run, again.directory());
        Recorder rec = new Recorder();
        TrainingEvents.Summary s = again.trainer().train(rec);
        assertEquals(0, s.stepsThisRun());
        assertEquals(List.of(), rec.events, "no step, no validation (the last is in the checkpoint), no checkpoint");
        assertEquals(before, Files.readString(run.resolve(Manifest.FILE)));
        // A longer budget continues the run.
        CharModelRun<float[]> longer = CharModelRun.resume(run, new TrainConfig.Changes(15L, null, null, null, null,
                null), Precision.F32, CORPUS, Checkpoint.WriteHook.NONE);
        assertEquals(3, longer.trainer().train(rec).stepsThisRun());
        assertEquals(15, ManifestFormat.read(run).step());
        assertThrows(IllegalStateException.class, () -> longer.checkpointInto(tmp.resolve("elsewhere"),
                Checkpoint.WriteHook.NONE), "a resumed run writes into its own folder");
    }

    @Test
    void theBudgetsStopTheRun() throws IOException {
        TrainingEvents.Summary time = CharModelRun.start(small(CellKind.LSTM, t -> t.steps(0).timeBudgetSeconds(1e-9)),
                Precision.F32, CORPUS).trainer().train();
        assertEquals(TrainingEvents.StopReason.TIME, time.reason());
        assertEquals(1, time.steps(), "a step takes more than a nanosecond");

        CharModelRun<float[]> epoch = CharModelRun.start(small(CellKind.LSTM, t -> t.steps(0).epochs(1).evalEvery(0)),
                Precision.F32, CORPUS);
        // 90% of the corpus trains, cut into 4 streams; chunks of 16 steps, each needing its next character
        int stream = (epoch.trainCharacters() - 1) / 4;
        assertEquals((stream - 1) / 16, epoch.trainer().data().batchesPerEpoch());
        TrainingEvents.Summary e = epoch.trainer().train();
        assertEquals(TrainingEvents.StopReason.EPOCHS, e.reason());
        assertEquals((stream - 1) / 16, e.steps());
        assertEquals(28, e.steps());

        TrainingEvents.Summary steps = CharModelRun.start(small(CellKind.LSTM, t -> t.steps(3).epochs(1)),
                Precision.F32, CORPUS).trainer().train();
        assertEquals(TrainingEvents.StopReason.STEPS, steps.reason());
        assertEquals(3, steps.steps());
    }

    @Test
    void requestStopEndsAfterTheCurrentStep() throws IOException {
        CharModelRun<float[]> r = CharModelRun.start(small(CellKind.LSTM), Precision.F32, CORPUS);
        Trainer<float[]> t = r.trainer();
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
        assertNotNull(s.validation(), "validated at the stop");
    }

    @Test
    void resumingWithAnotherCorpusPrecisionOrBudgetIsRefused() throws IOException {
        Path run = tmp.resolve("run");
        CharModelRun.start(small(CellKind.LSTM, t -> t.steps(5)), Precision.F32, CORPUS)
                .checkpointInto(run, Checkpoint.WriteHook.NONE).trainer().train();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CharModelRun.resume(run,
                TrainConfig.Changes.NONE, Precision.F64, CORPUS, Checkpoint.WriteHook.NONE));
        assertEquals("resume " + run + ": expected precision float32 (that of the checkpoint), found float64; likely "
                + "cause: another --dtype than the run was started with", e.getMessage());
        TextCorpus other = TinyCorpus.english(2100);
        e = assertThrows(IllegalArgumentException.class, () -> CharModelRun.resume(run, TrainConfig.Changes.NONE,
                Precision.F32, other, Checkpoint.WriteHook.NONE));
        assertEquals("tiny-english.txt: expected the corpus the run was trained on (tiny-english.txt, SHA-256 "
                + CORPUS.sha256() + "), found SHA-256 " + other.sha256() + "; likely cause: the corpus file changed "
                + "since, or another file was given", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CharModelRun.resume(run, new TrainConfig.Changes(0L,
                null, null, null, null, null), Precision.F32, CORPUS, Checkpoint.WriteHook.NONE));
        assertEquals("budget: expected a step, epoch or time budget, found none", e.getMessage());
    }

    /**
     * A carried state of the right size but another shape, or an LSTM's without its cell state (a
     * hand-edited trainer file), is refused on resume.
     */
    @Test
    void aCarriedStateOfAnotherShapeIsRefused() throws IOException {
        Path run = tmp.resolve("reshaped");
        CharModelRun.start(small(CellKind.LSTM, t -> t.steps(5)), Precision.F32, CORPUS)
                .checkpointInto(run, Checkpoint.WriteHook.NONE).trainer().train();
        Manifest.FileRef ref = ManifestFormat.read(run).files().get("trainer");
        Path file = run.resolve(ref.name());
        byte[] original = Files.readAllBytes(file);
        String manifest = Files.readString(run.resolve(Manifest.FILE));
        String refused = run.resolve(Manifest.FILE) + ": expected a consistent training state, found ";
        String cause = "; likely cause: the files of the checkpoint do not belong together (edited or mixed up)";

        rewriteTrainerFile(run, ref, manifest, t -> t.name().equals("carry.h") ? new int[] {2, 2, 32} : t.shape());
        FormatException e = assertThrows(FormatException.class, () -> resume(run));
        assertEquals(refused + "the carried recurrent state does not fit [L*D, B, Hout] = [2, 4, 16]: found carry.h "
                + "[2, 2, 32], carry.c [2, 4, 16]" + cause, e.getMessage());

        Files.write(file, original);
        rewriteTrainerFile(run, ref, manifest, t -> t.name().equals("carry.c") ? null : t.shape());
        e = assertThrows(FormatException.class, () -> resume(run));
        assertEquals(refused + "the carried recurrent state does not fit a lstm: expected carry.c beside carry.h, "
                + "found none" + cause, e.getMessage());

        Files.write(file, original);
        rewriteTrainerFile(run, ref, manifest, t -> t.name().equals("carry.h") ? null : t.shape());
        e = assertThrows(FormatException.class, () -> resume(run));
        assertEquals(refused + "the carried recurrent state: expected carry.h beside carry.c, found none" + cause,
                e.getMessage());
    }

    private static CharModelRun<float[]> resume(Path run) throws IOException {
        return CharModelRun.resume(run, TrainConfig.Changes.NONE, Precision.F32, CORPUS, Checkpoint.WriteHook.NONE);
    }

    /** Writes the run's trainer file again with each tensor in the shape {@code shape} gives it (null: left out). */
    private static void rewriteTrainerFile(Path run, Manifest.FileRef ref, String manifest,
                                           Function<TensorEntry, int[]> shape) throws IOException {
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
        Files.writeString(run.resolve(Manifest.FILE), manifest.replace(ref.sha256(), Checkpoint.sha256(bytes))
                .replace("\"bytes\" : " + ref.bytes(), "\"bytes\" : " + bytes.length));
    }

    /**
     * A hand-edited setting is reported with the checkpoint's likely cause alone, not the one its
     * check gives for a value typed as an option.
     */
    @Test
    void anInvalidSavedSettingGivesOneLikelyCause() throws IOException {
        Path run = tmp.resolve("threads");
        CharModelRun.start(small(CellKind.LSTM, t -> t.steps(5)), Precision.F32, CORPUS)
                .checkpointInto(run, Checkpoint.WriteHook.NONE).trainer().train();
        Path json = run.resolve(Manifest.FILE);
        String manifest = Files.readString(json);
        assertTrue(manifest.contains("\"threads\" : 1"), manifest);
        Files.writeString(json, manifest.replace("\"threads\" : 1", "\"threads\" : -1"));
        String expected = json + ": expected a valid training configuration, found threads: expected 0..256 (0 = one "
                + "per processor), found -1; likely cause: the file was edited by hand, or the checkpoint holds a model"
                + " saved without its training state";
        FormatException e = assertThrows(FormatException.class, () -> RunWriter.savedConfig(ManifestFormat.read(run)));
        assertEquals(expected, e.getMessage());
        assertEquals(expected, assertThrows(FormatException.class, () -> resume(run)).getMessage());

        Files.writeString(json, manifest.replace("\"name\" : \"cross_entropy\"", "\"name\" : \"hinge\""));
        e = assertThrows(FormatException.class, () -> RunWriter.savedLoss(ManifestFormat.read(run)));
        assertTrue(e.getMessage().startsWith(json + ": expected a valid loss, found "), e.getMessage());
        assertTrue(e.getMessage().endsWith("; likely cause: the file was edited by hand"), e.getMessage());
        assertEquals(1, e.getMessage().split("likely cause", -1).length - 1, e.getMessage());
    }

    @Test
    void aCorpusTooShortForOneBatchIsNamedInTheError() {
        TextCorpus tiny = TinyCorpus.corpus("just a few words here\n", "short.txt");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CharModelRun.start(small(CellKind.LSTM), Precision.F32, tiny));
        assertTrue(e.getMessage().startsWith("short.txt (22 characters): training text: expected at least 65"),
                e.getMessage());
    }

    @Test
    void aDivergingRunStopsWithAClearError() {
        CharModelSettings settings = small(CellKind.RNN_RELU, t -> t.clipNorm(0)
                .optimizer(new OptimizerChoice.SgdChoice(SgdConfig.builder(1e12).build()))).toBuilder().dropout(0)
                .build();
        Trainer<float[]> t = CharModelRun.start(settings, Precision.F32, CORPUS).trainer();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> t.train());
        assertTrue(e.getMessage().matches("training diverged at step \\d+: expected a finite loss, found .*; likely "
                + "cause: the learning rate \\(1\\.0E12\\) is too high, or no gradient clipping"), e.getMessage());
    }

    /** Trains with a checkpoint every step until it diverges; returns the divergence. */
    private static TrainingDivergedException divergeWithCheckpoints(CharModelSettings settings, Path run) {
        CharModelSettings every = settings.toBuilder().train(settings.train().toBuilder().checkpointEvery(1).build())
                .build();
        Trainer<float[]> t = CharModelRun.start(every, Precision.F32, CORPUS).checkpointInto(run,
                Checkpoint.WriteHook.NONE).trainer();
        return assertThrows(TrainingDivergedException.class, () -> t.train());
    }

    private static long divergedAt(TrainingDivergedException e) {
        return Long.parseLong(e.getMessage().replaceAll("training diverged at step (\\d+):.*", "$1"));
    }

    @Test
    void anUpdateThatMakesAWeightInfiniteIsDivergenceAndTheLastGoodCheckpointStays() throws IOException {
        // A finite loss, but the update overflows the embedding: the step must not be saved with
        // infinite weights (the next forward pass would blame its input).
        Path run = tmp.resolve("sgd");
        CharModelSettings settings = small(CellKind.LSTM, t -> t.clipNorm(0).evalEvery(0)
                .optimizer(new OptimizerChoice.SgdChoice(SgdConfig.builder(1e30).build()))).toBuilder().dropout(0)
                .build();
        TrainingDivergedException e = divergeWithCheckpoints(settings, run);
        assertTrue(e.getMessage().matches("training diverged at step \\d+: expected finite parameters and optimizer"
                + " state after the update, found parameter [a-z_.0-9]+\\[\\d+(, \\d+)*\\] = -?Infinity;"
                + " likely cause: the learning rate \\(1\\.0E30\\) is too high, or no gradient clipping"),
                e.getMessage());
        assertEquals(divergedAt(e) - 1, Checkpoint.load(run, Precision.F32).manifest().step());   // finite, loadable
    }

    @Test
    void anInfiniteOptimizerStateIsDivergenceEvenWhileTheWeightsStayFinite() throws IOException {
        // Adam's exp_avg_sq overflows, after which its updates are 0 and the weights stay finite: the
        // run must not end "successfully" with a checkpoint holding the infinite state.
        Path run = tmp.resolve("adam");
        CharModelSettings settings = small(CellKind.LSTM, t -> t.clipNorm(0).evalEvery(0)
                .optimizer(new OptimizerChoice.AdamChoice(AdamConfig.adam().lr(1e30).build()))).toBuilder().layers(1)
                .hiddenSize(8).embeddingDim(4).dropout(0).build();
        TrainingDivergedException e = divergeWithCheckpoints(settings, run);
        assertTrue(e.getMessage().contains(", found optimizer state "), e.getMessage());
        assertTrue(e.getMessage().contains(".exp_avg_sq["), e.getMessage());
        assertEquals(divergedAt(e) - 1, Checkpoint.load(run, Precision.F32).manifest().step());
    }

    @Test
    void aCorruptOptimizerStateResumedFromIsDivergenceAndTheCheckpointIsKept() throws IOException {
        Path run = tmp.resolve("corrupt");
        CharModelRun.start(small(CellKind.LSTM, t -> t.steps(5)), Precision.F32, CORPUS)
                .checkpointInto(run, Checkpoint.WriteHook.NONE).trainer().train();
        // A negative running mean of squares (finite, so it loads): Adam's square root makes NaN of it.
        poke(run, "optimizer", "head.bias.exp_avg_sq", 3, -1);
        List<String> before = snapshot(run);

        Trainer<float[]> t = CharModelRun.resume(run, new TrainConfig.Changes(8L, null, null, null, 1, null),
                Precision.F32, CORPUS, Checkpoint.WriteHook.NONE).trainer();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> t.train());
        assertEquals("training diverged at step 6: expected finite parameters and optimizer state after"
                + " the update, found parameter head.bias[3] = NaN; likely cause: the learning rate (0.01) is too high,"
                + " or no gradient clipping, or a corrupt optimizer state in the checkpoint resumed from (" + run + ")",
                e.getMessage());
        assertEquals(before, snapshot(run), "the step-5 checkpoint is neither replaced nor deleted");
    }

    @Test
    void aNonFiniteValidationLossIsDivergenceAndIsNotRecorded() {
        Trainer<float[]> t = CharModelRun.start(small(CellKind.LSTM), Precision.F32, CORPUS).trainer();
        t.step();
        t.model().namedParameters().get("head.bias").value()[0] = Float.POSITIVE_INFINITY;   // as if logits overflowed
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, t::validate);
        assertTrue(e.getMessage().startsWith("training diverged at step 1: expected a finite validation loss, found "),
                e.getMessage());
        assertEquals(0, t.validationHistory().length);
    }
}
