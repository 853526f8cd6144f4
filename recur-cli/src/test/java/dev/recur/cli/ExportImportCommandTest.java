package dev.recur.cli;

import static dev.recur.cli.TrainCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.checkpoint.Checkpoint;
import dev.recur.cli.TrainCommandTest.Run;
import dev.recur.model.Model;
import dev.recur.tensor.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code recur export} and {@code recur import}: a run leaves and comes back as the same model. */
class ExportImportCommandTest {

    @TempDir
    static Path shared;
    static Path corpus;
    static Path trained;

    @TempDir
    Path tmp;

    @BeforeAll
    static void trainOnce() throws IOException {
        trained = TrainCommandTest.trainTinyRun(shared);
        corpus = shared.resolve("tiny.txt");
    }

    @Test
    void anExportedRunImportsAsTheSameModelThatSamplesTheSameAndTrainsFurther() throws IOException {
        Path onnx = tmp.resolve("m.onnx");
        Run e = run("export", trained.toString(), onnx.toString(), "--initial-state");
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("to " + onnx + " as onnx"), e.out());

        Path back = tmp.resolve("back");
        Run i = run("import", onnx.toString(), back.toString(), "--corpus", corpus.toString(), "--batch", "4",
                "--seq", "16");
        assertEquals(0, i.code(), i.err());
        assertTrue(i.out().contains("trains it further"), i.out());
        assertSameWeights(trained, back);

        Run a = run("sample", "--checkpoint", trained.toString(), "--length", "50", "--seed", "4");
        Run b = run("sample", "--checkpoint", back.toString(), "--length", "50", "--seed", "4");
        assertEquals(0, b.code(), b.err());
        assertEquals(a.out(), b.out());

