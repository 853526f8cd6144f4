package dev.recur.io;

import static dev.recur.testing.FileFixtures.poke;
import static dev.recur.testing.FileFixtures.snapshot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.recur.data.TextCorpus;
import dev.recur.data.Vocabulary;
import dev.recur.model.CharLanguageModel;
import dev.recur.model.CharLanguageModelConfig;
import dev.recur.nn.Parameter;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.optim.OptimizerState;
import dev.recur.tensor.Precision;
import dev.recur.train.TinyCorpus;
import dev.recur.train.TrainConfig;
import dev.recur.train.TrainedModel;
import dev.recur.train.Trainer;
import dev.recur.train.TrainingListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Checkpoint} and {@link StateDicts}: layout, non-BMP vocabularies, checksums, bad files. */
class CheckpointTest {

    @TempDir
    Path tmp;

    private static TrainConfig.Builder small() {
        return TrainConfig.builder().embeddingDim(8).hiddenSize(16).layers(2).batch(4).seq(16).steps(6).evalEvery(0)
                .checkpointEvery(0).threads(1);
    }

    private Path trainedRun(String name, CellKind cell, TextCorpus corpus) throws IOException {
        Path run = tmp.resolve(name);
        Trainer.create(small().cell(cell).build(), Precision.F32, corpus).checkpointInto(run, Checkpoint.WriteHook.NONE)
                .train(TrainingListener.NONE);
        return run;
    }

    private static Path modelFile(Path run) throws IOException {
        return run.resolve(Checkpoint.readManifest(run).files().get("model").name());
    }

    @Test
    void charactersBeyondTheBmpRoundTripThroughVocabularyAndCheckpoint() throws IOException {
        TextCorpus corpus = TinyCorpus.beyondBmp(3000);
        Vocabulary vocabulary = corpus.vocabulary();
        assertTrue(vocabulary.contains(0x1F600) && vocabulary.contains(0x20000) && vocabulary.contains(0x1D538));
        Path run = trainedRun("bmp", CellKind.LSTM, corpus);

        Checkpoint.Manifest m = Checkpoint.readManifest(run);
        assertEquals(vocabulary, m.vocabulary());
        String json = Files.readString(run.resolve(Checkpoint.MANIFEST), StandardCharsets.UTF_8);
        assertTrue(json.contains("131072"), "U+20000 is stored as one code point");

        TrainedModel<float[]> loaded = TrainedModel.load(run, Precision.F32);
        assertEquals(vocabulary, loaded.vocabulary());
        String text = loaded.generate("\uD83D\uDE00", 200, 1.0, 0, 3);
        assertEquals(200, text.codePointCount(0, text.length()), "one token = one code point");
        text.codePoints().forEach(cp -> assertTrue(vocabulary.contains(cp), "generated " + Integer.toHexString(cp)));
        assertTrue(text.codePoints().anyMatch(cp -> cp > 0xFFFF), "some generated characters lie beyond the BMP");
        String next = loaded.mostLikelyNext("\uD840\uDC00");
        assertEquals(1, next.codePointCount(0, next.length()));
    }

    @Test
    void theLayoutNamesTheTensorFilesWithTheirChecksums() throws IOException {
        Path run = trainedRun("layout", CellKind.LSTM, TinyCorpus.english(2000));
        Checkpoint.Manifest m = Checkpoint.readManifest(run);
        assertEquals(6, m.step());
        assertEquals("float32", m.dtype());
        assertEquals("adam", m.optimizer());
        assertEquals(TinyCorpus.english(2000).sha256(), m.provenance().corpusSha256());
        for (Checkpoint.FileRef ref : m.files().values()) {
            byte[] bytes = Files.readAllBytes(run.resolve(ref.name()));
            assertEquals(Checkpoint.sha256(bytes), ref.sha256());
            assertEquals(bytes.length, ref.bytes());
        }
        SafetensorsFile model = SafetensorsFile.read(modelFile(run));
        assertEquals(java.util.Set.of("embedding.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0",
                "rnn.bias_hh_l0", "rnn.weight_ih_l1", "rnn.weight_hh_l1", "rnn.bias_ih_l1", "rnn.bias_hh_l1",
                "head.weight", "head.bias"), model.names());
        assertEquals(DType.F32, model.dtype("rnn.weight_ih_l0"));
        assertArrayEquals(new int[] {64, 8}, model.shape("rnn.weight_ih_l0"));
    }

