package dev.recur.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.recur.charlm.CharModelRun;
import dev.recur.data.TextCorpus;
import dev.recur.data.Vocabulary;
import dev.recur.io.FormatException;
import dev.recur.model.CharLanguageModel;
import dev.recur.model.EvalResult;
import dev.recur.model.SequenceModelConfig;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.optim.AdamConfig;
import dev.recur.optim.SgdConfig;
import dev.recur.tensor.Precision;
import dev.recur.train.OptimizerChoice;
import dev.recur.train.ScheduleConfig;
import dev.recur.train.TrainConfig;
import dev.recur.train.TrainingEvents;
import dev.recur.train.TrainingListener;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run folders of manifest format version 1, written by the previous version of recur (commit
 * 8f2d830; {@code src/test/resources/compat/v1/README.md} says how): they are read into the one
 * in-memory form, their models load and predict as they did, and a resumed run writes tensor files
 * byte-identical to those the previous version wrote when it resumed the same runs.
 */
class FormatV1Test {

    /** The SHA-256 of {@code corpus.txt}, as both manifests record it. */
    private static final String CORPUS_SHA256 = "b69479ceed46694a9a6df3f268028f2a0809056b152fa07d21ecef8b0baae047";

    @TempDir
    Path tmp;

    private static Path fixtures() {
        try {
            return Path.of(FormatV1Test.class.getResource("/compat/v1/README.md").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TextCorpus corpus() throws IOException {
        return TextCorpus.load(fixtures().resolve("corpus.txt"));
    }

    /** A copy of a fixture run folder in a new folder under the temporary folder, to resume or edit. */
    private Path copy(String run) throws IOException {
        Path to = Files.createDirectories(Files.createTempDirectory(tmp, "copy").resolve(run));
        try (var files = Files.list(fixtures().resolve(run))) {
            for (Path p : files.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
        return to;
    }

    private static String sha256(Path file) throws IOException {
        return Checkpoint.sha256(Files.readAllBytes(file));
    }

    @Test
    void theFixturesAreThoseTheReadmeDescribes() throws IOException {
        assertEquals(CORPUS_SHA256, corpus().sha256());
        assertEquals(6000, corpus().length());
        // written by the previous version, as found (a changed fixture would void every test here)
        assertEquals("58d9082277f24302ebefc091d2789e65349a5eeca4f3f48fabff783da3d1d1e4",
                sha256(fixtures().resolve("lstm-v1/model-00000006.safetensors")));
        assertEquals("d8fed32a69a7a432ba960b63ef9cc03d897ab971a4971bb7723fcb6ae10cc65c",
                sha256(fixtures().resolve("gru-v1/model-00000005.safetensors")));
    }

    @Test
    void anLstmManifestOfVersion1IsReadIntoTheGenericForm() throws IOException {
        Manifest m = ManifestFormat.read(fixtures().resolve("lstm-v1"));
        assertEquals(1, m.formatVersion());
        assertEquals(6, m.step());
        assertEquals("2026-12-07T00:22:05.273Z", m.saved());
        assertEquals("sequence_model", m.modelType());
        assertEquals("float32", m.dtype());
        // --cell lstm --layers 2 --hidden 8 --embedding 4 --dropout 0.1 over the corpus's 55 characters
        assertEquals(SequenceModelConfig.charLanguageModel(55, 4, CellKind.LSTM, 8, 2, 0.1),
                m.sequenceModel().orElseThrow());
        assertEquals(SequenceModelConfig.charLanguageModel(55, 4, CellKind.LSTM, 8, 2, 0.1).toMap(), m.modelConfig());
        checkVocabulary(m);
        assertEquals("adam", m.optimizer());
        assertProvenance(m, "2026-12-07T00:22:04.586Z");

        // the command's settings, and recur train's defaults for the others (Adam at 0.002, clip 5, seed 1)
        TrainConfig expected = TrainConfig.builder()
                .optimizer(new OptimizerChoice.AdamChoice(AdamConfig.adam().lr(0.002).build())).clipNorm(5)
                .schedule(ScheduleConfig.constant()).steps(6).epochs(0).timeBudgetSeconds(0).evalEvery(3)
                .checkpointEvery(3).metrics(List.of()).earlyStopping(null).seed(1).threads(0).build();
        assertEquals(expected, RunWriter.savedConfig(m));
        assertEquals(CharLanguageModel.LOSS, RunWriter.savedLoss(m));
        assertData(m, 3, 10);
        // 6 steps of 3 streams x 10 characters, all in the first epoch (5400 / 3 = 1800 steps a stream)
        assertEquals(Map.of("step", 6, "epoch", 0, "index", 6, "tokens", 180), m.trainingSection("position").map());
        // one dropout pass a step, counted by each dropout of the model: embeddings, between layers, before the head
        Map<String, ?> rng = m.trainingSection("rng").map();
        assertEquals(1, ((Number) rng.get("seed")).intValue());
        assertEquals(Map.of("rnn", 6, "input_dropout", 6, "output_dropout", 6),
                new TreeMap<>((Map<?, ?>) rng.get("random_state")));
        assertEquals(0L, ((Number) m.training().get("skipped")).longValue());
        Map<?, ?> last = (Map<?, ?>) m.training().get("last_validation");
        assertEquals(6, ((Number) last.get("step")).intValue());
        assertEquals(4.009747103430717, ((Number) last.get("loss")).doubleValue());

        assertEquals(List.of("model", "optimizer", "trainer"), List.copyOf(m.files().keySet()));
        assertEquals(new Manifest.FileRef("model-00000006.safetensors",
                "58d9082277f24302ebefc091d2789e65349a5eeca4f3f48fabff783da3d1d1e4", 7812), m.files().get("model"));
        assertEquals(new Manifest.FileRef("optimizer-00000006.safetensors",
                "cc4ba68136d90fa715d6e414b08db91ce1439f7e727d9ac5c561613a70a79596", 15816), m.files().get("optimizer"));
        assertEquals(new Manifest.FileRef("trainer-00000006.safetensors",
                "fa3e235ae3a18e77515e82cb58a0bc803c7cae05443eb795c48270a5c3d12666", 1208), m.files().get("trainer"));
    }

    @Test
    void aGruManifestOfVersion1IsReadIntoTheGenericForm() throws IOException {
        Manifest m = ManifestFormat.read(fixtures().resolve("gru-v1"));
        assertEquals(1, m.formatVersion());
        assertEquals(5, m.step());
        assertEquals("float64", m.dtype());
        assertEquals(SequenceModelConfig.charLanguageModel(55, 5, CellKind.GRU, 6, 1, 0.0),
                m.sequenceModel().orElseThrow());
        checkVocabulary(m);
        assertEquals("sgd", m.optimizer());
        assertProvenance(m, "2026-12-07T00:22:05.712Z");

        // --optimizer sgd --lr 0.3 --momentum 0.9 --schedule cosine --warmup 2 --steps 5: the cosine
        // decays over the 3 steps after the warm-up; checkpoints every 200 steps, recur train's default
        TrainConfig expected = TrainConfig.builder()
                .optimizer(new OptimizerChoice.SgdChoice(SgdConfig.builder(0.3).momentum(0.9).build())).clipNorm(5)
                .schedule(new ScheduleConfig(ScheduleConfig.Kind.COSINE, 2, 0, 3, 0, 1)).steps(5).evalEvery(5)
                .checkpointEvery(200).seed(1).threads(0).build();
        assertEquals(expected, RunWriter.savedConfig(m));
        assertEquals(ScheduleConfig.of(ScheduleConfig.Kind.COSINE, 2, null, null, null, 5),
                RunWriter.savedConfig(m).schedule());
        assertData(m, 2, 7);
        assertEquals(Map.of("step", 5, "epoch", 0, "index", 5, "tokens", 70), m.trainingSection("position").map());
        // no dropout: the recurrent stack's count only, never advanced
        assertEquals(Map.of("rnn", 0), m.trainingSection("rng").map().get("random_state"));
        assertEquals(Map.of("model", "model-00000005.safetensors", "optimizer", "optimizer-00000005.safetensors",
                "trainer", "trainer-00000005.safetensors"), names(m));
    }

    private static Map<String, String> names(Manifest m) {
        Map<String, String> names = new TreeMap<>();
        m.files().forEach((role, ref) -> names.put(role, ref.name()));
        return names;
    }

    private static void checkVocabulary(Manifest m) throws IOException {
        Vocabulary v = m.preprocessing().vocabulary();
        assertEquals(corpus().vocabulary(), v);
        assertEquals(55, v.size());
        // the manifest's "text": the 55 characters in code point order
        assertEquals("\n !',-.:;?ABCDEFHILMNOPRSTUVWYabcdefghijklmnopqrstuvwyz", v.decode(
                java.util.stream.IntStream.range(0, 55).toArray()));
        assertNull(m.preprocessing().normalization());
        assertNull(m.preprocessing().labels());
    }

    private static void assertProvenance(Manifest m, String runStarted) {
        assertEquals(new Provenance("0.1.0-SNAPSHOT", 1, "corpus.txt", CORPUS_SHA256, 6000, runStarted, "17.0.15"),
                m.provenance());
    }

    /** The data section: the stream batching and the split, 90% of 6000 characters to train. */
    private static void assertData(Manifest m, int batch, int seq) throws IOException {
        var data = m.trainingSection("data");
        assertEquals("text_streams", data.text("kind"));
        assertEquals(batch, data.integer("batch"));
        assertEquals(seq, data.integer("seq"));
        assertEquals(0.9, data.number("train_fraction"));
        assertEquals(5400, data.integer("train_characters"));
        assertEquals(600, data.integer("validation_characters"));
        assertEquals(batch, m.dataSize("batch").orElseThrow());
        assertEquals(seq, m.dataSize("seq").orElseThrow());
        assertTrue(m.dataSize("no_such_size").isEmpty());
    }

    /** Validation losses, and the learning rate of every step, as a resumed run reports them. */
    private static final class Recorder implements TrainingListener {
        final List<String> validations = new ArrayList<>();
        final List<Double> learningRates = new ArrayList<>();

        @Override
        public void onStep(TrainingEvents.Step event) {
            learningRates.add(event.learningRate());
        }

        @Override
        public void onValidation(TrainingEvents.Validation event) {
            validations.add(String.format(Locale.ROOT, "%.4f at step %d", event.result().loss(), event.step()));
        }
    }

    @Test
    void aResumedLstmRunWritesTheFilesThePreviousVersionWrote() throws IOException {
        Path run = copy("lstm-v1");
        CharModelRun<float[]> resumed = CharModelRun.resume(run, new TrainConfig.Changes(12L, null, null, null, null,
                null), Precision.F32, corpus(), Checkpoint.WriteHook.NONE);
        assertEquals(6, resumed.trainer().stepCount());
        Recorder r = new Recorder();
        TrainingEvents.Summary s = resumed.trainer().train(r);
        assertEquals(12, s.steps());
        assertEquals(6, s.stepsThisRun());
        // what the previous version printed while resuming (--eval-every 3)
        assertEquals(List.of("3.9971 at step 9", "3.9849 at step 12"), r.validations);
        assertFiles(run, 12, "6bdff0f38b3575094b70f29708edf15c366ec50cc2ebfe39088c3f25c145aa24",
                "f7577186135deff63a6c933bac83096f0b383ff0894b9330db357c1766cf24db",
                "24fc0f7e8df05d00523cd85ee29fa56446039b97f8f96f4ccaf74220ea7ec22a");
    }

    @Test
    void aResumedGruRunWritesTheFilesThePreviousVersionWrote() throws IOException {
        Path run = copy("gru-v1");
        CharModelRun<double[]> resumed = CharModelRun.resume(run, new TrainConfig.Changes(9L, null, null, null, null,
                null), Precision.F64, corpus(), Checkpoint.WriteHook.NONE);
        Recorder r = new Recorder();
        resumed.trainer().train(r);
        assertEquals(List.of("3.8063 at step 9"), r.validations);
        // warm-up over steps 1-2, cosine over 3-5: from step 6 on the rate is the minimum, 0
        assertEquals(List.of(0.0, 0.0, 0.0, 0.0), r.learningRates);
        assertFiles(run, 9, "d8fed32a69a7a432ba960b63ef9cc03d897ab971a4971bb7723fcb6ae10cc65c",
                "23568b8cfce0111094cc054e94d11d45cdd79a6f427dba08f7e7d21281428e9d",
                "8ada43c11305c96a9e326e6d1a977724df224ff305e8c0f1ed13022bb2ea3d20");
    }

    /** The run folder holds the step's files with these digests, and a format-2 manifest naming them. */
    private static void assertFiles(Path run, long step, String model, String optimizer, String trainer)
            throws IOException {
        String stamp = String.format(Locale.ROOT, "%08d", step);
        try (var files = Files.list(run)) {
            assertEquals(List.of("checkpoint.json", "model-" + stamp + ".safetensors",
                    "optimizer-" + stamp + ".safetensors", "trainer-" + stamp + ".safetensors"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals(model, sha256(run.resolve("model-" + stamp + ".safetensors")), "model file");
        assertEquals(optimizer, sha256(run.resolve("optimizer-" + stamp + ".safetensors")), "optimizer file");
        assertEquals(trainer, sha256(run.resolve("trainer-" + stamp + ".safetensors")), "trainer file");
        Manifest m = ManifestFormat.read(run);
        assertEquals(ManifestFormat.VERSION, m.formatVersion());
        assertEquals(step, m.step());
        assertEquals(model, m.files().get("model").sha256());
        // the corpus as the run recorded it, not as this resume was given it
        assertEquals("corpus.txt", m.provenance().dataSource());
        assertEquals(step, m.trainingSection("config").longValue("steps"));
    }

    @Test
    void theModelsOfVersion1GenerateWhatThePreviousVersionGenerated() throws IOException {
        // recur sample --prime The --length 60 --seed 5 (temperature 0.8) printed "The", then these
        // characters (compat/v1/README.md)
        assertEquals("ysfassHd zv.wN'.-R?DYWn;p-.?spbTwq!nIzAsgopCsEOW Lq??cmf I;k",
                CharModelRun.load(fixtures().resolve("lstm-v1"), Precision.F32).generate("The", 60, 0.8, 0, 5));
        assertEquals("yrhesrLf zv.wS':-WBEccn?p--Aspeawp nNzBshnpEsIUb NpAAemh M;k",
                CharModelRun.load(fixtures().resolve("gru-v1"), Precision.F64).generate("The", 60, 0.8, 0, 5));
    }

    @Test
    void theModelsOfVersion1EvaluateAsThePreviousVersionDid() throws IOException {
        String text = corpus().text();
        EvalResult lstm = CharModelRun.load(fixtures().resolve("lstm-v1"), Precision.F32).evaluate(text, 3, 10);
        assertEquals(4.005197821248665, lstm.loss());
        assertEquals(5997, lstm.predictions());
        EvalResult gru = CharModelRun.load(fixtures().resolve("gru-v1"), Precision.F64).evaluate(text, 2, 7);
        assertEquals(3.7830413912508485, gru.loss());
        assertEquals(5998, gru.predictions());
    }

    @Test
    void aVersion1CheckpointLoadsWholeAndItsTrainingStateDecodes() throws IOException {
        Checkpoint.Restored<float[]> c = Checkpoint.load(fixtures().resolve("lstm-v1"), Precision.F32);
        assertEquals(6, c.optimizer().steps());
        assertEquals("adam", c.optimizer().optimizer());
        var state = TrainingStates.decode(c);
        assertEquals(6, state.step());
        assertEquals(180, state.tokens());
        assertEquals(6, state.losses().length);
        // validations at steps 3 and 6, as printed by the run: 4.0229 and 4.0097
        assertEquals(2, state.validations().size());
        assertEquals(3, state.validations().get(0).step());
        assertEquals("4.0229", String.format(Locale.ROOT, "%.4f", state.validations().get(0).loss()));
        assertEquals("4.0097", String.format(Locale.ROOT, "%.4f", state.validations().get(1).loss()));
        // the state carried into step 7: [L, B, H] = [2, 3, 8], an LSTM's h and c
        assertEquals(2 * 3 * 8, c.trainerTensors().get("carry.h").values().length);
        assertArrayEquals(new int[] {2, 3, 8}, c.trainerTensors().get("carry.c").shape());
        assertEquals(Map.of("rnn", 6L, "input_dropout", 6L, "output_dropout", 6L), state.randomState());
    }

    /** The manifest of a copy of {@code run} with {@code edit} applied to its JSON tree. */
    private Path edited(String run, Consumer<ObjectNode> edit) throws IOException {
        Path dir = copy(run);
        ObjectMapper json = new ObjectMapper();
        Path file = dir.resolve(Manifest.FILE);
        ObjectNode root = (ObjectNode) json.readTree(file.toFile());
        edit.accept(root);
        json.writeValue(file.toFile(), root);
        return dir;
    }

    @Test
    void version1FieldsThatDisagreeAreRefusedWithOneLineNamingTheField() throws IOException {
        Path run = edited("lstm-v1", m -> ((ObjectNode) m.get("model")).put("type", "sequence_model"));
        Path json = run.resolve(Manifest.FILE);
        FormatException e = assertThrows(FormatException.class, () -> ManifestFormat.read(run));
        assertEquals(json + ": expected model.type \"char_language_model\", found \"sequence_model\"; likely cause: the"
                + " file was edited by hand or written by another program", e.getMessage());

        Path vocab = edited("gru-v1", m -> ((ObjectNode) m.get("model")).put("vocab_size", 54));
        e = assertThrows(FormatException.class, () -> ManifestFormat.read(vocab));
        assertEquals(vocab.resolve(Manifest.FILE) + ": expected model.vocab_size = the number of vocabulary code points"
                + " (55), found 54; likely cause: the file was edited by hand", e.getMessage());

        Path text = edited("gru-v1", m -> ((ObjectNode) m.get("vocabulary")).put("text", "abc"));
        e = assertThrows(FormatException.class, () -> ManifestFormat.read(text));
        assertEquals(text.resolve(Manifest.FILE) + ": expected vocabulary.text to spell vocabulary.code_points (55"
                + " characters), found a text of 3 characters that differs; likely cause: the file was edited by hand",
                e.getMessage());

        Path cell = edited("gru-v1", m -> ((ObjectNode) m.get("model")).put("cell", "transformer"));
        e = assertThrows(FormatException.class, () -> ManifestFormat.read(cell));
        assertEquals(cell.resolve(Manifest.FILE) + ": expected model.cell one of lstm, gru, rnn_tanh, rnn_relu, found"
                + " \"transformer\"; likely cause: the file was edited by hand or written by another program",
                e.getMessage());

        // a size too large for an array: the manifest's likely cause, not the one for a size given as an option
        Path huge = edited("gru-v1", m -> ((ObjectNode) m.get("model")).put("hidden_size", 1 << 30));
        e = assertThrows(FormatException.class, () -> ManifestFormat.read(huge));
        assertTrue(e.getMessage().startsWith(huge.resolve(Manifest.FILE) + ": expected a valid model configuration, "
                + "found "), e.getMessage());
        assertTrue(e.getMessage().endsWith("; likely cause: the file was edited by hand or written by another "
                + "program"), e.getMessage());
        assertEquals(1, e.getMessage().split("likely cause", -1).length - 1, e.getMessage());

        // a version-1 file holding the hidden size of another model: the weights are refused on load
        Path hidden = edited("lstm-v1", m -> ((ObjectNode) m.get("model")).put("hidden_size", 16));
        e = assertThrows(FormatException.class, () -> CharModelRun.load(hidden, Precision.F32));
        assertTrue(e.getMessage().startsWith(hidden.resolve("model-00000006.safetensors") + ": expected tensor "
                + "'rnn.weight_ih_l0' of shape [64, 4] ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("found shape [32, 4]; likely cause: the file holds a model of another "
                + "architecture (cell, sizes or vocabulary)"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
