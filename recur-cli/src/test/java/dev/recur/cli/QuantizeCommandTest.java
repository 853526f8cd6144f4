package dev.recur.cli;

import static dev.recur.cli.TrainCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.checkpoint.Checkpoint;
import dev.recur.cli.TrainCommandTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code recur quantize}, and sample and eval on its copies; the refusals. */
class QuantizeCommandTest {

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

    private static double loss(Run eval) {
        Matcher m = Pattern.compile("\"loss_nats_per_char\"\\s*:\\s*([0-9.eE+-]+)").matcher(eval.out());
        assertTrue(m.find(), eval.out());
        return Double.parseDouble(m.group(1));
    }

    @Test
    void quantizedCopiesSampleAndEvaluateCloseToTheFloatRun() throws IOException {
        Run f = run("--format", "json", "eval", "--checkpoint", trained.toString(), "--text", corpus.toString(),
                "--threads", "1");
        assertEquals(0, f.code(), f.err());
        for (String w : new String[]{"int8", "bf16"}) {
            Path q = tmp.resolve(w);
            Run r = run("quantize", trained.toString(), q.toString(), "--" + w);
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains(w + " weights"), r.out());
            String manifest = Files.readString(q.resolve("checkpoint.json"));
            assertTrue(Pattern.compile("\"dtype\"\\s*:\\s*\"" + w + "\"").matcher(manifest).find(), manifest);
            try (var files = Files.list(q)) {
                assertEquals(2, files.count());   // the manifest and the model file, nothing else
            }
            Run e = run("--format", "json", "eval", "--checkpoint", q.toString(), "--text", corpus.toString(),
                    "--threads", "1");
            assertEquals(0, e.code(), e.err());
            assertEquals(loss(f), loss(e), 0.02 * loss(f), w);
            Run s = run("sample", "--checkpoint", q.toString(), "--length", "40", "--seed", "3");
            assertEquals(0, s.code(), s.err());
            assertEquals(41, s.out().length(), s.out());   // 40 characters and the line break
            // the same seed draws the same text on 1 and 2 threads
            Run s2 = run("sample", "--checkpoint", q.toString(), "--length", "40", "--seed", "3", "--threads", "2");
            assertEquals(s.out(), s2.out());
        }
    }

    @Test
    void refusalsAreOneLine() throws IOException {
        Path q = tmp.resolve("q");
        assertEquals(0, run("quantize", trained.toString(), q.toString(), "--int8").code());
        // never into an existing path
        Run again = run("quantize", trained.toString(), q.toString(), "--int8");
        assertNotEquals(0, again.code());
        assertOneLine(again, "existing");
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertNotEquals(0, run("quantize", trained.toString(), file.toString(), "--bf16").code());
        assertEquals("x", Files.readString(file));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("nowhere"));
        assertNotEquals(0, run("quantize", trained.toString(), link.toString(), "--bf16").code());
        assertFalse(Files.exists(tmp.resolve("nowhere")));
        // a format is required, one only
        assertNotEquals(0, run("quantize", trained.toString(), tmp.resolve("n").toString()).code());
        assertNotEquals(0, run("quantize", trained.toString(), tmp.resolve("n").toString(), "--int8", "--bf16").code());
        assertFalse(Files.exists(tmp.resolve("n")));
        // a quantized copy is not quantized again, trained, resumed or exported
        assertOneLine(run("quantize", q.toString(), tmp.resolve("qq").toString(), "--bf16"), "quantized copy");
        // (each refusal names the run the copy was made from)
        String source = "the run it was made from (" + trained.toAbsolutePath().normalize() + ", step ";
        assertOneLine(run("train", "--resume", q.toString(), "--steps", "5"), "quantized copy");
        assertOneLine(run("train", "--resume", q.toString(), "--steps", "5"), "resume " + source);
        assertOneLine(run("export", q.toString(), tmp.resolve("m.onnx").toString()), "export " + source);
        assertOneLine(run("inspect", "--checkpoint", q.toString(), "--out", tmp.resolve("i.html").toString()),
                "inspect " + source);
        assertFalse(Files.exists(tmp.resolve("i.html")));
        assertFalse(Files.exists(tmp.resolve("m.onnx")));
        // no run there
        assertOneLine(run("quantize", tmp.resolve("none").toString(), tmp.resolve("o").toString(), "--int8"), "");
        // a model file of another format than the manifest says: refused on load, naming a tensor
        String m = Files.readString(q.resolve("checkpoint.json"));
        Path edited = tmp.resolve("edited");
        Files.createDirectories(edited);
        try (var files = Files.list(q)) {
            for (Path p : files.toList()) {
                Files.copy(p, edited.resolve(p.getFileName()));
            }
        }
        Files.writeString(edited.resolve("checkpoint.json"), m.replaceFirst("\"dtype\"\\s*:\\s*\"int8\"", "\"dtype\":\"bf16\""));
        assertOneLine(run("sample", "--checkpoint", edited.toString(), "--length", "5"), "a bf16 model");
        Files.writeString(edited.resolve("checkpoint.json"), m.replaceFirst("\"dtype\"\\s*:\\s*\"int8\"", "\"dtype\":\"int4\""));
        assertOneLine(run("sample", "--checkpoint", edited.toString(), "--length", "5"), "model.dtype");
    }

    @Test
    void aQuantizedRunIsCheckedAgainstItsFileBeforeAModelIsBuilt() throws IOException {
        // Before: num_layers = 100000000 in a quantized copy's manifest took 75 s and 6 GB before
        // "out of memory"
        Path q = tmp.resolve("q");
        assertEquals(0, run("quantize", trained.toString(), q.toString(), "--int8").code());
        Path json = q.resolve("checkpoint.json");
        String m = Files.readString(json);
        String edited = m.replaceFirst("\"num_layers\"\\s*:\\s*\\d+", "\"num_layers\" : 100000000");
        assertNotEquals(m, edited);
        Files.writeString(json, edited);
        Run r = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> run("sample", "--checkpoint", q.toString(), "--length", "5"));
        assertOneLine(r, json + ": expected a model.config whose model has the ");
        assertTrue(r.err().contains("weights of model-"), r.err());
    }

    @Test
    void aCopyWithALongNameIsMadeBesideItsTemporaryFolder() throws IOException {
        // Before: the hidden temporary folder took OUT's whole name and a suffix, past 255 bytes
        Path q = tmp.resolve("q".repeat(240));
        Run r = run("quantize", trained.toString(), q.toString(), "--bf16");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(q.resolve("checkpoint.json")));
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(q), files.toList(), "no temporary folder left");
        }
    }

    @Test
    void aQuantizedCopyIsNeverTheLatestRun() throws IOException {
        // Before: the copy keeps its run's start, and the later name won the tie: a plain sample took
        // the copy and a plain train --resume refused it
        Path runs = tmp.resolve("runs");
        Path original = runs.resolve("20261207-053905");
        Files.createDirectories(runs);
        try (var files = Files.list(trained)) {
            Files.createDirectories(original);
            for (Path p : files.toList()) {
                Files.copy(p, original.resolve(p.getFileName()));
            }
        }
        assertEquals(0, run("quantize", original.toString(), runs.resolve("20261207-053905-int8").toString(),
                "--int8").code());
        assertEquals(Optional.of(original), Checkpoint.latestRun(runs));
        Run s = run("sample", "--runs-dir", runs.toString(), "--length", "5");
        assertEquals(0, s.code(), s.err());
        assertTrue(s.err().contains(original.toString()) && !s.err().contains("-int8"), s.err());
    }

    @Test
    void aWeightBeyondBf16sRangeIsNamedWithItsFile() throws IOException {
        Path copy = tmp.resolve("copy");
        Files.createDirectories(copy);
        try (var files = Files.list(trained)) {
            for (Path p : files.toList()) {
                Files.copy(p, copy.resolve(p.getFileName()));
            }
        }
        FileFixtures.poke(copy, "model", "rnn.weight_hh_l0", 3, Float.MAX_VALUE);   // finite, but past bf16's range
        Run r = run("quantize", copy.toString(), tmp.resolve("q").toString(), "--bf16");
        assertEquals(ExitCodes.FAILURE, r.code(), r.err());
        assertOneLine(r, "model-");
        assertTrue(r.err().contains(": expected weights bf16 can hold, found weight_hh_l0: weight [0, 3] = "
                + Float.MAX_VALUE + " is beyond bfloat16's range (it rounds to infinity); likely cause: "), r.err());
        assertFalse(Files.exists(tmp.resolve("q")));
        assertEquals(0, run("quantize", copy.toString(), tmp.resolve("q8").toString(), "--int8").code());
    }

    private static void assertOneLine(Run r, String contains) {
        assertNotEquals(0, r.code(), r.out());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertFalse(err.contains("Exception"), err);
        assertTrue(err.contains(contains), err);
    }
}