    @Test
    void aChecksumMismatchIsReportedWithTheFileAndBothDigests() throws IOException {
        Path run = trainedRun("sum", CellKind.LSTM, TinyCorpus.english(2000));
        Path model = modelFile(run);
        byte[] bytes = Files.readAllBytes(model);
        bytes[bytes.length - 1] ^= 1;   // one flipped bit in a weight
        Files.write(model, bytes);
        FormatException e = assertThrows(FormatException.class, () -> Checkpoint.load(run, Precision.F32));
        assertTrue(e.getMessage().startsWith(model + ": expected SHA-256 "), e.getMessage());
        assertTrue(e.getMessage().contains("likely cause: the file was modified or replaced"), e.getMessage());
    }

    @Test
    void aTruncatedTensorFileOrManifestIsReported() throws IOException {
        Path run = trainedRun("trunc", CellKind.LSTM, TinyCorpus.english(2000));
        Path model = modelFile(run);
        byte[] bytes = Files.readAllBytes(model);
        Files.write(model, Arrays.copyOf(bytes, bytes.length / 2));
        FormatException e = assertThrows(FormatException.class, () -> Checkpoint.load(run, Precision.F32));
        assertTrue(e.getMessage().contains("likely cause: the file is truncated"), e.getMessage());

        Path json = run.resolve(Checkpoint.MANIFEST);
        byte[] manifest = Files.readAllBytes(json);
        Files.write(json, Arrays.copyOf(manifest, manifest.length / 2));
        e = assertThrows(FormatException.class, () -> Checkpoint.readManifest(run));
        assertTrue(e.getMessage().startsWith(json + ": expected a recur checkpoint manifest (JSON), found invalid JSON"),
                e.getMessage());
        Files.write(json, new byte[0]);
        e = assertThrows(FormatException.class, () -> Checkpoint.readManifest(run));
        assertTrue(e.getMessage().contains("found an empty file"), e.getMessage());
    }

    /** The manifest with {@code edit} applied to its JSON tree (the tensor files stay as they are). */
    private static void editManifest(Path run, Consumer<ObjectNode> edit)
            throws IOException {
        ObjectMapper json = new ObjectMapper();
        Path file = run.resolve(Checkpoint.MANIFEST);
        var root = (ObjectNode) json.readTree(file.toFile());
        edit.accept(root);
        json.writeValue(file.toFile(), root);
    }

