package dev.recur.checkpoint;

import static dev.recur.testing.FileFixtures.poke;
import static dev.recur.testing.FileFixtures.snapshot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.recur.charlm.CharModelRun;
import dev.recur.charlm.CharModelSettings;
import dev.recur.data.TextCorpus;
import dev.recur.data.Vocabulary;
import dev.recur.io.DType;
import dev.recur.io.FormatException;
import dev.recur.io.SafetensorsFile;
import dev.recur.io.SafetensorsWriter;
import dev.recur.io.TensorEntry;
import dev.recur.io.StateDicts;
import dev.recur.model.CharLanguageModel;
import dev.recur.model.Model;
import dev.recur.model.SequenceModel;
import dev.recur.model.SequenceModelConfig;
import dev.recur.nn.Parameter;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.optim.OptimizerState;
import dev.recur.tensor.Precision;
import dev.recur.train.TinyCorpus;
import dev.recur.train.TrainConfig;
import dev.recur.train.TrainingEvents;
import dev.recur.train.TrainingListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Checkpoint}, {@link ManifestFormat} (format version 2) and {@link StateDicts}: the layout
 * of a run folder, non-BMP vocabularies, checksums and sizes, every manifest field that restates
 * something checked against it, atomic saves, and files holding NaN or infinity.
 */
class CheckpointTest {

    private static final TextCorpus ENGLISH = TinyCorpus.english(2000);

    @TempDir
    Path tmp;

    private static CharModelSettings small(CellKind cell, long steps) {
        CharModelSettings.Builder b = CharModelSettings.builder().cell(cell).embeddingDim(8).hiddenSize(16).layers(2)
                .batch(4).seq(16);
        return b.train(b.train().toBuilder().steps(steps).evalEvery(0).checkpointEvery(0).threads(1).build()).build();
    }

    /** A character model trained 6 steps, its checkpoint in {@code tmp/name}. */
    private Path trainedRun(String name, CellKind cell, TextCorpus corpus) throws IOException {
        Path run = tmp.resolve(name);
        CharModelRun.start(small(cell, 6), Precision.F32, corpus).checkpointInto(run, Checkpoint.WriteHook.NONE)
                .trainer().train(TrainingListener.NONE);
        return run;
    }

    private static Path file(Path run, String role) throws IOException {
        return run.resolve(ManifestFormat.read(run).files().get(role).name());
    }

    @Test
    void charactersBeyondTheBmpRoundTripThroughVocabularyAndCheckpoint() throws IOException {
        TextCorpus corpus = TinyCorpus.beyondBmp(3000);
        Vocabulary vocabulary = corpus.vocabulary();
        assertTrue(vocabulary.contains(0x1F600) && vocabulary.contains(0x20000) && vocabulary.contains(0x1D538));
        Path run = trainedRun("bmp", CellKind.LSTM, corpus);

        Manifest m = ManifestFormat.read(run);
        assertEquals(vocabulary, m.preprocessing().vocabulary());
        String json = Files.readString(run.resolve(Manifest.FILE), StandardCharsets.UTF_8);
        assertTrue(json.contains("131072"), "U+20000 is stored as one code point");

        CharLanguageModel<float[]> loaded = CharModelRun.load(run, Precision.F32);
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
        Path run = trainedRun("layout", CellKind.LSTM, ENGLISH);
        Manifest m = ManifestFormat.read(run);
        assertEquals(2, m.formatVersion());
        assertEquals(6, m.step());
        assertEquals("float32", m.dtype());
        assertEquals("adam", m.optimizer());
        assertEquals("sequence_model", m.modelType());
        int v = ENGLISH.vocabulary().size();
        assertEquals(SequenceModelConfig.charLanguageModel(v, 8, CellKind.LSTM, 16, 2, 0), m.sequenceModel().orElseThrow());
        assertEquals(ENGLISH.vocabulary(), m.preprocessing().vocabulary());
        assertEquals(ENGLISH.sha256(), m.provenance().dataSha256());
        assertEquals("tiny-english.txt", m.provenance().dataSource());
        assertEquals(ENGLISH.length(), m.provenance().dataSize());
        assertEquals(small(CellKind.LSTM, 6).train(), RunWriter.savedConfig(m));
        assertEquals(List.of("model", "optimizer", "trainer"), List.copyOf(m.files().keySet()));
        for (Map.Entry<String, Manifest.FileRef> e : m.files().entrySet()) {
            Manifest.FileRef ref = e.getValue();
            assertEquals(e.getKey() + "-00000006.safetensors", ref.name());
            byte[] bytes = Files.readAllBytes(run.resolve(ref.name()));
            assertEquals(Checkpoint.sha256(bytes), ref.sha256());
            assertEquals(bytes.length, ref.bytes());
        }
        SafetensorsFile model = SafetensorsFile.read(file(run, "model"));
        assertEquals(Set.of("embedding.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0",
                "rnn.bias_hh_l0", "rnn.weight_ih_l1", "rnn.weight_hh_l1", "rnn.bias_ih_l1", "rnn.bias_hh_l1",
                "head.weight", "head.bias"), model.names());
        assertEquals(DType.F32, model.dtype("rnn.weight_ih_l0"));
        assertArrayEquals(new int[] {64, 8}, model.shape("rnn.weight_ih_l0"));
        assertEquals("pt", model.metadata("format"));

        SafetensorsFile optimizer = SafetensorsFile.read(file(run, "optimizer"));
        assertEquals("adam", optimizer.metadata("optimizer"));
        assertEquals("6", optimizer.metadata("steps"));
        assertArrayEquals(new int[] {v, 8}, optimizer.shape("embedding.weight.exp_avg_sq"));
        assertEquals(DType.F32, optimizer.dtype("embedding.weight.exp_avg_sq"));

        // the state carried into step 7, [L, B, H], and the histories: 6 losses, one validation (at the end)
        SafetensorsFile trainer = SafetensorsFile.read(file(run, "trainer"));
        assertEquals(Set.of("carry.h", "carry.c", "history.train_loss", "history.val_step", "history.val_loss"),
                trainer.names());
        assertArrayEquals(new int[] {2, 4, 16}, trainer.shape("carry.h"));
        assertArrayEquals(new int[] {2, 4, 16}, trainer.shape("carry.c"));
        assertArrayEquals(new int[] {6}, trainer.shape("history.train_loss"));
        assertArrayEquals(new double[] {6}, trainer.doubles("history.val_step"));
        assertEquals(DType.F64, trainer.dtype("carry.h"));

        String json = Files.readString(run.resolve(Manifest.FILE));
        assertTrue(json.contains("\"format_version\" : 2"), json);
        assertTrue(json.contains("\"step_count\" : 6"), json);
    }

