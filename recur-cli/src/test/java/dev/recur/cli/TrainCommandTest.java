package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.recur.checkpoint.Checkpoint;
import dev.recur.checkpoint.Manifest;
import dev.recur.checkpoint.ManifestFormat;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/**
 * {@code recur train}, {@code sample} and {@code eval} in-process on a tiny corpus: the output
 * discipline (results on stdout, JSON lines with {@code --format json}), the run folder, and every
 * kind of bad input (one-line error, non-zero exit, no stack trace, no files left behind).
 */
class TrainCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A small model: the whole run takes well under a second. */
    private static final List<String> SMALL = List.of("--hidden", "16", "--layers", "2", "--embedding", "8",
            "--batch", "4", "--seq", "16", "--threads", "1");

    @TempDir
    static Path shared;
    static Path corpus;
    static Path runs;

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }

        /** The lines of stderr with the progress bar's carriage-return redraws removed. */
        List<String> errLines() {
            return err.lines().map(l -> l.substring(l.lastIndexOf('\r') + 1)).filter(l -> !l.isBlank()).toList();
        }
    }

    static Run run(String... args) {
        CommandLine cl = Main.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** {@code train} with the small model's flags, then {@code more}. */
    static String[] train(String... more) {
        List<String> all = new ArrayList<>(List.of("train"));
        all.addAll(SMALL);
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    static String english(int characters, long seed) {
        String[] words = {"the", "cat", "sat", "on", "a", "mat", "and", "dog", "ran", "to", "him", "her"};
        SplittableRandom rng = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 1; sb.length() < characters; i++) {
            sb.append(words[rng.nextInt(words.length)]).append(i % 8 == 0 ? "\n" : " ");
        }
        return sb.toString();
    }

    /**
     * The fixture of the tests of commands that take a run: a character model trained 20 steps on
     * {@code dir/tiny.txt} (3,000 characters of {@link #english}), in {@code dir/runs/first}.
     *
     * @param dir a folder of the test's own
     * @return the run folder
     */
    static Path trainTinyRun(Path dir) throws IOException {
        Path text = Files.writeString(dir.resolve("tiny.txt"), english(3000, 5));
        Run r = run(train("--corpus", text.toString(), "--runs-dir", dir.resolve("runs").toString(),
                "--run-name", "first", "--steps", "20", "--eval-every", "10", "--sample-length", "10"));
        assertEquals(0, r.code(), r.err());
        return dir.resolve("runs").resolve("first");
    }

    @BeforeAll
    static void trainOnce() throws IOException {
        corpus = Files.writeString(shared.resolve("tiny.txt"), english(3000, 3));
        runs = shared.resolve("runs");
        Run r = run(train("--corpus", corpus.toString(), "--runs-dir", runs.toString(),
                "--run-name", "first", "--steps", "30", "--eval-every", "10", "--sample-length", "40"));
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void trainPrintsValidationLinesTheRunFolderAndASample() throws IOException {
        Run r = run(train("--corpus", corpus.toString(), "--runs-dir", tmp.toString(),
                "--run-name", "text", "--steps", "20", "--eval-every", "10", "--sample-length", "30"));
        assertEquals(0, r.code(), r.err());
        List<String> out = r.outLines();
        assertTrue(out.get(0).matches("val loss \\d\\.\\d{4} nats/char \\(\\d\\.\\d{4} bits/char\\) at step 10"),
                out.get(0));
        assertTrue(out.get(1).matches("val loss \\d\\.\\d{4} nats/char \\(\\d\\.\\d{4} bits/char\\) at step 20"),
                out.get(1));
        Path run = tmp.resolve("text");
        assertEquals("run: " + run + " (checkpoint at step 20)", out.get(2));
        assertEquals("loss curve: " + run.resolve("loss.png"), out.get(3));
        assertEquals("sample (temperature 0.8):", out.get(4));
        String sample = String.join("\n", out.subList(5, out.size()));
        assertEquals(30, sample.codePointCount(0, sample.length()));
        byte[] png = Files.readAllBytes(run.resolve("loss.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals("PNG", new String(png, 1, 3, StandardCharsets.US_ASCII));
        assertEquals(20, ManifestFormat.read(run).step());
        assertTrue(r.err().contains("train 100% ["), "a progress bar on stderr");
        assertTrue(r.errLines().contains("run folder: " + run), r.err());
    }

    @Test
    void withFormatJsonEveryStdoutLineIsOneJsonObject() throws IOException {
        Run r = run(train("--format", "json", "--corpus", corpus.toString(), "--runs-dir",
                tmp.toString(), "--steps", "12", "--eval-every", "5", "--sample-length", "20"));
        assertEquals(0, r.code(), r.err());
        List<JsonNode> lines = new ArrayList<>();
        for (String line : r.outLines()) {
            JsonNode n = JSON.readTree(line);
            assertTrue(n.isObject(), line);
            lines.add(n);
        }
        assertEquals(List.of("validation", "validation", "validation", "done", "sample"),
                lines.stream().map(n -> n.get("event").asText()).toList());
        assertEquals(List.of(5, 10, 12), lines.subList(0, 3).stream().map(n -> n.get("step").asInt()).toList());
        JsonNode done = lines.get(3);
        assertEquals(12, done.get("step").asInt());
        assertEquals(done.get("val_loss").asDouble(), lines.get(2).get("val_loss").asDouble(), 0.0);
        assertEquals(20, lines.get(4).get("text").asText().length());
    }

    @Test
    void sampleDefaultsToTheLatestRunAndIsReproducible() {
        Run a = run("sample", "--runs-dir", runs.toString(), "--length", "50", "--seed", "4");
        assertEquals(0, a.code(), a.err());
        String text = a.out().substring(0, a.out().length() - 1);   // the final line break
        assertEquals(50, text.length());
        assertTrue(a.errLines().get(0).startsWith("sampling from " + runs.resolve("first") + " (step 30"),
                a.err());
        Run b = run("sample", "--checkpoint", runs.resolve("first").toString(), "--length", "50", "--seed", "4");
        assertEquals(a.out(), b.out());
        Run primed = run("sample", "--runs-dir", runs.toString(), "--prime", "the cat", "--length", "10",
                "--temperature", "0");
        assertEquals(0, primed.code(), primed.err());
        assertTrue(primed.out().startsWith("the cat"), primed.out());
        assertEquals("the cat".length() + 10 + 1, primed.out().length());
    }

    /**
     * A closed standard output (as under {@code | head -c 50}) stops the generation at once: it used to
     * run on for the whole --length. Lengths beyond the bound are refused.
     */
    @Test
    void sampleStopsWhenStandardOutputIsClosedAndLengthsAreBounded() {
        CommandLine cl = Main.newCommandLine();
        java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
        java.io.OutputStream closedAfter50 = new java.io.OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                if (written.incrementAndGet() > 50) {
                    throw new java.io.IOException("Broken pipe");
                }
            }
        };
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(closedAfter50, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("sample", "--runs-dir", runs.toString(), "--length", "100000000");
        assertEquals(ExitCodes.FAILURE, code, err.toString());
        // every byte offered to the closed output is counted: generation stopped at the next character
        assertTrue(written.get() < 200, "bytes offered after the output closed: " + written.get());
        assertTrue(err.toString().contains("warning: generation stopped: standard output was closed"), err.toString());
        Run r = run("sample", "--runs-dir", runs.toString(), "--length", "2147483647");
        assertEquals(ExitCodes.USAGE, r.code(), r.err());
        assertTrue(r.err().contains("--length: expected 0..100000000 characters, found 2147483647"), r.err());
    }

    @Test
    void sampleWithFormatJsonPrintsOneObject() throws IOException {
        Run r = run("--format", "json", "sample", "--runs-dir", runs.toString(), "--length", "25", "--top-k", "3");
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.outLines().size());
        JsonNode n = JSON.readTree(r.out());
        assertEquals(25, n.get("text").asText().length());
        assertEquals(30, n.get("step").asInt());
        assertEquals("\n", n.get("prime").asText());
    }

    @Test
    void evalReportsLossBitsAndPerplexity() throws IOException {
        Path text = Files.writeString(tmp.resolve("held-out.txt"), english(800, 99));
        Run r = run("--format", "json", "eval", "--runs-dir", runs.toString(), "--text", text.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode n = JSON.readTree(r.out());
        double loss = n.get("loss_nats_per_char").asDouble();
        assertTrue(loss > 0 && loss < Math.log(13), "loss " + loss);
        assertEquals(loss / Math.log(2), n.get("bits_per_char").asDouble(), 1e-12);
        assertEquals(Math.exp(loss), n.get("perplexity").asDouble(), 1e-9);
        assertEquals(4, n.get("batch").asInt());
        assertEquals(800, n.get("characters").asInt(), 10);
        Run textOut = run("eval", "--runs-dir", runs.toString(), "--text", text.toString());
        assertTrue(textOut.outLines().stream().anyMatch(l -> l.startsWith("bits_per_char: ")), textOut.out());
        // A text shorter than the run's batch is read in fewer streams.
        Path shortText = Files.writeString(tmp.resolve("short.txt"), "the cat");
        Run s = run("--format", "json", "eval", "--runs-dir", runs.toString(), "--text", shortText.toString());
        assertEquals(0, s.code(), s.err());
        assertEquals(4, JSON.readTree(s.out()).get("batch").asInt());
    }

    // ---------------------------------------------------------------------------------------------
    // Bad input: one line on stderr, exit code != 0, no stack trace, nothing written.

    private List<String> listing(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    /** Runs a command that must fail cleanly; returns its one error line. */
    private String fails(int expectedCode, Path watched, String... args) throws IOException {
        List<String> before = listing(watched);
        Run r = run(args);
        assertEquals(expectedCode, r.code(), r.out() + r.err());
        List<String> err = r.errLines();
        assertEquals(1, err.size(), "exactly one line on stderr: " + r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        assertEquals("", r.out());
        assertEquals(before, listing(watched), "no files written");
        return err.get(0);
    }

    /**
     * A run whose time budget is spent is refused on a plain resume, naming --time; --steps on resume
     * replaces the run's own budget (time included), so it trains on to that step.
     */
    @Test
    void aSpentTimeBudgetIsNamedAndStepsReplaceIt() throws IOException {
        Path r = tmp.resolve("timed");
        Run first = run(train("--corpus", corpus.toString(), "--runs-dir", r.toString(), "--run-name", "t",
                "--time", "1s", "--eval-every", "0", "--sample-length", "0"));
        assertEquals(0, first.code(), first.err());
        Path run = r.resolve("t");
        long done = ManifestFormat.read(run).step();
        String line = fails(ExitCodes.USAGE, tmp, "train", "--resume", run.toString());
        assertTrue(line.startsWith("recur train: --time: expected a total above the run's "), line);
        assertTrue(line.endsWith(" s of training, found 1.0 s, the run's own budget; likely cause: the run is complete:"
                + " give --steps above " + done + ", or a larger --time, to train it further"), line);
        Run more = run("train", "--resume", run.toString(), "--steps", Long.toString(done + 2), "--sample-length", "0");
        assertEquals(0, more.code(), more.err());
        assertEquals(done + 2, ManifestFormat.read(run).step());
        // the summary tells this command's steps from the run's
        assertTrue(more.err().contains("trained 2 more steps (") && more.err().contains("; the run is at step "
                + String.format(java.util.Locale.ROOT, "%,d", done + 2) + " ("), more.err());
    }

    /**
     * A run folder is written by one process at a time: a second {@code train --resume} of a run that
     * is being trained is refused naming the holder, and the run's files are untouched.
     */
    @Test
    void aSecondWriterOfARunIsRefusedNamingTheFirst() throws IOException {
        Path run = runs.resolve("first");
        List<String> before = FileFixtures.snapshot(run);
        try (var lock = dev.recur.checkpoint.RunLock.acquire(run, "recur train --resume (a test)")) {
            Run r = run("train", "--resume", run.toString(), "--steps", "40");
            assertEquals(ExitCodes.FAILURE, r.code(), r.err());
            assertEquals(1, r.errLines().size(), r.err());
            assertTrue(r.errLines().get(0).startsWith("recur train: " + run + ": expected a run folder no other "
                    + "process is writing, found it locked by process " + ProcessHandle.current().pid()
                    + " (recur train --resume (a test), since "), r.err());
        }
        assertEquals(before, FileFixtures.snapshot(run));
    }

    /** A model whose training cannot fit the heap is refused with the estimate, before anything is allocated. */
    @Test
    void aModelTooLargeForTheHeapIsRefusedBeforeAllocating() throws IOException {
        String line = fails(ExitCodes.USAGE, tmp, "train", "--layers", "100000", "--runs-dir",
                tmp.resolve("runs").toString());
        assertTrue(line.startsWith("recur train: model (hidden ") && line.contains("100000 layers")
                && line.contains("expected a model whose training fits the Java heap") && line.contains(" parameters"),
                line);
    }

    @Test
    void anEmptyCorpusIsRefused() throws IOException {
        Path empty = Files.write(tmp.resolve("empty.txt"), new byte[0]);
        Path out = tmp.resolve("runs");
        String line = fails(ExitCodes.FAILURE, tmp, train("--corpus", empty.toString(),
                "--runs-dir", out.toString()));
        assertEquals("recur train: " + empty + ": expected text, found an empty file; likely cause: the wrong file"
                + " was given, or it was not written completely", line);
    }

    @Test
    void aBinaryCorpusIsRefused() throws IOException {
        byte[] bytes = new byte[4096];
        new SplittableRandom(1).nextBytes(bytes);
        bytes[10] = 0;
        Path bin = Files.write(tmp.resolve("model.bin"), bytes);
        String line = fails(ExitCodes.FAILURE, tmp, train("--corpus", bin.toString(),
                "--runs-dir", tmp.resolve("runs").toString()));
        assertTrue(line.startsWith("recur train: " + bin + ": expected UTF-8 text, found "), line);
    }

    @Test
    void aCorpusShorterThanOneBatchIsRefused() throws IOException {
        Path small = Files.writeString(tmp.resolve("small.txt"), "the cat sat on the mat\n");
        String line = fails(ExitCodes.USAGE, tmp, train("--corpus", small.toString(),
                "--runs-dir", tmp.resolve("runs").toString()));
        assertTrue(line.startsWith("recur train: " + small + " (23 characters): training text: expected at least 65"
                + " characters"), line);
    }

    private Path copyOfFirstRun() throws IOException {
        Path copy = tmp.resolve("copy");
        Files.createDirectories(copy);
        try (Stream<Path> s = Files.list(runs.resolve("first"))) {
            for (Path p : s.toList()) {
                Files.copy(p, copy.resolve(p.getFileName()));
            }
        }
        return copy;
    }

    @Test
    void aTruncatedCheckpointIsRefused() throws IOException {
        Path copy = copyOfFirstRun();
        Path model = copy.resolve(ManifestFormat.read(copy).files().get("model").name());
        byte[] bytes = Files.readAllBytes(model);
        Files.write(model, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        String line = fails(ExitCodes.FAILURE, tmp, "sample", "--checkpoint", copy.toString());
        assertTrue(line.startsWith("recur sample: " + model + ": expected SHA-256 "), line);
        assertTrue(line.endsWith("likely cause: the file is truncated (an interrupted copy?)"), line);
        Path json = copy.resolve(Manifest.FILE);
        Files.writeString(json, Files.readString(json).substring(0, 300));
        line = fails(ExitCodes.FAILURE, tmp, "eval", "--checkpoint", copy.toString(), "--text", corpus.toString());
        assertTrue(line.startsWith("recur eval: " + json + ": expected a recur checkpoint manifest (JSON), found invalid"
                + " JSON"), line);
    }

    @Test
    void aCheckpointWhoseChecksumDoesNotMatchIsRefused() throws IOException {
        Path copy = copyOfFirstRun();
        Path optimizer = copy.resolve(ManifestFormat.read(copy).files().get("optimizer").name());
        byte[] bytes = Files.readAllBytes(optimizer);
        bytes[bytes.length - 3] ^= 0x10;
        Files.write(optimizer, bytes);
        String line = fails(ExitCodes.FAILURE, tmp, "train", "--resume", copy.toString(), "--sample-length", "0");
        assertTrue(line.startsWith("recur train: " + optimizer + ": expected SHA-256 "), line);
        assertTrue(line.endsWith("likely cause: the file was modified or replaced after the checkpoint was written"),
                line);
    }

    @Test
    void aCheckpointOfAnotherArchitectureIsRefused() throws IOException {
        Path gruRuns = tmp.resolve("gru-runs");
        Run r = run(train("--cell", "gru", "--corpus", corpus.toString(), "--runs-dir",
                gruRuns.toString(), "--run-name", "gru", "--steps", "2", "--sample-length", "0"));
        assertEquals(0, r.code(), r.err());
        Path copy = copyOfFirstRun();
        Manifest.FileRef ref = ManifestFormat.read(copy).files().get("model");
        Path gruModel = gruRuns.resolve("gru").resolve(ManifestFormat.read(gruRuns.resolve("gru")).files()
                .get("model").name());
        byte[] gru = Files.readAllBytes(gruModel);
        Files.write(copy.resolve(ref.name()), gru);
        Path json = copy.resolve(Manifest.FILE);
        Files.writeString(json, Files.readString(json).replace(ref.sha256(), Checkpoint.sha256(gru))
                .replace("\"bytes\" : " + ref.bytes() + "\n", "\"bytes\" : " + gru.length + "\n"));
        String line = fails(ExitCodes.FAILURE, tmp, "sample", "--checkpoint", copy.toString());
        assertTrue(line.startsWith("recur sample: " + copy.resolve(ref.name()) + ": expected tensor 'rnn.weight_ih_l0'"
                + " of shape [64, 8] (a 2-layer lstm model"), line);
        assertTrue(line.contains("found shape [48, 8]; likely cause: the file holds a model of another architecture"),
                line);
    }

    @Test
    void nonsenseFlagsAreRefused() throws IOException {
        String c = corpus.toString();
        String r = tmp.resolve("runs").toString();
        assertEquals("recur train: Unknown option: '--bogus' (see 'recur train --help')",
                fails(ExitCodes.USAGE, tmp, "train", "--bogus"));
        assertTrue(fails(ExitCodes.USAGE, tmp, "train", "--hidden", "many").startsWith(
                "recur train: Invalid value for option '--hidden': 'many' is not an int"));
        assertEquals("recur train: --hidden: expected a positive integer, found -3",
                fails(ExitCodes.USAGE, tmp, "train", "--corpus", c, "--runs-dir", r, "--hidden", "-3"));
        assertEquals("recur train: unknown cell kind 'tree': expected one of lstm, gru, rnn (= rnn_tanh), rnn_relu",
                fails(ExitCodes.USAGE, tmp, "train", "--corpus", c, "--runs-dir", r, "--cell", "tree"));
        assertEquals("recur train: dropout must be in [0, 1), found 1.5",
                fails(ExitCodes.USAGE, tmp, "train", "--corpus", c, "--runs-dir", r, "--dropout", "1.5"));
        assertEquals("recur train: optimizer: expected one of sgd, adam, adamw, rmsprop, found 'lion'",
                fails(ExitCodes.USAGE, tmp, "train", "--corpus", c, "--runs-dir", r, "--optimizer", "lion"));
        assertEquals("recur train: --momentum: applies to sgd and rmsprop only, found optimizer adam",
                fails(ExitCodes.USAGE, tmp, "train", "--corpus", c, "--runs-dir", r, "--momentum", "0.9"));
        assertEquals("recur train: --min-lr: applies to the cosine schedule only, found schedule constant; likely cause:"
                + " a setting of another schedule (it would be ignored)",
                fails(ExitCodes.USAGE, tmp, "train", "--corpus", c, "--runs-dir", r, "--min-lr", "0.001"));
        assertEquals("recur train: --decay-every/--decay-gamma: apply to the step schedule only, found schedule cosine;"
                + " likely cause: a setting of another schedule (it would be ignored)",
                fails(ExitCodes.USAGE, tmp, "train", "--corpus", c, "--runs-dir", r, "--schedule", "cosine",
                        "--decay-gamma", "0.5"));
        assertTrue(fails(ExitCodes.USAGE, tmp, "train", "--time", "soon").contains(
                "expected a duration such as 300, 90s, 4m or 1h30m, found 'soon'"));
        assertEquals("recur train: --dtype: expected float32 or float64, found 'float16'",
                fails(ExitCodes.USAGE, tmp, "train", "--corpus", c, "--runs-dir", r, "--dtype", "float16"));
        // the formats of quantized copies are for inference only, not a precision to train in
        assertEquals("recur train: --dtype: expected float32 or float64, found 'int8'",
                fails(ExitCodes.USAGE, tmp, "train", "--corpus", c, "--runs-dir", r, "--dtype", "int8"));
        assertEquals("recur train: --hidden: cannot be given with --resume: a resumed run keeps its own settings (only"
                + " --steps, --time, --eval-every, --checkpoint-every and --threads may change)",
                fails(ExitCodes.USAGE, tmp, "train", "--resume", runs.resolve("first").toString(), "--hidden", "8"));
        assertEquals("recur train: --steps: expected a total above the run's 30 steps, found 20; likely cause:"
                + " --steps counts from the start of the run, not on from where it stopped",
                fails(ExitCodes.USAGE, tmp, "train", "--resume", runs.resolve("first").toString(), "--steps", "20"));
        assertEquals("recur train: --steps: expected a total above the run's 30 steps, found 30, the run's own budget;"
                + " likely cause: the run is complete: give --steps above 30, or a larger --time, to train it further",
                fails(ExitCodes.USAGE, tmp, "train", "--resume", runs.resolve("first").toString()));
        assertEquals("recur sample: --temperature: expected a finite number >= 0 (1 = the model's distribution, "
                + "lower = more conservative, 0 = always the most likely character), found -1.0; likely cause: a "
                + "negative value (the lowest is 0)",
                fails(ExitCodes.USAGE, tmp, "sample", "--runs-dir", runs.toString(), "--temperature", "-1"));
        assertEquals("recur sample: --top-k: expected >= 0 (0 = no truncation), found -2; likely cause: a negative "
                + "value (0 samples among all characters)",
                fails(ExitCodes.USAGE, tmp, "sample", "--runs-dir", runs.toString(), "--top-k", "-2"));
        assertTrue(fails(ExitCodes.USAGE, tmp, "sample", "--runs-dir", runs.toString(), "--prime", "\u00e9t\u00e9")
                .startsWith("recur sample: --prime: character U+00E9 '\u00e9' at position 0 (code-point index) is not"
                        + " in the vocabulary"));
        assertEquals("recur eval: Missing required option: '--text=FILE' (see 'recur eval --help')",
                fails(ExitCodes.USAGE, tmp, "eval"));
        String none = fails(ExitCodes.FAILURE, tmp, "sample", "--runs-dir", tmp.resolve("nowhere").toString());
        assertTrue(none.startsWith("recur sample: " + tmp.resolve("nowhere") + ": expected a run folder with a"
                + " checkpoint, found none"), none);
        assertTrue(fails(ExitCodes.FAILURE, tmp, "train", "--corpus", tmp.resolve("missing.txt").toString())
                .startsWith("recur train: " + tmp.resolve("missing.txt") + ": no such file or directory ("));
    }

    @Test
    void sizesWhoseTensorsCannotExistAreUsageErrors() throws IOException {
        String c = corpus.toString();
        String r = tmp.resolve("runs").toString();
        // were "internal error": an integer overflow, a negative array size
        assertEquals("recur train: --hidden: expected a size whose tensors fit in a Java array (at most "
                + "2,147,483,639 elements each), found 100000, which makes rnn.weight_hh_l0 [400000 x 100000] = "
                + "40,000,000,000 elements; likely cause: a typo, or a model too large for one machine",
                fails(ExitCodes.USAGE, tmp, "train", "--corpus", c, "--runs-dir", r, "--hidden", "100000"));
        assertTrue(fails(ExitCodes.USAGE, tmp, "train", "--corpus", c, "--runs-dir", r, "--hidden", "2147483647")
                .startsWith("recur train: --hidden: expected a size whose tensors fit in a Java array"));
        assertTrue(fails(ExitCodes.USAGE, tmp, "train", "--corpus", c, "--runs-dir", r, "--embedding", "2147483647")
                .startsWith("recur train: --embedding: expected a size whose tensors fit in a Java array"));
        assertTrue(fails(ExitCodes.USAGE, tmp, "train", "--corpus", c, "--runs-dir", r, "--batch", "3200", "--seq",
                "1000").startsWith("recur train: --batch/--seq: expected a size whose tensors fit in a Java array "
                + "(at most 2,147,483,639 elements each), found 3200 and 1000, which makes the gate values of a layer "
                + "[1000 x 3200 x 1024]"));
        // the logits [T, B, V] are checked once the corpus gives V (before the run folder is made): 21500
        // distinct characters in chunks of 100 x 1000
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 120_000; i++) {
            many.appendCodePoint(0x4E00 + i % 21_500);
        }
        String wide = Files.writeString(tmp.resolve("wide.txt"), many).toString();
        assertEquals("recur train: --batch/--seq: expected a size whose tensors fit in a Java array (at most "
                + "2,147,483,639 elements each), found 100 and 1000, which makes the logits [1000 x 100 x 21500] = "
                + "2,150,000,000 elements; likely cause: a typo, or a model too large for one machine", fails(ExitCodes.USAGE, tmp, "train", "--corpus", wide, "--runs-dir", r,
                "--hidden", "8", "--embedding", "8", "--layers", "1", "--batch", "100", "--seq", "1000"));
        // a checkpoint.json edited to an impossible size: the manifest is named, nothing is allocated
        Path copy = copyOfFirstRun();
        Path json = copy.resolve(Manifest.FILE);
        Files.writeString(json, Files.readString(json).replace("\"hidden_size\" : 16", "\"hidden_size\" : 2147483647"));
        for (String[] args : List.of(new String[] {"sample", "--checkpoint", copy.toString()},
                new String[] {"eval", "--checkpoint", copy.toString(), "--text", c})) {
            String line = fails(ExitCodes.FAILURE, tmp, args);
            assertTrue(line.startsWith("recur " + args[0] + ": " + json + ": expected a valid model configuration, "
                    + "found hidden_size: expected a size whose tensors fit in a Java array"), line);
        }
    }

    /** Just above the cap (100000 used to start that many threads, until the process ran out of them). */
    @Test
    void threadsAreCappedAsInTheExperiments() throws IOException {
        String tooMany = "--threads: expected 0..256 (0 = one per processor), found 257; likely cause: a count larger "
                + "than useful (more threads only add overhead, and the results do not depend on the count)";
        assertEquals("recur train: " + tooMany, fails(ExitCodes.USAGE, tmp, "train", "--corpus", corpus.toString(),
                "--runs-dir", tmp.resolve("runs").toString(), "--threads", "257"));
        assertEquals("recur train: " + tooMany, fails(ExitCodes.USAGE, tmp, "train", "--resume",
                runs.resolve("first").toString(), "--threads", "257"));
        assertEquals("recur sample: " + tooMany,
                fails(ExitCodes.USAGE, tmp, "sample", "--runs-dir", runs.toString(), "--threads", "257"));
        assertEquals("recur eval: --threads: expected 0..256 (0 = one per processor), found -1; likely cause: a "
                + "negative count (0 gives one thread per processor)", fails(ExitCodes.USAGE, tmp, "eval",
                "--runs-dir", runs.toString(), "--text", corpus.toString(), "--threads", "-1"));
    }

    @Test
    void theTemperatureIsCheckedBeforeTraining() throws IOException {
        // used to train and write the run, then fail at the final sample
        for (String t : List.of("-1", "NaN")) {
            String line = fails(ExitCodes.USAGE, tmp, train("--corpus", corpus.toString(), "--runs-dir",
                    tmp.resolve("runs").toString(), "--temperature", t));
            assertTrue(line.startsWith("recur train: --temperature: expected a finite number >= 0 "), line);
            assertTrue(line.contains(", found " + Double.parseDouble(t) + "; likely cause: "), line);
        }
    }

    /** /dev/zero used to be read until the heap ran out, and a FIFO blocked forever. */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void textInputsMustBeRegularFiles() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/zero")), "a Unix /dev/zero");
        assertEquals("recur train: /dev/zero: expected a UTF-8 text file, found a character device; likely cause: the "
                + "wrong path (the whole text is read first, and a device or pipe may never end or never start)",
                fails(ExitCodes.FAILURE, tmp, "train", "--corpus", "/dev/zero", "--runs-dir",
                        tmp.resolve("runs").toString()));
        Path fifo = FileFixtures.fifoOrSkip(tmp.resolve("fifo"));
        assertTrue(fails(ExitCodes.FAILURE, tmp, "train", "--corpus", fifo.toString(), "--runs-dir",
                tmp.resolve("runs").toString()).startsWith("recur train: " + fifo + ": expected a UTF-8 text file, "
                + "found a FIFO (named pipe); "));
        assertTrue(fails(ExitCodes.FAILURE, tmp, "eval", "--runs-dir", runs.toString(), "--text", fifo.toString())
                .startsWith("recur eval: " + fifo + ": expected a UTF-8 text file, found a FIFO (named pipe); "));
        assertTrue(fails(ExitCodes.FAILURE, tmp, "inspect", "--runs-dir", runs.toString(), "--text", "/dev/zero",
                "--out", tmp.resolve("page.html").toString()).startsWith("recur inspect: /dev/zero: expected a UTF-8"
                + " text file, found a character device; "));
    }

    @Test
    void theRunsFolderIsCheckedBeforeTraining() throws IOException {
        Path file = Files.writeString(tmp.resolve("runs-file"), "not a folder");
        assertEquals("recur train: --runs-dir: expected a folder to write into, found " + file + ", which is a file;"
                + " likely cause: a file was given where a folder was expected",
                fails(ExitCodes.USAGE, tmp, train("--corpus", corpus.toString(), "--runs-dir", file.toString())));
        assertEquals("recur train: --runs-dir: expected the folder of the run folders, found the run folder "
                + runs.resolve("first") + " (it holds checkpoint.json); likely cause: a run folder was given by mistake",
                fails(ExitCodes.USAGE, runs, train("--corpus", corpus.toString(), "--runs-dir",
                        runs.resolve("first").toString())));
    }

    @Test
    void runFolderMistakesAreNamed() throws IOException {
        Path copy = copyOfFirstRun();
        Path weights = copy.resolve(ManifestFormat.read(copy).files().get("model").name());
        assertEquals("recur sample: " + weights + ": expected a run folder (or its checkpoint.json), found a file; "
                + "likely cause: a file of the run was given instead of its folder",
                fails(ExitCodes.FAILURE, tmp, "sample", "--checkpoint", weights.toString()));
        Path json = copy.resolve(Manifest.FILE);
        Files.delete(json);
        // the reason written where the manifest is missing used to be dropped for "no such file or directory"
        assertEquals("recur sample: " + json + ": no checkpoint in this folder (a run killed before its first "
                + "checkpoint, or not a run folder)", fails(ExitCodes.FAILURE, tmp, "sample", "--checkpoint",
                copy.toString()));
        Files.createDirectory(json);
        assertEquals("recur sample: " + json + ": expected the checkpoint manifest, a file, found a directory; likely"
                + " cause: the folder was not written by recur", fails(ExitCodes.FAILURE, tmp, "sample",
                "--checkpoint", copy.toString()));
    }

    @Test
    void aBareRunNameIsLookedUpUnderTheRunsFolder() throws IOException {
        // "first" is not in the working directory: it is the run of that name under --runs-dir
        Run r = run("sample", "--runs-dir", runs.toString(), "--checkpoint", "first", "--length", "5");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.errLines().get(0).startsWith("sampling from " + runs.resolve("first") + " "), r.err());
        assertEquals("recur sample: no-such-run: expected a run folder, found none of that name in the working "
                + "directory or in " + runs + " (--runs-dir); likely cause: a mistyped name, or runs kept in another "
                + "folder (give its path, or --runs-dir)", fails(ExitCodes.FAILURE, tmp, "sample", "--runs-dir",
                runs.toString(), "--checkpoint", "no-such-run"));
        String help = run("sample", "--help").out().replaceAll("\\s+", " ");
        assertTrue(help.contains("a bare name that is not in the working directory is a run under --runs-dir"), help);
    }

    @Test
    void aHandEditedVocabularyGivesOneLikelyCause() throws IOException {
        Path copy = copyOfFirstRun();
        Path json = copy.resolve(Manifest.FILE);
        JsonNode root = JSON.readTree(json.toFile());
        var codePoints = (com.fasterxml.jackson.databind.node.ArrayNode) root.get("preprocessing").get("vocabulary")
                .get("code_points");
        codePoints.set(2, codePoints.get(1));
        JSON.writeValue(json.toFile(), root);
        String line = fails(ExitCodes.FAILURE, tmp, "sample", "--checkpoint", copy.toString());
        assertTrue(line.startsWith("recur sample: " + json + ": expected a valid vocabulary, found vocabulary: "), line);
        assertEquals(1, line.split("likely cause", -1).length - 1, line);
    }

    @Test
    void evalWordsATooLargeBatchForEval() throws IOException {
        Path text = Files.writeString(tmp.resolve("short.txt"), "the cat sat");
        assertEquals("recur eval: --batch: expected at most 10 streams for the 11 characters of " + text + " (each "
                + "stream predicts at least one character from the one before it), found 100000; likely cause: a text "
                + "too short for this many streams (without --batch, eval reads a short text in fewer streams)",
                fails(ExitCodes.USAGE, tmp, "eval", "--runs-dir", runs.toString(), "--text", text.toString(),
                        "--batch", "100000"));
    }

    @Test
    void evalRefusesATextWithCharactersTheModelNeverSaw() throws IOException {
        Path text = Files.writeString(tmp.resolve("other.txt"), "the cat sat on the mat, quietly.\n");
        String line = fails(ExitCodes.USAGE, tmp, "eval", "--runs-dir", runs.toString(), "--text", text.toString());
        assertTrue(line.startsWith("recur eval: " + text + ": character U+002C ',' at position 22"), line);
    }

    @Test
    void theHelpOfEveryOptionIsThere() {
        for (String cmd : List.of("train", "sample", "eval")) {
            CommandLine sub = Main.newCommandLine().getSubcommands().get(cmd);
            sub.getCommandSpec().options().forEach(o -> assertNotEquals(0, o.description().length,
                    cmd + " " + o.longestName() + " has no help text"));
        }
        Run r = run("train", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("Hidden size H. Default: 256."), r.out());
        assertTrue(r.out().contains("Learning rate. Default: 0.002."), r.out());
    }
}