    /**
     * Every field of the manifest that restates something is checked against it: a hand edit that
     * makes one disagree is refused, naming the file and both values, instead of being ignored.
     */
    @Test
    void manifestFieldsThatDisagreeWithTheCheckpointAreRefused() throws IOException {
        Path run = trainedRun("fields", CellKind.LSTM, TinyCorpus.english(2000));
        Path json = run.resolve(Checkpoint.MANIFEST);
        String original = Files.readString(json);
        Checkpoint.FileRef model = Checkpoint.readManifest(run).files().get("model");
        Checkpoint.FileRef optimizer = Checkpoint.readManifest(run).files().get("optimizer");

        editManifest(run, m -> ((ObjectNode) m.get("model")).put("type", "foo"));
        FormatException e = assertThrows(FormatException.class, () -> Checkpoint.readManifest(run));
        assertEquals(json + ": expected model.type \"char_language_model\", found \"foo\"; likely cause: the file was"
                + " edited by hand or written by another program", e.getMessage());

        Files.writeString(json, original);
        editManifest(run, m -> ((ObjectNode) m.get("vocabulary")).put("text", "abc"));
        e = assertThrows(FormatException.class, () -> Checkpoint.readManifest(run));
        assertTrue(e.getMessage().startsWith(json + ": expected vocabulary.text to spell vocabulary.code_points ("),
                e.getMessage());

        Files.writeString(json, original);
        editManifest(run, m -> ((ObjectNode) m.get("files").get("model"))
                .put("bytes", model.bytes() + 1));
        e = assertThrows(FormatException.class, () -> Checkpoint.load(run, Precision.F32));
        assertEquals(json + ": expected files.model.bytes = the size of " + model.name() + " (" + model.bytes()
                + "), found " + (model.bytes() + 1) + "; likely cause: the file was edited by hand", e.getMessage());

        Files.writeString(json, original);
        editManifest(run, m -> ((ObjectNode) m.get("model")).put("dtype", "float64"));
        for (Precision<?> p : List.of(Precision.F32, Precision.F64)) {
            e = assertThrows(FormatException.class, () -> Checkpoint.load(run, p));
            assertTrue(e.getMessage().startsWith(run.resolve(model.name()) + ": expected F64 tensors (model.dtype"
                    + " \"float64\" in checkpoint.json), found tensor '"), e.getMessage());
        }

        Files.writeString(json, original);
        editManifest(run, m -> ((ObjectNode) m.get("optimizer")).put("name", "sgd"));
        e = assertThrows(FormatException.class, () -> Checkpoint.load(run, Precision.F32));
        assertEquals(run.resolve(optimizer.name()) + ": expected metadata 'optimizer' \"sgd\", as optimizer.name in "
                + "checkpoint.json, found \"adam\"; likely cause: the manifest or the file was edited by hand",
                e.getMessage());

        Files.writeString(json, original);
        Checkpoint.load(run, Precision.F32);   // the untouched manifest still loads
    }

    @Test
    void weightsOfAnotherArchitectureAreRefusedNamingTheTensorAndShapes() throws IOException {
        Path lstm = trainedRun("lstm", CellKind.LSTM, TinyCorpus.english(2000));
        Path gru = trainedRun("gru", CellKind.GRU, TinyCorpus.english(2000));
        // A mixed-up folder: the GRU's weights under the LSTM's manifest, checksum made to match.
        Path target = modelFile(lstm);
        byte[] gruBytes = Files.readAllBytes(modelFile(gru));
        Files.write(target, gruBytes);
        Path json = lstm.resolve(Checkpoint.MANIFEST);
        String manifest = Files.readString(json);
        Checkpoint.FileRef ref = Checkpoint.readManifest(lstm).files().get("model");
        Files.writeString(json, manifest.replace(ref.sha256(), Checkpoint.sha256(gruBytes))
                .replace("\"bytes\" : " + ref.bytes(), "\"bytes\" : " + gruBytes.length));
        FormatException e = assertThrows(FormatException.class, () -> Checkpoint.load(lstm, Precision.F32));
        assertTrue(e.getMessage().startsWith(target + ": expected tensor 'rnn.weight_ih_l0' of shape [64, 8] (a 2-layer"
                + " lstm model with V="), e.getMessage());
        assertTrue(e.getMessage().contains("found shape [48, 8]; likely cause: the file holds a model of another"
                + " architecture"), e.getMessage());
    }

    @Test
    void aPyTorchStyleStateDictInFloat64LoadsIntoAFloat32Model() throws IOException {
        CharLanguageModelConfig config = CharLanguageModelConfig.builder(5).embeddingDim(3).hiddenSize(4).layers(1)
                .cell(CellKind.GRU).build();
        CharLanguageModel<double[]> source = CharLanguageModel.create(config, Precision.F64, 9);
        SafetensorsWriter w = new SafetensorsWriter();
        for (Map.Entry<String, Parameter<double[]>> e : source.namedParameters().entrySet()) {
            w.put(e.getKey(), e.getValue().value(), e.getValue().shape());
        }
        Path file = tmp.resolve("torch.safetensors");
        w.metadata("format", "pt").write(file);

        CharLanguageModel<float[]> target = CharLanguageModel.create(config, Precision.F32, 1);
        StateDicts.load(target, file);
        for (Map.Entry<String, Parameter<float[]>> e : target.namedParameters().entrySet()) {
            double[] expected = source.namedParameters().get(e.getKey()).value();
            float[] got = e.getValue().value();
            for (int i = 0; i < got.length; i++) {
                assertEquals((float) expected[i], got[i], e.getKey() + "[" + i + "]");
            }
        }
        // Saving and loading again is exact.
        Path again = tmp.resolve("again.safetensors");
        StateDicts.save(target, again);
        CharLanguageModel<float[]> copy = CharLanguageModel.create(config, Precision.F32, 2);
        StateDicts.load(copy, again);
        assertArrayEquals(target.head().parameters().get(0).value(), copy.head().parameters().get(0).value());

        // One layer more: a tensor is missing.
        CharLanguageModel<float[]> deeper = CharLanguageModel.create(CharLanguageModelConfig.builder(5).embeddingDim(3)
                .hiddenSize(4).layers(2).cell(CellKind.GRU).build(), Precision.F32, 1);
        FormatException e = assertThrows(FormatException.class, () -> StateDicts.load(deeper, file));
        assertTrue(e.getMessage().contains("expected tensor 'rnn.weight_ih_l1'"), e.getMessage());
        assertTrue(e.getMessage().contains("found no such tensor"), e.getMessage());
    }