        Run t = run("train", "--resume", back.toString(), "--steps", "10", "--eval-every", "5",
                "--sample-length", "10", "--threads", "1");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.outLines().get(0).startsWith("val loss"), t.out());

        // the trained run exports to the same bytes every time
        Path again = tmp.resolve("again.onnx");
        assertEquals(0, run("export", trained.toString(), again.toString(), "--initial-state").code());
        assertArrayEquals(Files.readAllBytes(onnx), Files.readAllBytes(again));
    }

    @Test
    void aStateDictWithItsConfigurationImports() throws IOException {
        Path state = tmp.resolve("m.safetensors");
        assertEquals(0, run("export", trained.toString(), state.toString()).code());
        Path back = tmp.resolve("from-state");
        Run i = run("import", state.toString(), back.toString(), "--config",
                trained.resolve("checkpoint.json").toString());
        assertEquals(0, i.code(), i.err());
        assertSameWeights(trained, back);
        Run resume = run("train", "--resume", back.toString(), "--steps", "30");
        assertEquals(1, resume.code(), resume.err());
        assertTrue(resume.err().contains("a model imported from " + state + " without a corpus; likely cause: import "
                + "it again with --corpus TEXT"), resume.err());
        Run missing = run("import", state.toString(), tmp.resolve("x").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("--config: expected the model's configuration"), missing.err());
    }

    @Test
    void aClassifierExportedAndImportedPredictsAsTheOriginal() throws IOException {
        StringBuilder csv = new StringBuilder("text,label\n");
        for (int i = 0; i < 40; i++) {
            csv.append(i % 2 == 0 ? "good fine nice " + i : "bad awful poor " + i).append(',')
                    .append(i % 2 == 0 ? "pos" : "neg").append('\n');
        }
        Path data = Files.writeString(tmp.resolve("c.csv"), csv.toString());
        assertEquals(0, run("classify", "train", "--data", data.toString(), "--tokens", "chars", "--hidden", "6",
                "--embedding", "4", "--epochs", "3", "--threads", "1", "--runs-dir", tmp.resolve("runs").toString(),
                "--run-name", "cls").code());
        Path onnx = tmp.resolve("cls.onnx");
        Run e = run("export", tmp.resolve("runs").resolve("cls").toString(), onnx.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("its best weights, kept at step ") && e.out().contains(", as the run serves them"),
                e.out());
        Path back = tmp.resolve("cls-back");
        assertEquals(0, run("import", onnx.toString(), back.toString()).code());
        Path a = tmp.resolve("a.csv");
        Path b = tmp.resolve("b.csv");
        assertEquals(0, run("classify", "predict", "--checkpoint", tmp.resolve("runs").resolve("cls").toString(),
                "--data", data.toString(), "--out", a.toString()).code());
        Run p = run("classify", "predict", "--checkpoint", back.toString(), "--data", data.toString(), "--out",
                b.toString());
        assertEquals(0, p.code(), p.err());
        assertEquals(Files.readString(a), Files.readString(b));
    }

    @Test
    void badArgumentsGetOneLineAndNoStackTrace() throws IOException, InterruptedException {
        Path text = Files.writeString(tmp.resolve("not.onnx"), "hello, this is not a model");
        Path state = tmp.resolve("s.safetensors");
        assertEquals(0, run("export", trained.toString(), state.toString()).code());
        Path fifo = tmp.resolve("fifo");
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
        Path otherModel = Files.writeString(tmp.resolve("other.json"), "{\"vocab_size\": 3, \"embedding_dim\": 2, "
                + "\"padding_idx\": -1, \"features\": 0, \"input_dropout\": 0, \"cell\": \"lstm\", "
                + "\"hidden_size\": 1, \"num_layers\": 3000000, \"bidirectional\": false, \"proj_size\": 0, "
                + "\"bias\": true, \"dropout\": 0, \"input_init\": \"uniform\", \"recurrent_init\": \"uniform\", "
                + "\"layer_norm\": false, \"pooling\": \"none\", \"attention_size\": 0, \"output_dropout\": 0, "
                + "\"hidden_units\": 0, \"hidden_activation\": \"tanh\", \"outputs\": 3, \"chrono_horizon\": 0}");
        List<String[]> cases = List.of(
                // writing into the run folder could replace one of its files
                new String[]{"export", trained.toString(), trained.resolve("model-00000020.safetensors").toString()},
                new String[]{"export", "", tmp.resolve("e.onnx").toString()},
                new String[]{"import", text.toString(), ""},
                new String[]{"import", state.toString(), tmp.resolve("c1").toString(), "--config", fifo.toString()},
                new String[]{"import", state.toString(), tmp.resolve("c2").toString(), "--config", tmp.toString()},
                new String[]{"import", state.toString(), tmp.resolve("c3").toString(), "--config", state.toString()},
                new String[]{"import", state.toString(), tmp.resolve("c4").toString(), "--config",
                        otherModel.toString()},
                new String[]{"import", text.toString(), tmp.resolve("r1").toString()},
                new String[]{"import", tmp.resolve("missing.onnx").toString(), tmp.resolve("r2").toString()},
                new String[]{"import", text.toString(), trained.toString()},
                new String[]{"export", trained.toString(), tmp.resolve("m.txt").toString()},
                new String[]{"export", trained.toString(), tmp.resolve("m.safetensors").toString(), "--initial-state"},
                new String[]{"export", trained.toString(), tmp.resolve("m.onnx").toString(), "--to", "tflite"});
        for (String[] c : cases) {
            Run r = run(c);
            assertTrue(r.code() == 1 || r.code() == 2, String.join(" ", c) + ": " + r.code());
            assertEquals(1, r.errLines().size(), String.join(" ", c) + ": " + r.err());
            assertFalse(r.err().contains("\tat "), r.err());
        }
        assertFalse(Files.exists(tmp.resolve("r1")));
        assertTrue(Files.exists(trained.resolve("model-00000020.safetensors")));
        assertEquals(0, run("sample", "--checkpoint", trained.toString(), "--length", "5").code(), "the run intact");

        // a corpus with as many characters as the model's vocabulary, but other ones
        Path onnx = tmp.resolve("m.onnx");
        assertEquals(0, run("export", trained.toString(), onnx.toString()).code());
        String original = Files.readString(corpus);
        StringBuilder shifted = new StringBuilder();
        original.codePoints().forEach(cp -> shifted.appendCodePoint(cp == ' ' ? '_' : cp));
        Path other = Files.writeString(tmp.resolve("other.txt"), shifted.toString());
        Run r = run("import", onnx.toString(), tmp.resolve("r3").toString(), "--corpus", other.toString(),
                "--batch", "4", "--seq", "16");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("expected the characters of the vocabulary the model file records"), r.err());
    }

    private static void assertSameWeights(Path expected, Path actual) throws IOException {
        Model<float[]> a = Checkpoint.loadModel(expected, Precision.F32, false).model();
        Model<float[]> b = Checkpoint.loadModel(actual, Precision.F32, false).model();
        assertEquals(a.namedParameters().keySet(), b.namedParameters().keySet());
        for (var e : a.namedParameters().entrySet()) {
            assertArrayEquals(e.getValue().value(), b.namedParameters().get(e.getKey()).value(), e.getKey());
        }
    }
}
