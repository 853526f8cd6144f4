package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.recur.cli.TrainCommandTest.Run;
import dev.recur.diagnostics.ActivationRecorder;
import dev.recur.diagnostics.UnitActivations;
import dev.recur.tensor.Precision;
import dev.recur.charlm.CharModelRun;
import dev.recur.model.CharLanguageModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code recur inspect} in-process: the page it writes is self-contained and holds the text and
 * every unit's trace, and bad input gets a one-line message and no file.
 */
class InspectCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;
    static Path corpus;
    static Path run;

    @TempDir
    Path tmp;

    /** English-like text with quotations and brackets, so that every feature varies. */
    static String quotedEnglish(int characters) {
        String base = TrainCommandTest.english(characters, 5);
        StringBuilder sb = new StringBuilder();
        String[] words = base.split(" ");
        for (int i = 0; i < words.length; i++) {
            String w = words[i];
            if (i % 11 == 3) {
                w = "\"" + w;
            } else if (i % 11 == 6) {
                w = w + "\"";
            } else if (i % 17 == 9) {
                w = "(" + w + ")";
            }
            sb.append(w).append(i + 1 < words.length ? " " : "");
        }
        return sb.toString();
    }

    /** Trains a small model (2 LSTM layers of 16) on {@code corpus} into {@code runs/name}. */
    static Path train(Path corpus, Path runs, String name) {
        Run r = TrainCommandTest.run(TrainCommandTest.train("--corpus", corpus.toString(), "--runs-dir",
                runs.toString(), "--run-name", name, "--steps", "30", "--eval-every", "30", "--sample-length", "0"));
        assertEquals(0, r.code(), r.err());
        return runs.resolve(name);
    }

    @BeforeAll
    static void trainOnce() throws IOException {
        corpus = Files.writeString(shared.resolve("quoted.txt"), quotedEnglish(4000));
        run = train(corpus, shared.resolve("runs"), "small");
    }

    /** The JSON the page embeds. */
    static JsonNode pageData(String html) throws IOException {
        Matcher m = Pattern.compile("<script type=\"application/json\" id=\"data\">(.*?)</script>", Pattern.DOTALL)
                .matcher(html);
        assertTrue(m.find(), "the page embeds its data");
        return JSON.readTree(m.group(1));
    }

    @Test
    void writesASelfContainedPageWithEveryTrace() throws IOException {
        Path page = tmp.resolve("sub/page.html");
        Run r = TrainCommandTest.run("inspect", "--checkpoint", run.toString(), "--text", corpus.toString(),
                "--offset", "10", "--max-chars", "300", "--out", page.toString());
        assertEquals(0, r.code(), r.err());
        List<String> out = r.outLines();
        assertEquals("page: " + page, out.get(0));
        assertTrue(out.contains("characters: 300"), out.toString());
        assertTrue(out.stream().anyMatch(l -> l.matches("inside_quotes: layer \\d .* unit \\d+ r=-?\\d\\.\\d{3}")),
                out.toString());
        String html = Files.readString(page, StandardCharsets.UTF_8);
        // offline: nothing is fetched from anywhere
        assertFalse(Pattern.compile("(src|href)\\s*=\\s*[\"']?(https?:)?//").matcher(html).find(), "external reference");
        assertFalse(html.contains("@import") || html.contains("url("), "external style");
        JsonNode data = pageData(html);
        String text = Files.readString(corpus).substring(10, 310);
        List<String> chars = new ArrayList<>();
        data.get("text").forEach(n -> chars.add(n.asText()));
        assertEquals(text, String.join("", chars));
        assertEquals(2, data.get("layers").asInt());
        assertEquals(16, data.get("hidden").asInt());
        // LSTM: cell, hidden and four gate signals per layer, each [H, T] bytes
        assertEquals(12, data.get("signals").size());
        // every trace is the library's recording of this text, quantised: computed here independently
        CharLanguageModel<float[]> model = CharModelRun.load(run, Precision.F32.withThreads(1));
        UnitActivations expected = ActivationRecorder.record(model.model(), model.vocabulary().encode(text));
        for (JsonNode s : data.get("signals")) {
            var trace = expected.trace(s.get("layer").asInt(), UnitActivations.Signal.valueOf(s.get("signal").asText()));
            byte[] bytes = Base64.getDecoder().decode(s.get("data").asText());
            assertEquals(16 * 300, bytes.length);
            assertArrayEquals(InspectPage.quantise(trace), bytes, s.get("layer") + " " + s.get("signal"));
            assertEquals(trace.lowerBound(), s.get("lo").asDouble());
            assertEquals(trace.upperBound(), s.get("hi").asDouble());
        }
        assertEquals(4, data.get("correlations").size());
        for (JsonNode f : data.get("correlations")) {
            assertEquals(10, f.get("units").size(), f.get("feature").asText());
        }
    }

    @Test
    void quantisationCoversTheRange() {
        assertEquals(0, InspectPage.quantise(-1, -1, 1));
        assertEquals(255, InspectPage.quantise(1, -1, 1));
        assertEquals(128, InspectPage.quantise(0.0, -1, 1));        // 127.5 rounds up
        assertEquals(64, InspectPage.quantise(0.25, 0, 1));         // 63.75
        assertEquals(255, InspectPage.quantise(7, 0, 1));           // clamped
        assertEquals(0, InspectPage.quantise(Double.NaN, 0, 1));
    }

    @Test
    void aGruOnANonBmpTextWithMarkupSurvivesThePage() throws IOException {
        String text = "a \uD83D\uDE00 </script><!-- \"b\" (c)\n".repeat(60);
        Path corpusFile = Files.writeString(tmp.resolve("odd.txt"), text);
        Run t = TrainCommandTest.run("train", "--corpus", corpusFile.toString(), "--runs-dir",
                tmp.resolve("runs").toString(), "--run-name", "gru", "--cell", "gru", "--layers", "1", "--hidden", "8",
                "--embedding", "4", "--batch", "2", "--seq", "8", "--steps", "5", "--eval-every", "5",
                "--sample-length", "0", "--threads", "1");
        assertEquals(0, t.code(), t.err());
        Path page = tmp.resolve("odd.html");
        Run r = TrainCommandTest.run("inspect", "--checkpoint", tmp.resolve("runs/gru").toString(), "--text",
                corpusFile.toString(), "--max-chars", "100", "--out", page.toString());
        assertEquals(0, r.code(), r.err());
        String html = Files.readString(page);
        assertFalse(html.contains("</script><!--"), "markup in the text is escaped inside the page's script");
        JsonNode data = pageData(html);
        List<String> chars = new ArrayList<>();
        data.get("text").forEach(n -> chars.add(n.asText()));
        int[] cps = text.codePoints().limit(100).toArray();
        assertEquals(new String(cps, 0, cps.length), String.join("", chars));
        assertEquals("\uD83D\uDE00", chars.get(2), "a non-BMP character is one entry");
        assertEquals(1, data.get("layers").asInt());
        // GRU: hidden state and three gate signals
        assertEquals(4, data.get("signals").size());
    }

    @Test
    void aFeatureTheTextLacksIsReportedAsConstant() throws IOException {
        Path text = Files.writeString(tmp.resolve("plain.txt"), TrainCommandTest.english(500, 9));
        Path page = tmp.resolve("plain.html");
        Run r = TrainCommandTest.run("inspect", "--checkpoint", run.toString(), "--text", text.toString(),
                "--out", page.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.outLines().contains("inside_quotes: constant over this text"), r.out());
        assertTrue(r.outLines().contains("inside_brackets: constant over this text"), r.out());
        assertEquals(0, pageData(Files.readString(page)).get("correlations").get(0).get("units").size());
    }

    @Test
    void withoutTextItShowsTheEndOfTheTrainingCorpus() throws IOException {
        Path page = tmp.resolve("default.html");
        Run r = TrainCommandTest.run("inspect", "--checkpoint", run.toString(), "--max-chars", "120",
                "--out", page.toString());
        assertEquals(0, r.code(), r.err());
        String all = Files.readString(corpus);
        List<String> chars = new ArrayList<>();
        pageData(Files.readString(page)).get("text").forEach(n -> chars.add(n.asText()));
        assertEquals(all.substring(all.length() - 120), String.join("", chars));
    }

    /** Without --text the recorded corpus is read again; if it changed since training, the message says so. */
    @Test
    void aTrainingCorpusChangedSinceTrainingIsNamed() throws IOException {
        Path text = Files.writeString(tmp.resolve("changing.txt"), quotedEnglish(3000));
        Path changed = train(text, tmp.resolve("runs"), "changing");
        Files.writeString(text, quotedEnglish(3000) + " \u03b1\u03b2");
        Path page = tmp.resolve("never.html");
        Run r = TrainCommandTest.run("inspect", "--checkpoint", changed.toString(), "--max-chars", "100",
                "--out", page.toString());
        assertEquals(ExitCodes.USAGE, r.code(), r.err());
        assertEquals(List.of("recur inspect: the training corpus " + text + ": expected characters the model knows,"
                + " found U+03B1 (GREEK SMALL LETTER ALPHA) at character 98 of its last 100; likely cause: the file has"
                + " changed since the run was trained (its SHA-256 differs from the one recorded; give --text FILE)"),
                r.errLines());
        assertFalse(Files.exists(page));
        // changed, but every character known: the page is written, with a warning saying so
        Files.writeString(text, quotedEnglish(2900));
        r = TrainCommandTest.run("inspect", "--checkpoint", changed.toString(), "--max-chars", "100", "-q",
                "--out", page.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("warning: the training corpus " + text + " has changed since the run was trained (its"
                + " SHA-256 differs from the one recorded): the page shows its end as it is now"), r.errLines());
        assertTrue(Files.exists(page));
    }

    @Test
    void badInputGetsOneLineAndNoFile() throws IOException {
        Path page = tmp.resolve("never.html");
        Path greek = Files.writeString(tmp.resolve("greek.txt"), "the cat αβ");
        String[][] cases = {
            {"--text", greek.toString()},
            {"--text", tmp.resolve("missing.txt").toString()},
            {"--max-chars", "0"},
            {"--offset", "5"},
            {"--text", corpus.toString(), "--offset", "999999"},
            {"--top", "0"},
            {"--max-chars", "9000000"},
        };
        String[] expected = {
            "expected characters the model knows, found U+03B1 (GREEK SMALL LETTER ALPHA) at character 8",
            "missing.txt",
            "--max-chars: expected >= 1, found 0",
            "--offset: only with --text FILE",
            "--offset: expected less than the text's",
            "--top: expected >= 1, found 0",
            "--max-chars: expected at most 1041666 characters for this model (2 layers x 6 signals x 16 units = 192"
                    + " values per character, at most 200000000 in a page), found 9000000",
        };
        for (int i = 0; i < cases.length; i++) {
            List<String> args = new ArrayList<>(List.of("inspect", "--checkpoint", run.toString(), "--out",
                    page.toString()));
            args.addAll(List.of(cases[i]));
            Run r = TrainCommandTest.run(args.toArray(new String[0]));
            assertNotEquals(0, r.code(), String.join(" ", cases[i]));
            assertEquals(1, r.errLines().size(), r.err());
            assertTrue(r.err().contains(expected[i]), r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
            assertFalse(Files.exists(page));
        }
        Run r = TrainCommandTest.run("inspect", "--checkpoint", tmp.resolve("nothing").toString());
        assertNotEquals(0, r.code());
        assertEquals(1, r.errLines().size(), r.err());
    }

    /**
     * --out used to replace a special file (a device, a pipe) or a link with a regular file: it is
     * refused now, and the path is left as it was.
     */
    @Test
    void outMayNotNameAPipeALinkOrAFolder() throws Exception {
        Path target = Files.writeString(tmp.resolve("elsewhere.html"), "kept");
        Path link = Files.createSymbolicLink(tmp.resolve("page-link.html"), target);
        Path folder = Files.createDirectory(tmp.resolve("a-folder"));
        Path pipe = FileFixtures.fifoOrSkip(tmp.resolve("pipe.html"));
        String[][] cases = {
            {link.toString(), "a symbolic link"},
            {pipe.toString(), "a special file (a device or a pipe)"},
        };
        for (String[] c : cases) {
            Run r = TrainCommandTest.run("inspect", "--checkpoint", run.toString(), "--max-chars", "50", "--out",
                    c[0]);
            assertEquals(ExitCodes.FAILURE, r.code(), c[0] + ": " + r.err());
            assertEquals(1, r.errLines().size(), r.err());
            assertTrue(r.errLines().get(0).contains(c[0] + ": expected a regular file to write (or no file), found "
                    + c[1]), r.err());
        }
        Run r = TrainCommandTest.run("inspect", "--checkpoint", run.toString(), "--out", folder.toString());
        assertEquals(List.of("recur inspect: --out: expected a file to write, found the directory " + folder),
                r.errLines());
        assertTrue(Files.isSymbolicLink(link) && Files.readString(target).equals("kept"));
        assertTrue(Files.isDirectory(folder) && !Files.isRegularFile(pipe));
    }

    /** --out used to replace whatever it named: the run's manifest (with HTML), the text, a weight file. */
    @Test
    void outMayNotNameAnInput() throws IOException {
        Path copy = Files.createDirectory(tmp.resolve("copy"));
        try (var files = Files.list(run)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        Path text = Files.copy(corpus, tmp.resolve("text.txt"));
        Path manifest = copy.resolve("checkpoint.json");
        Path link = Files.createSymbolicLink(tmp.resolve("link.json"), manifest);
        Path weights;
        try (var files = Files.list(copy)) {
            weights = files.filter(f -> f.getFileName().toString().startsWith("model-")).findFirst().orElseThrow();
        }
        String[][] cases = {
            {manifest.toString(), "which is the checkpoint's manifest"},
            {copy.resolve("..").resolve("copy").resolve(".").resolve("checkpoint.json").toString(),
                "which is the checkpoint's manifest"},
            {link.toString(), "a link that resolves to the checkpoint's manifest"},
            {text.toString(), "which is the --text file"},
            {weights.toString(), "which is a file of the run folder " + copy},
        };
        byte[] manifestBefore = Files.readAllBytes(manifest);
        byte[] textBefore = Files.readAllBytes(text);
        byte[] weightsBefore = Files.readAllBytes(weights);
        for (String[] c : cases) {
            Run r = TrainCommandTest.run("inspect", "--checkpoint", copy.toString(), "--text", text.toString(),
                    "--out", c[0]);
            assertEquals(ExitCodes.USAGE, r.code(), c[0] + ": " + r.err());
            // writing over a link replaces the link, not the file it resolves to: no "would replace it" then
            String replaced = c[0].equals(link.toString()) ? ""
                    : " (writing " + Path.of(c[0]).getFileName() + " would replace it)";
            assertEquals(List.of("recur inspect: --out: expected a file that is not an input of the command, found "
                    + c[0] + ", " + c[1] + "; likely cause: the options were mixed up" + replaced), r.errLines());
        }
        assertArrayEquals(manifestBefore, Files.readAllBytes(manifest));
        assertArrayEquals(textBefore, Files.readAllBytes(text));
        assertArrayEquals(weightsBefore, Files.readAllBytes(weights));
        // without --text the text shown is the training corpus: an input too
        Run r = TrainCommandTest.run("inspect", "--checkpoint", copy.toString(), "--out", corpus.toString());
        assertEquals(ExitCodes.USAGE, r.code(), r.err());
        assertTrue(r.err().contains("which is the corpus the model was trained on"), r.err());
        // a new page inside the run folder is fine
        r = TrainCommandTest.run("inspect", "--checkpoint", copy.toString(), "--text", text.toString(),
                "--max-chars", "50", "--out", copy.resolve("page.html").toString());
        assertEquals(0, r.code(), r.err());
    }
}