    @Test
    void aSaveInterruptedBeforeTheCommitLeavesThePreviousCheckpointValid() throws IOException {
        Path run = tmp.resolve("interrupted");
        TextCorpus corpus = TinyCorpus.english(2000);
        Trainer<float[]> t = Trainer.create(small().steps(10).build(), Precision.F32, corpus);
        for (int i = 0; i < 4; i++) {
            t.step();
        }
        t.save(run);
        String before = Files.readString(run.resolve(Checkpoint.MANIFEST));
        for (int i = 0; i < 3; i++) {
            t.step();
        }
        IOException killed = new IOException("killed");
        IOException e = assertThrows(IOException.class, () -> t.save(run, (dir, step) -> {
            assertTrue(Files.exists(dir.resolve("model-00000007.safetensors")), "new files written before the commit");
            throw killed;
        }));
        assertEquals(killed, e);
        assertEquals(before, Files.readString(run.resolve(Checkpoint.MANIFEST)));
        assertEquals(4, Checkpoint.load(run, Precision.F32).step());
        // The next save removes the orphans of the interrupted one.
        t.step();
        t.save(run);
        try (var files = Files.list(run)) {
            assertEquals(4, files.count());
        }
        assertEquals(8, Checkpoint.load(run, Precision.F32).step());
    }

    @Test
    void aMissingTensorFileAndAFolderWithoutCheckpointAreReported() throws IOException {
        Path run = trainedRun("missing", CellKind.LSTM, TinyCorpus.english(2000));
        Files.delete(run.resolve(Checkpoint.readManifest(run).files().get("trainer").name()));
        FormatException e = assertThrows(FormatException.class, () -> Checkpoint.load(run, Precision.F32));
        assertTrue(e.getMessage().contains("expected the file named by checkpoint.json, found no such file"),
                e.getMessage());
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        assertThrows(java.nio.file.NoSuchFileException.class, () -> Checkpoint.readManifest(empty));
    }

    @Test
    void theLatestRunIsTheOneStartedLast() throws IOException, InterruptedException {
        Path runs = Files.createDirectory(tmp.resolve("runs"));
        assertTrue(Checkpoint.latestRun(runs).isEmpty());
        TextCorpus corpus = TinyCorpus.english(2000);
        Trainer<float[]> older = Trainer.create(small().build(), Precision.F32, corpus);
        Thread.sleep(20);   // run start times have a resolution of a millisecond
        Trainer<float[]> newer = Trainer.create(small().build(), Precision.F32, corpus);
        newer.save(runs.resolve("a-newer"));
        older.save(runs.resolve("b-older"));
        Files.createDirectory(runs.resolve("c-killed-before-its-first-checkpoint"));
        assertEquals(runs.resolve("a-newer"), Checkpoint.latestRun(runs).orElseThrow());
        assertFalse(Checkpoint.latestRun(tmp.resolve("nothing-here")).isPresent());
    }