    @Test
    void aChecksumMismatchIsReportedWithTheFileAndBothDigests() throws IOException {
        Path run = trainedRun("sum", CellKind.LSTM, ENGLISH);
        Path model = file(run, "model");
        Manifest.FileRef ref = ManifestFormat.read(run).files().get("model");
        byte[] bytes = Files.readAllBytes(model);
        bytes[bytes.length - 1] ^= 1;   // one flipped bit in a weight
        Files.write(model, bytes);
        FormatException e = assertThrows(FormatException.class, () -> Checkpoint.load(run, Precision.F32));
        assertEquals(model + ": expected SHA-256 " + ref.sha256() + " (" + ref.bytes() + " bytes, as recorded in "
                + "checkpoint.json), found SHA-256 " + Checkpoint.sha256(bytes) + " (" + bytes.length + " bytes); likely"
                + " cause: the file was modified or replaced after the checkpoint was written", e.getMessage());
        assertEquals(e.getMessage(), assertThrows(FormatException.class,
                () -> Checkpoint.loadModel(run, Precision.F32, false)).getMessage());
    }

    @Test
    void aTruncatedTensorFileOrManifestIsReported() throws IOException {
        Path run = trainedRun("trunc", CellKind.LSTM, ENGLISH);
        Path model = file(run, "model");
        byte[] bytes = Files.readAllBytes(model);
        Files.write(model, Arrays.copyOf(bytes, bytes.length / 2));
        FormatException e = assertThrows(FormatException.class, () -> Checkpoint.load(run, Precision.F32));
        assertTrue(e.getMessage().startsWith(model + ": expected SHA-256 "), e.getMessage());
        assertTrue(e.getMessage().endsWith("; likely cause: the file is truncated (an interrupted copy?)"),
                e.getMessage());

        Path json = run.resolve(Manifest.FILE);
        byte[] manifest = Files.readAllBytes(json);
        Files.write(json, Arrays.copyOf(manifest, manifest.length / 2));
        e = assertThrows(FormatException.class, () -> ManifestFormat.read(run));
        assertTrue(e.getMessage().startsWith(json + ": expected a recur checkpoint manifest (JSON), found invalid JSON"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("; likely cause: the file is truncated or was edited by hand"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        Files.write(json, new byte[0]);
        e = assertThrows(FormatException.class, () -> ManifestFormat.read(run));
        assertEquals(json + ": expected a recur checkpoint manifest (JSON), found an empty file; likely cause: the file"
                + " is truncated or was edited by hand", e.getMessage());
    }

    /** Applies {@code edit} to the manifest's JSON tree (the tensor files stay as they are). */
    private static void editManifest(Path run, Consumer<ObjectNode> edit) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Path file = run.resolve(Manifest.FILE);
        ObjectNode root = (ObjectNode) json.readTree(file.toFile());
        edit.accept(root);
        json.writeValue(file.toFile(), root);
    }

    private static ObjectNode at(ObjectNode root, String... path) {
        ObjectNode n = root;
        for (String key : path) {
            n = (ObjectNode) n.get(key);
        }
        return n;
    }

    /**
     * Every field of the manifest that restates something is checked against it: a hand edit that
     * makes one disagree is refused in one line naming the file, the field and both values, instead
     * of being ignored.
     */
    @Test
    void manifestFieldsThatDisagreeWithTheCheckpointAreRefused() throws IOException {
        Path run = trainedRun("fields", CellKind.LSTM, ENGLISH);
        Path json = run.resolve(Manifest.FILE);
        String original = Files.readString(json);
        Manifest read = ManifestFormat.read(run);
        Path modelFile = run.resolve(read.files().get("model").name());
        Path optimizerFile = run.resolve(read.files().get("optimizer").name());
        int v = ENGLISH.vocabulary().size();
        List<String> messages = new ArrayList<>();

        // model.type: the type the weights are built as
        editManifest(run, m -> at(m, "model").put("type", "foo"));
        FormatException e = assertThrows(FormatException.class, () -> Checkpoint.load(run, Precision.F32));
        assertTrue(e.getMessage().startsWith(json + ": expected a model type and configuration recur can build, found"
                + " model type: expected one of sequence_model"), e.getMessage());
        assertTrue(e.getMessage().endsWith(", found 'foo'; likely cause: a checkpoint of a custom model whose codec is"
                + " not registered"), e.getMessage());
        messages.add(e.getMessage());
        e = assertThrows(FormatException.class, () -> CharModelRun.load(run, Precision.F32));
        assertTrue(e.getMessage().startsWith(json + ": expected a model type and configuration recur can build"),
                e.getMessage());

        // model.config: its sizes against the model file's tensors
        Files.writeString(json, original);
        editManifest(run, m -> at(m, "model", "config").put("hidden_size", 8));
        e = assertThrows(FormatException.class, () -> Checkpoint.load(run, Precision.F32));
        assertTrue(e.getMessage().startsWith(modelFile + ": expected tensor 'rnn.weight_ih_l0' of shape [32, 8] ("),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("), found shape [64, 8]; likely cause: the file holds a model of another"
                + " architecture (cell, sizes or vocabulary)"), e.getMessage());
        messages.add(e.getMessage());

        // ... a configuration of far more weights than the file holds: refused before the model is built
        Files.writeString(json, original);
        editManifest(run, m -> at(m, "model", "config").put("num_layers", 1_000_000));
        e = assertThrows(FormatException.class, () -> Checkpoint.load(run, Precision.F32));
        assertTrue(e.getMessage().startsWith(json + ": expected a model.config whose model has the "), e.getMessage());
        assertTrue(e.getMessage().endsWith("; likely cause: model.config or the file was edited"), e.getMessage());
        messages.add(e.getMessage());

        // ... a layer the file has no weights for
        Files.writeString(json, original);
        editManifest(run, m -> at(m, "model", "config").put("layer_norm", true));
        e = assertThrows(FormatException.class, () -> Checkpoint.load(run, Precision.F32));
        assertTrue(e.getMessage().startsWith(modelFile + ": expected tensor 'norm.weight' ("), e.getMessage());
        assertTrue(e.getMessage().contains("), found no such tensor (nor 1 more); the file holds "), e.getMessage());
        messages.add(e.getMessage());
        // ... and a shape the weights cannot tell, which the character model's own check refuses
        Files.writeString(json, original);
        editManifest(run, m -> at(m, "model", "config").put("pooling", "mean"));
        e = assertThrows(FormatException.class, () -> CharModelRun.load(run, Precision.F32));
        assertEquals(json + ": expected a character language model, found character model: expected a model reading and"
                + " predicting the " + v + " characters of the vocabulary at every step, found " + v + " token ids in, "
                + v + " outputs per sequence; likely cause: the run holds another kind of model, or the file was edited"
                + " by hand", e.getMessage());

        // ... and its vocabulary size against the vocabulary's code points
        Files.writeString(json, original);
        editManifest(run, m -> at(m, "model", "config").put("vocab_size", v + 1));
        e = assertThrows(FormatException.class, () -> ManifestFormat.read(run));
        assertEquals(json + ": expected model.config.vocab_size = the number of vocabulary code points (" + v
                + "), found " + (v + 1) + "; likely cause: the file was edited by hand", e.getMessage());

        // ... which must be a configuration at all
        Files.writeString(json, original);
        editManifest(run, m -> at(m, "model", "config").put("outputs", 0));
        e = assertThrows(FormatException.class, () -> ManifestFormat.read(run));
        assertEquals(json + ": expected a valid model configuration, found outputs: expected >= 1, found 0; likely "
                + "cause: the file was edited by hand or written by another program", e.getMessage());

        // ... with the manifest's likely cause alone, not the one the check gives for a value set as an option
        Files.writeString(json, original);
        editManifest(run, m -> at(m, "model", "config").put("chrono_horizon", 5).put("bias", false));
        e = assertThrows(FormatException.class, () -> ManifestFormat.read(run));
        assertEquals(json + ": expected a valid model configuration, found chrono initialisation sets gate biases: "
                + "expected a recurrent stack with biases, found bias = false; likely cause: the file was edited by "
                + "hand or written by another program", e.getMessage());

        // model.dtype: against the tensors' dtype, whatever precision they are loaded in
        Files.writeString(json, original);
        editManifest(run, m -> at(m, "model").put("dtype", "float64"));
        for (Precision<?> p : List.of(Precision.F32, Precision.F64)) {
            e = assertThrows(FormatException.class, () -> Checkpoint.load(run, p));
            assertEquals(modelFile + ": expected F64 tensors (model.dtype \"float64\" in checkpoint.json), found tensor"
                    + " 'embedding.weight' of dtype F32; likely cause: the manifest or the file was edited by hand",
                    e.getMessage());
        }
        Files.writeString(json, original);
        editManifest(run, m -> at(m, "model").put("dtype", "float16"));
        e = assertThrows(FormatException.class, () -> ManifestFormat.read(run));
        assertEquals(json + ": expected model.dtype \"float32\", \"float64\", \"bf16\" or \"int8\", found \"float16\"; likely cause: the "
                + "file was edited by hand or written by another program", e.getMessage());

        // preprocessing.vocabulary.text: against its code points
        Files.writeString(json, original);
        editManifest(run, m -> at(m, "preprocessing", "vocabulary").put("text", "abc"));
        e = assertThrows(FormatException.class, () -> ManifestFormat.read(run));
        assertEquals(json + ": expected preprocessing.vocabulary.text to spell preprocessing.vocabulary.code_points ("
                + v + " characters), found a text of 3 characters that differs; likely cause: the file was edited by "
                + "hand", e.getMessage());

        // files.<role>.bytes: each file's size, even where its SHA-256 matches
        for (String role : List.of("model", "optimizer", "trainer")) {
            Manifest.FileRef ref = read.files().get(role);
            for (long edited : new long[]{ref.bytes() + 1, ref.bytes() - 1}) {
                Files.writeString(json, original);
                editManifest(run, m -> at(m, "files", role).put("bytes", edited));
                e = assertThrows(FormatException.class, () -> Checkpoint.load(run, Precision.F32));
                assertEquals(json + ": expected files." + role + ".bytes = the size of " + ref.name() + " ("
                        + ref.bytes() + "), found " + edited + "; likely cause: the file was edited by hand",
                        e.getMessage());
            }
        }
        // files.<role>.name: of the form the role gives
        Files.writeString(json, original);
        editManifest(run, m -> at(m, "files", "trainer").put("name", "model-00000006.safetensors"));
        e = assertThrows(FormatException.class, () -> ManifestFormat.read(run));
        assertEquals(json + ": expected files.trainer.name of the form trainer-<step>.safetensors, found "
                + "\"model-00000006.safetensors\"; likely cause: the file was edited by hand", e.getMessage());

        // optimizer.name: against the optimizer file's metadata
        Files.writeString(json, original);
        editManifest(run, m -> at(m, "optimizer").put("name", "sgd"));
        e = assertThrows(FormatException.class, () -> Checkpoint.load(run, Precision.F32));
        assertEquals(optimizerFile + ": expected metadata 'optimizer' \"sgd\", as optimizer.name in checkpoint.json,"
                + " found \"adam\"; likely cause: the manifest or the file was edited by hand", e.getMessage());

        // format and format_version
        Files.writeString(json, original);
        editManifest(run, m -> m.put("format_version", 3));
        e = assertThrows(FormatException.class, () -> ManifestFormat.read(run));
        assertEquals(json + ": expected format_version <= 2, found 3; likely cause: the checkpoint was written by a "
                + "newer recur; upgrade recur", e.getMessage());
        Files.writeString(json, original);
        editManifest(run, m -> m.put("format", "safetensors"));
        e = assertThrows(FormatException.class, () -> ManifestFormat.read(run));
        assertEquals(json + ": expected format \"recur-checkpoint\", found \"safetensors\"; likely cause: the file is"
                + " not a recur checkpoint manifest", e.getMessage());
        Files.writeString(json, original);
        editManifest(run, m -> m.remove("files"));
        e = assertThrows(FormatException.class, () -> ManifestFormat.read(run));
        assertEquals(json + ": expected the field files, found no such field; likely cause: the file is truncated, was"
                + " edited by hand, or is not a recur checkpoint manifest", e.getMessage());

        for (String message : messages) {
            assertFalse(message.contains("\n"), message);
            assertEquals(1, message.split("likely cause", -1).length - 1, message);
        }
        Files.writeString(json, original);
        Checkpoint.load(run, Precision.F32);   // the untouched manifest still loads
    }

    /**
     * The training section restates the trainer's state: a step, a data position or a count of
     * skipped steps that disagrees with the files is refused on resume, in one line.
     */
    @Test
    void aTrainingSectionThatDisagreesWithTheFilesIsRefusedOnResume() throws IOException {
        Path run = trainedRun("training", CellKind.LSTM, ENGLISH);
        Path json = run.resolve(Manifest.FILE);
        String original = Files.readString(json);
        String refused = json + ": expected a consistent training state, found ";
        String cause = "; likely cause: the files of the checkpoint do not belong together (edited or mixed up)";

        editManifest(run, m -> at(m, "training", "position").put("step", 7));
        FormatException e = assertThrows(FormatException.class, () -> resume(run));
        assertEquals(refused + "training.position.step 7 differs from step 6" + cause, e.getMessage());

        Files.writeString(json, original);
        editManifest(run, m -> at(m, "training", "position").put("index", 9));
        e = assertThrows(FormatException.class, () -> resume(run));
        assertTrue(e.getMessage().startsWith(refused + "training.position (epoch 0, index 9) does not match step 6 for"
                + " this data ("), e.getMessage());
        assertTrue(e.getMessage().endsWith(cause), e.getMessage());

        Files.writeString(json, original);
        editManifest(run, m -> at(m, "training").put("skipped", 1));
        e = assertThrows(FormatException.class, () -> resume(run));
        assertEquals(refused + "the loss history has 0 NaN entries for 1 skipped steps" + cause, e.getMessage());

        Files.writeString(json, original);
        // the data section: the character model's settings, with the manifest's likely cause alone
        editManifest(run, m -> at(m, "training", "data").put("batch", 0));
        e = assertThrows(FormatException.class, () -> resume(run));
        assertEquals(json + ": expected valid character model settings, found batch: expected a positive integer, "
                + "found 0; likely cause: the file was edited by hand", e.getMessage());
        Files.writeString(json, original);
        editManifest(run, m -> at(m, "training", "data").put("seq", 1 << 30).put("batch", 1 << 20));
        e = assertThrows(FormatException.class, () -> resume(run));
        assertTrue(e.getMessage().startsWith(json + ": expected valid character model settings, found batch and seq: "
                + "expected a size whose tensors fit in a Java array"), e.getMessage());
        assertTrue(e.getMessage().endsWith(" elements; likely cause: the file was edited by hand"), e.getMessage());
        Files.writeString(json, original);
        editManifest(run, m -> at(m, "training", "data").put("kind", "examples"));
        e = assertThrows(FormatException.class, () -> resume(run));
        assertEquals(json + ": expected training.data.kind \"text_streams\" (a character model's text streams), found "
                + "\"examples\"; likely cause: the run was trained by another command", e.getMessage());

        Files.writeString(json, original);
        assertEquals(6, resume(run).trainer().stepCount());
    }

    private static CharModelRun<float[]> resume(Path run) throws IOException {
        return CharModelRun.resume(run, TrainConfig.Changes.NONE, Precision.F32, ENGLISH, Checkpoint.WriteHook.NONE);
    }

    @Test
    void weightsOfAnotherArchitectureAreRefusedNamingTheTensorAndShapes() throws IOException {
        Path lstm = trainedRun("lstm", CellKind.LSTM, ENGLISH);
        Path gru = trainedRun("gru", CellKind.GRU, ENGLISH);
        // A mixed-up folder: the GRU's weights under the LSTM's manifest, checksum and size made to match.
        Path target = file(lstm, "model");
        byte[] gruBytes = Files.readAllBytes(file(gru, "model"));
        Files.write(target, gruBytes);
        Path json = lstm.resolve(Manifest.FILE);
        Manifest.FileRef ref = ManifestFormat.read(lstm).files().get("model");
        Files.writeString(json, Files.readString(json).replace(ref.sha256(), Checkpoint.sha256(gruBytes))
                .replace("\"bytes\" : " + ref.bytes(), "\"bytes\" : " + gruBytes.length));
        FormatException e = assertThrows(FormatException.class, () -> Checkpoint.load(lstm, Precision.F32));
        assertTrue(e.getMessage().startsWith(target + ": expected tensor 'rnn.weight_ih_l0' of shape [64, 8] ("),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("), found shape [48, 8]; likely cause: the file holds a model of another"
                + " architecture (cell, sizes or vocabulary)"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    /** An optimizer file whose step count is negative: refused naming the file (its checksum made to match). */
    @Test
    void aNegativeOptimizerStepCountIsRefusedNamingTheFile() throws IOException {
        Path run = trainedRun("negsteps", CellKind.LSTM, ENGLISH);
        Path target = file(run, "optimizer");
        SafetensorsFile of = SafetensorsFile.read(target);
        SafetensorsWriter w = new SafetensorsWriter().metadata("optimizer", of.metadata().get("optimizer"))
                .metadata("steps", "-5");
        for (TensorEntry t : of.entries()) {
            w.put(t.name(), of.doubles(t.name()), t.shape());
        }
        byte[] bytes = w.toBytes();
        Manifest.FileRef ref = ManifestFormat.read(run).files().get("optimizer");
        Files.write(target, bytes);
        Path json = run.resolve(Manifest.FILE);
        Files.writeString(json, Files.readString(json).replace(ref.sha256(), Checkpoint.sha256(bytes))
                .replace("\"bytes\" : " + ref.bytes(), "\"bytes\" : " + bytes.length));
        FormatException e = assertThrows(FormatException.class, () -> Checkpoint.load(run, Precision.F32));
        assertEquals(target + ": expected metadata 'steps' holding the optimizer's step count (>= 0), found \"-5\"; "
                + "likely cause: the file was edited by hand", e.getMessage());
    }

    private static SequenceModelConfig gru(int layers) {
        return SequenceModelConfig.charLanguageModel(5, 3, CellKind.GRU, 4, layers, 0);
    }

    @Test
    void aPyTorchStyleStateDictInFloat64LoadsIntoAFloat32Model() throws IOException {
        SequenceModel<double[]> source = SequenceModel.create(gru(1), Precision.F64, 9);
        SafetensorsWriter w = new SafetensorsWriter();
        for (Map.Entry<String, Parameter<double[]>> e : source.namedParameters().entrySet()) {
            w.put(e.getKey(), e.getValue().value(), e.getValue().shape());
        }
        Path file = tmp.resolve("torch.safetensors");
        w.metadata("format", "pt").write(file);

        SequenceModel<float[]> target = SequenceModel.create(gru(1), Precision.F32, 1);
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
        SequenceModel<float[]> copy = SequenceModel.create(gru(1), Precision.F32, 2);
        StateDicts.load(copy, again);
        for (String name : target.namedParameters().keySet()) {
            assertArrayEquals(target.namedParameters().get(name).value(), copy.namedParameters().get(name).value(),
                    name);
        }

        // One layer more: a tensor is missing.
        Model<float[]> deeper = SequenceModel.create(gru(2), Precision.F32, 1);
        FormatException e = assertThrows(FormatException.class, () -> StateDicts.load(deeper, file));
        assertTrue(e.getMessage().startsWith(file + ": expected tensor 'rnn.weight_ih_l1' ("), e.getMessage());
        assertTrue(e.getMessage().contains("), found no such tensor (nor 3 more); the file holds "), e.getMessage());
    }

    @Test
    void aSaveInterruptedBeforeTheCommitLeavesThePreviousCheckpointValid() throws IOException {
        Path run = tmp.resolve("interrupted");
        CharModelSettings s = small(CellKind.LSTM, 10);
        CharModelSettings every3 = s.toBuilder().train(s.train().toBuilder().checkpointEvery(3).build()).build();
        IOException killed = new IOException("killed");
        String[] before = new String[1];
        CharModelRun<float[]> r = CharModelRun.start(every3, Precision.F32, ENGLISH).checkpointInto(run,
                (dir, step) -> {
                    if (step == 6) {
                        assertTrue(Files.exists(dir.resolve("model-00000006.safetensors")),
                                "new files written before the commit");
                        before[0] = Files.readString(dir.resolve(Manifest.FILE));
                        throw killed;
                    }
                });
        IOException e = assertThrows(IOException.class, () -> r.trainer().train(TrainingListener.NONE));
        assertEquals(killed, e);
        assertEquals(before[0], Files.readString(run.resolve(Manifest.FILE)));
        assertEquals(3, Checkpoint.load(run, Precision.F32).manifest().step());
        assertTrue(Files.exists(run.resolve("trainer-00000006.safetensors")), "the interrupted save's orphans");

        // The next save removes the orphans of the interrupted one.
        CharModelRun<float[]> again = CharModelRun.resume(run, new TrainConfig.Changes(8L, null, null, null, 8, null),
                Precision.F32, ENGLISH, Checkpoint.WriteHook.NONE);
        again.trainer().train(TrainingListener.NONE);
        try (var files = Files.list(run)) {
            assertEquals(List.of("checkpoint.json", "model-00000008.safetensors", "optimizer-00000008.safetensors",
                    "trainer-00000008.safetensors"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals(8, Checkpoint.load(run, Precision.F32).manifest().step());
    }

    /**
     * A save that fails to write a file (as on a full disk) removes the files it wrote, names the file
     * and says that the previous checkpoint is kept.
     */
    @Test
    void aSaveThatCannotWriteAFileRemovesItsFilesAndKeepsThePreviousCheckpoint() throws IOException {
        Path run = tmp.resolve("cannot-write");
        CharModelSettings s = small(CellKind.LSTM, 6);
        CharModelSettings every3 = s.toBuilder().train(s.train().toBuilder().checkpointEvery(3).build()).build();
        CharModelRun<float[]> r = CharModelRun.start(every3, Precision.F32, ENGLISH).checkpointInto(run,
                Checkpoint.WriteHook.NONE);
        Path blocker = run.resolve("optimizer-00000006.safetensors");
        TrainingListener block = new TrainingListener() {
            @Override
            public void onCheckpoint(TrainingEvents.Saved event) {
                try {
                    Files.createDirectories(blocker);   // the next save cannot write its optimizer file
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        FileSystemException e = assertThrows(FileSystemException.class, () -> r.trainer().train(block));
        assertEquals(blocker.toString(), e.getFile());
        assertTrue(e.getReason().startsWith("expected to write the checkpoint of step 6, found: expected a regular "
                + "file to write (or no file), found a folder"), e.getReason());
        assertTrue(e.getReason().contains("; the previous checkpoint (step 3) is kept and the new files were removed;"
                + " likely cause: a full disk"), e.getReason());
        assertFalse(Files.exists(run.resolve("model-00000006.safetensors")), "the new model file was removed");
        assertEquals(3, Checkpoint.load(run, Precision.F32).manifest().step());
    }

    /** A run folder deleted during training is not made again by the next checkpoint. */
    @Test
    void aRunFolderDeletedDuringTrainingIsNotRecreated() throws IOException {
        Path run = tmp.resolve("deleted");
        CharModelSettings s = small(CellKind.LSTM, 6);
        CharModelSettings every3 = s.toBuilder().train(s.train().toBuilder().checkpointEvery(3).build()).build();
        CharModelRun<float[]> r = CharModelRun.start(every3, Precision.F32, ENGLISH).checkpointInto(run,
                Checkpoint.WriteHook.NONE);
        TrainingListener delete = new TrainingListener() {
            @Override
            public void onCheckpoint(TrainingEvents.Saved event) {
                try (var files = Files.walk(run)) {
                    for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> r.trainer().train(delete));
        assertEquals(run.toString(), e.getFile());
        assertTrue(e.getReason().contains("deleted or moved during training"), e.getReason());
        assertFalse(Files.exists(run));
    }

    @Test
    void aMissingTensorFileAndAFolderWithoutCheckpointAreReported() throws IOException {
        Path run = trainedRun("missing", CellKind.LSTM, ENGLISH);
        Path trainer = file(run, "trainer");
        Files.delete(trainer);
        FormatException e = assertThrows(FormatException.class, () -> Checkpoint.load(run, Precision.F32));
        assertEquals(trainer + ": expected the file named by checkpoint.json, found no such file; likely cause: files of"
                + " the run were deleted, or the folder was copied incompletely", e.getMessage());
        // the model alone still loads: loadModel reads the manifest and the model file only
        assertEquals(6, Checkpoint.loadModel(run, Precision.F32, false).manifest().step());
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        NoSuchFileException none = assertThrows(NoSuchFileException.class, () -> ManifestFormat.read(empty));
        assertEquals(empty.resolve(Manifest.FILE).toString(), none.getFile());
    }

    @Test
    void aModelWithoutEarlyStoppingHasNoBestModel() throws IOException {
        Path run = trainedRun("nobest", CellKind.LSTM, ENGLISH);
        FormatException e = assertThrows(FormatException.class, () -> Checkpoint.loadModel(run, Precision.F32, true));
        assertEquals(run.resolve(Manifest.FILE) + ": expected files.best (the best model kept by early stopping), found"
                + " no such entry; likely cause: the run was trained without early stopping, or has not validated yet",
                e.getMessage());
    }

    /** A run started now, trained one step and saved into {@code dir}. */
    private static Path oneStep(CharModelRun<float[]> r, Path dir) throws IOException {
        r.checkpointInto(dir, Checkpoint.WriteHook.NONE).trainer().train(TrainingListener.NONE);
        return dir;
    }

    @Test
    void theLatestRunIsTheOneStartedLast() throws IOException, InterruptedException {
        Path runs = Files.createDirectory(tmp.resolve("runs"));
        assertTrue(Checkpoint.latestRun(runs).isEmpty());
        CharModelRun<float[]> older = CharModelRun.start(small(CellKind.LSTM, 1), Precision.F32, ENGLISH);
        Thread.sleep(20);   // run start times have a resolution of a millisecond
        CharModelRun<float[]> newer = CharModelRun.start(small(CellKind.LSTM, 1), Precision.F32, ENGLISH);
        oneStep(newer, runs.resolve("a-newer"));
        oneStep(older, runs.resolve("b-older"));
        Files.createDirectory(runs.resolve("c-killed-before-its-first-checkpoint"));
        assertEquals(runs.resolve("a-newer"), Checkpoint.latestRun(runs).orElseThrow());
        assertFalse(Checkpoint.latestRun(tmp.resolve("nothing-here")).isPresent());
    }

    @Test
    void aBrokenManifestAmongTheRunsIsAnErrorNotAnOlderRun() throws IOException, InterruptedException {
        // An unreadable checkpoint.json must not count as the oldest run: a command would silently
        // take (and train --resume overwrite) an older run than the one the user last trained.
        Path runs = Files.createDirectory(tmp.resolve("runs"));
        CharModelRun<float[]> older = CharModelRun.start(small(CellKind.LSTM, 1), Precision.F32, ENGLISH);
        Thread.sleep(20);
        CharModelRun<float[]> newer = CharModelRun.start(small(CellKind.LSTM, 1), Precision.F32, ENGLISH);
        oneStep(older, runs.resolve("a-older"));
        Path newerRun = oneStep(newer, runs.resolve("b-newer"));
        Path json = newerRun.resolve(Manifest.FILE);
        String manifest = Files.readString(json);
        String started = ManifestFormat.read(newerRun).provenance().runStarted();

        Files.writeString(json, "{}", StandardOpenOption.APPEND);
        // the manifest's own error, naming it (the command line adds how to name a run instead)
        FormatException e = assertThrows(FormatException.class, () -> Checkpoint.latestRun(runs));
        assertEquals(json, e.file());
        assertTrue(e.getMessage().startsWith(json + ": expected a recur checkpoint manifest (JSON), found invalid"
                + " JSON"), e.getMessage());
        assertTrue(e.getMessage().endsWith("; likely cause: the file is truncated or was edited by hand"),
                e.getMessage());

        // Valid JSON, but a start time that is not one: refused by read, as by latestRun
        Files.writeString(json, manifest.replace(started, "yesterday"));
        String notATime = json + ": expected provenance.run_started to be an ISO-8601 UTC time, found \"yesterday\"; "
                + "likely cause: the file was edited by hand";
        assertEquals(notATime, assertThrows(FormatException.class, () -> Checkpoint.latestRun(runs)).getMessage());
        assertEquals(notATime, assertThrows(FormatException.class, () -> ManifestFormat.read(newerRun)).getMessage());

        // Repaired, the newer run is the latest again; an empty folder is still skipped.
        Files.writeString(json, manifest);
        Files.createDirectory(runs.resolve("c-killed-before-its-first-checkpoint"));
        assertEquals(newerRun, Checkpoint.latestRun(runs).orElseThrow());
    }

    /** A copy of a run folder. */
    private Path copyOf(Path run, String name) throws IOException {
        Path to = Files.createDirectory(tmp.resolve(name));
        try (var files = Files.list(run)) {
            for (Path p : files.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
        return to;
    }

    @Test
    void nanOrInfinityInAnyFileOfACheckpointIsRefusedNamingTheFileTensorAndElement() throws IOException {
        Path good = trainedRun("finite", CellKind.LSTM, ENGLISH);
        Object[][] cases = {
            {"model", "rnn.weight_hh_l1", 17, Double.NaN, "NaN at [1, 1]"},
            {"model", "head.bias", 2, Double.NEGATIVE_INFINITY, "-Infinity at [2]"},
            {"optimizer", "embedding.weight.exp_avg_sq", 9, Double.POSITIVE_INFINITY, "Infinity at [1, 1]"},
            {"trainer", "carry.h", 21, Double.NaN, "NaN at [0, 1, 5]"},
            {"trainer", "history.train_loss", 3, Double.POSITIVE_INFINITY, "Infinity at [3]"},
            {"trainer", "history.val_loss", 0, Double.NaN, "NaN at [0]"},
        };
        for (Object[] c : cases) {
            Path run = copyOf(good, "nan-" + c[0] + "-" + c[1]);
            poke(run, (String) c[0], (String) c[1], (Integer) c[2], (Double) c[3]);
            Path file = file(run, (String) c[0]);
            FormatException e = assertThrows(FormatException.class, () -> Checkpoint.load(run, Precision.F32));
            assertEquals(file + ": expected finite values in tensor '" + c[1] + "', found " + c[4] + "; likely cause:"
                    + " the file is corrupt or was edited by hand, or it was saved from a diverged training run by an"
                    + " older version of recur", e.getMessage());
        }
        Checkpoint.load(good, Precision.F32);
    }

    /** A validation step outside the run (1e300, or negative and fractional) is refused on resume. */
    @Test
    void aValidationStepOutsideTheRunIsRefused() throws IOException {
        Path trained = trainedRun("valstep", CellKind.LSTM, ENGLISH);
        for (double bad : new double[] {1e300, -5.5}) {
            Path run = copyOf(trained, "valstep-" + (bad > 0 ? "huge" : "negative"));
            poke(run, "trainer", "history.val_step", 0, bad);
            FormatException e = assertThrows(FormatException.class, () -> resume(run));
            assertTrue(e.getMessage().startsWith(run.resolve(Manifest.FILE) + ": expected a consistent training "
                    + "state, found history.val_step[0] = " + bad + ": expected a step count of this run (1..6)"),
                    e.getMessage());
        }
    }

    @Test
    void aNanInTheLossHistoryIsASkippedStepAndMustBeCountedAsOne() throws IOException {
        // NaN marks a skipped step in history.train_loss: it loads, but a run that skipped none refuses it
        Path run = copyOf(trainedRun("skips", CellKind.LSTM, ENGLISH), "nan-loss");
        poke(run, "trainer", "history.train_loss", 3, Double.NaN);
        Checkpoint.Restored<float[]> c = Checkpoint.load(run, Precision.F32);
        assertTrue(Double.isNaN(c.trainerTensors().get("history.train_loss").values()[3]));
        FormatException e = assertThrows(FormatException.class, () -> resume(run));
        assertEquals(run.resolve(Manifest.FILE) + ": expected a consistent training state, found the loss history has 1"
                + " NaN entries for 0 skipped steps; likely cause: the files of the checkpoint do not belong together"
                + " (edited or mixed up)", e.getMessage());
    }

    @Test
    void float64WeightsBeyondTheFloat32RangeAreRefusedWhenLoadedAsFloat32() throws IOException {
        SequenceModel<double[]> source = SequenceModel.create(gru(1), Precision.F64, 9);
        source.namedParameters().get("head.weight").value()[6] = 1e300;
        Path file = tmp.resolve("huge.safetensors");
        StateDicts.save(source, file);
        SequenceModel<float[]> target = SequenceModel.create(gru(1), Precision.F32, 1);
        float[] before = target.namedParameters().get("embedding.weight").value().clone();
        FormatException e = assertThrows(FormatException.class, () -> StateDicts.load(target, file));
        assertEquals(file + ": expected values within the float32 range in tensor 'head.weight', found 1.0E300 at"
                + " [1, 2]; likely cause: float64 weights too large for a float32 model (load them as float64)",
                e.getMessage());
        assertArrayEquals(before, target.namedParameters().get("embedding.weight").value(), "nothing is changed");
        SequenceModel<double[]> wide = SequenceModel.create(gru(1), Precision.F64, 1);
        StateDicts.load(wide, file);
        assertEquals(1e300, wide.namedParameters().get("head.weight").value()[6]);
    }

    @Test
    void nanOrInfinityIsNeverWrittenAndThePreviousCheckpointStays() throws IOException {
        Path run = trainedRun("guarded", CellKind.LSTM, ENGLISH);
        List<String> before = snapshot(run);
        Checkpoint.Restored<float[]> c = Checkpoint.load(run, Precision.F32);
        Manifest m = c.manifest();
        List<Checkpoint.Tensor> tensors = List.copyOf(c.trainerTensors().values());

        float[] bias = c.model().namedParameters().get("head.bias").value();
        bias[4] = Float.NaN;
        Checkpoint.Contents<float[]> nanModel = new Checkpoint.Contents<>(c.model(), m.preprocessing(), m.provenance(),
                7, c.optimizer(), tensors, m.training(), null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.save(run, nanModel, Checkpoint.WriteHook.NONE));
        assertEquals(run + ": expected finite values in model tensor 'head.bias', found NaN at [4]; likely cause: the"
                + " training run diverged (a learning rate too high, no gradient clipping); nothing was written",
                e.getMessage());
        assertEquals(before, snapshot(run));
        Path file = tmp.resolve("weights.safetensors");
        e = assertThrows(IllegalArgumentException.class, () -> StateDicts.save(c.model(), file));
        assertTrue(e.getMessage().startsWith(file + ": expected finite values in model tensor 'head.bias'"),
                e.getMessage());
        assertFalse(Files.exists(file));
        assertThrows(IllegalArgumentException.class, () -> StateDicts.writer(c.model()));
        e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.saveBest(run, c.model(), 7));
        assertTrue(e.getMessage().startsWith(run + ": expected finite values in model tensor 'head.bias'"),
                e.getMessage());
        assertEquals(before, snapshot(run));
        bias[4] = 0;

        // The optimizer's and the trainer's tensors are guarded too.
        OptimizerState os = c.optimizer();
        List<OptimizerState.Entry> arrays = new ArrayList<>(os.arrays());
        OptimizerState.Entry first = arrays.get(0);
        double[] v = first.values();
        v[1] = Double.POSITIVE_INFINITY;
        arrays.set(0, new OptimizerState.Entry(first.name(), first.shape(), v));
        Checkpoint.Contents<float[]> badOptimizer = new Checkpoint.Contents<>(c.model(), m.preprocessing(),
                m.provenance(), 7, new OptimizerState(os.optimizer(), os.steps(), arrays), tensors, m.training(), null);
        e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.save(run, badOptimizer, Checkpoint.WriteHook.NONE));
        assertEquals(run + ": expected finite values in optimizer state '" + first.name() + "', found Infinity at "
                + "[0, 1]; likely cause: the training run diverged (a learning rate too high, no gradient clipping); "
                + "nothing was written", e.getMessage());
        // NaN in the loss history marks a skipped step; infinity never does, nor NaN elsewhere
        for (Checkpoint.Tensor bad : List.of(
                new Checkpoint.Tensor("history.train_loss", new int[] {2}, new double[] {1, Double.POSITIVE_INFINITY}),
                new Checkpoint.Tensor("history.val_loss", new int[] {2}, new double[] {1, Double.NaN}))) {
            Checkpoint.Contents<float[]> badState = new Checkpoint.Contents<>(c.model(), m.preprocessing(),
                    m.provenance(), 7, os, List.of(bad), m.training(), null);
            e = assertThrows(IllegalArgumentException.class,
                    () -> Checkpoint.save(run, badState, Checkpoint.WriteHook.NONE));
            assertEquals(run + ": expected finite values in trainer tensor '" + bad.name() + "', found "
                    + bad.values()[1] + " at [1]; likely cause: the training run diverged (a learning rate too high, no"
                    + " gradient clipping); nothing was written", e.getMessage());
            assertFalse(Files.exists(tmp.resolve("never")));
            assertThrows(IllegalArgumentException.class,
                    () -> Checkpoint.save(tmp.resolve("never"), badState, Checkpoint.WriteHook.NONE));
            assertFalse(Files.exists(tmp.resolve("never")), "not even the folder is created");
        }
        assertEquals(before, snapshot(run));
    }
}