    @Test
    void aBrokenManifestAmongTheRunsIsAnErrorNotAnOlderRun() throws IOException, InterruptedException {
        // Before, an unreadable checkpoint.json counted as the oldest run, so a command silently
        // took (and train --resume overwrote) an older run than the one the user last trained.
        Path runs = Files.createDirectory(tmp.resolve("runs"));
        TextCorpus corpus = TinyCorpus.english(2000);
        Trainer<float[]> older = Trainer.create(small().build(), Precision.F32, corpus);
        Thread.sleep(20);
        Trainer<float[]> newer = Trainer.create(small().build(), Precision.F32, corpus);
        older.save(runs.resolve("a-older"));
        newer.save(runs.resolve("b-newer"));
        Path json = runs.resolve("b-newer").resolve(Checkpoint.MANIFEST);
        String manifest = Files.readString(json);

        Files.writeString(json, "{}", StandardOpenOption.APPEND);
        // the manifest's own error, naming it (the command line adds how to name a run instead)
        FormatException e = assertThrows(FormatException.class, () -> Checkpoint.latestRun(runs));
        assertEquals(json, e.file());
        assertTrue(e.getMessage().startsWith(json + ": expected a recur checkpoint manifest (JSON), found invalid"
                + " JSON"), e.getMessage());
        assertTrue(e.getMessage().endsWith("; likely cause: the file is truncated or was edited by hand"),
                e.getMessage());

        // Valid JSON, but a start time that is not one: refused by readManifest, as by latestRun
        Files.writeString(json, manifest.replace(newer.runStarted(), "yesterday"));
        String notATime = json + ": expected provenance.run_started to be an ISO-8601 UTC time, found \"yesterday\"; "
                + "likely cause: the file was edited by hand";
        assertEquals(notATime, assertThrows(FormatException.class, () -> Checkpoint.latestRun(runs)).getMessage());
        assertEquals(notATime, assertThrows(FormatException.class,
                () -> Checkpoint.readManifest(runs.resolve("b-newer"))).getMessage());

        // Repaired, the newer run is the latest again; an empty folder is still skipped.
        Files.writeString(json, manifest);
        Files.createDirectory(runs.resolve("c-killed-before-its-first-checkpoint"));
        assertEquals(runs.resolve("b-newer"), Checkpoint.latestRun(runs).orElseThrow());
    }

    @Test
    void nanOrInfinityInAnyFileOfACheckpointIsRefusedNamingTheFileTensorAndElement() throws IOException {
        Path good = trainedRun("finite", CellKind.LSTM, TinyCorpus.english(2000));
        Object[][] cases = {
            {"model", "rnn.weight_hh_l1", 17, Double.NaN, "NaN at [1, 1]"},
            {"model", "head.bias", 2, Double.NEGATIVE_INFINITY, "-Infinity at [2]"},
            {"optimizer", "embedding.weight.exp_avg_sq", 9, Double.POSITIVE_INFINITY, "Infinity at [1, 1]"},
            {"trainer", "carry.h", 21, Double.NaN, "NaN at [0, 1, 5]"},
            {"trainer", "history.train_loss", 3, Double.NaN, "NaN at [3]"},
        };
        for (Object[] c : cases) {
            Path run = tmp.resolve("nan-" + c[0] + "-" + c[1]);
            Files.createDirectory(run);
            try (var files = Files.list(good)) {
                for (Path p : files.toList()) {
                    Files.copy(p, run.resolve(p.getFileName()));
                }
            }
            poke(run, (String) c[0], (String) c[1], (Integer) c[2], (Double) c[3]);
            Path file = run.resolve(Checkpoint.readManifest(run).files().get((String) c[0]).name());
            FormatException e = assertThrows(FormatException.class, () -> Checkpoint.load(run, Precision.F32));
            assertEquals(file + ": expected finite values in tensor '" + c[1] + "', found " + c[4] + "; likely cause:"
                    + " the file is corrupt or was edited by hand, or it was saved from a diverged training run by an"
                    + " older version of recur", e.getMessage());
        }
        Checkpoint.load(good, Precision.F32);
    }

    @Test
    void float64WeightsBeyondTheFloat32RangeAreRefusedWhenLoadedAsFloat32() throws IOException {
        CharLanguageModelConfig config = CharLanguageModelConfig.builder(5).embeddingDim(3).hiddenSize(4).layers(1)
                .cell(CellKind.GRU).build();
        CharLanguageModel<double[]> source = CharLanguageModel.create(config, Precision.F64, 9);
        source.namedParameters().get("head.weight").value()[6] = 1e300;
        Path file = tmp.resolve("huge.safetensors");
        StateDicts.save(source, file);
        CharLanguageModel<float[]> target = CharLanguageModel.create(config, Precision.F32, 1);
        float[] before = target.namedParameters().get("embedding.weight").value().clone();
        FormatException e = assertThrows(FormatException.class, () -> StateDicts.load(target, file));
        assertEquals(file + ": expected values within the float32 range in tensor 'head.weight', found 1.0E300 at"
                + " [1, 2]; likely cause: float64 weights too large for a float32 model (load them as float64)",
                e.getMessage());
        assertArrayEquals(before, target.namedParameters().get("embedding.weight").value(), "nothing is changed");
        CharLanguageModel<double[]> wide = CharLanguageModel.create(config, Precision.F64, 1);
        StateDicts.load(wide, file);
        assertEquals(1e300, wide.namedParameters().get("head.weight").value()[6]);
    }

    @Test
    void nanOrInfinityIsNeverWrittenAndThePreviousCheckpointStays() throws IOException {
        Path run = tmp.resolve("guarded");
        Trainer<float[]> t = Trainer.create(small().steps(10).build(), Precision.F32, TinyCorpus.english(2000));
        t.step();
        t.save(run);
        List<String> before = snapshot(run);
        t.step();
        float[] bias = t.model().namedParameters().get("head.bias").value();
        bias[4] = Float.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.save(run));
        assertEquals(run + ": expected finite values in model tensor 'head.bias', found NaN at [4]; likely cause: the"
                + " training run diverged (a learning rate too high, no gradient clipping); nothing was written",
                e.getMessage());
        assertEquals(before, snapshot(run));
        Path file = tmp.resolve("weights.safetensors");
        e = assertThrows(IllegalArgumentException.class, () -> StateDicts.save(t.model(), file));
        assertTrue(e.getMessage().startsWith(file + ": expected finite values in model tensor 'head.bias'"),
                e.getMessage());
        assertFalse(Files.exists(file));
        assertThrows(IllegalArgumentException.class, () -> StateDicts.writer(t.model()));
        bias[4] = 0;

        // The optimizer's and the trainer's tensors are guarded too.
        Checkpoint.Contents<float[]> c = Checkpoint.load(run, Precision.F32);
        OptimizerState os = c.optimizer();
        List<OptimizerState.Entry> arrays = new ArrayList<>(os.arrays());
        OptimizerState.Entry first = arrays.get(0);
        double[] v = first.values();
        v[1] = Double.POSITIVE_INFINITY;
        arrays.set(0, new OptimizerState.Entry(first.name(), first.shape(), v));
        Checkpoint.Contents<float[]> badOptimizer = new Checkpoint.Contents<>(c.model(), c.vocabulary(), 7,
                new OptimizerState(os.optimizer(), os.steps(), arrays), c.state(), c.provenance(), c.training());
        e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(run, badOptimizer));
        assertTrue(e.getMessage().startsWith(run + ": expected finite values in optimizer state '" + first.name()
                + "', found Infinity at [0, 1]"), e.getMessage());
        Checkpoint.Contents<float[]> badState = new Checkpoint.Contents<>(c.model(), c.vocabulary(), 7, os,
                List.of(new Checkpoint.Tensor("history.train_loss", new int[] {2}, new double[] {1, Double.NaN})),
                c.provenance(), c.training());
        e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(run, badState));
        assertTrue(e.getMessage().startsWith(run + ": expected finite values in trainer tensor 'history.train_loss',"
                + " found NaN at [1]"), e.getMessage());
        assertEquals(before, snapshot(run));
        assertFalse(Files.exists(tmp.resolve("never")));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(tmp.resolve("never"), badState));
        assertFalse(Files.exists(tmp.resolve("never")), "not even the folder is created");
    }

}
