package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.recur.checkpoint.Checkpoint;
import dev.recur.checkpoint.ManifestFormat;
import dev.recur.cli.TrainCommandTest.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run folders written by the previous checkpoint format (version 1, recur at commit 8f2d830): the
 * commands sample, eval, inspect and resume them, and print and write exactly what that version
 * printed and wrote. The fixtures are those of recur-core ({@code compat/v1}, with the commands that
 * made them in its README); the expected outputs below are what 8f2d830 printed for the same
 * commands, run on the same folders, and the inspect pages it wrote are in {@code compat/v1-outputs}
 * (made with {@code recur inspect --checkpoint runs/NAME --text corpus.txt --max-chars 300}). A
 * page is compared as its text around the data and the data as JSON: the run's and the text's paths
 * differ here, and 8f2d830 wrote the two keys of a feature's entry in either order from run to run.
 */
class CompatibilityTest {

    private static final Path FIXTURES = Path.of(System.getProperty("basedir", "."))
            .resolve("../recur-core/src/test/resources/compat/v1").normalize();
    private static final Path OUTPUTS = Path.of(System.getProperty("basedir", "."))
            .resolve("src/test/resources/compat/v1-outputs");
    private static final String DATA_OPEN = "<script type=\"application/json\" id=\"data\">";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** The fixture run and the corpus, copied where the commands may write. */
    private Path copy(String run) throws IOException {
        Path to = tmp.resolve("runs").resolve(run);
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(FIXTURES.resolve(run))) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        Files.copy(FIXTURES.resolve("corpus.txt"), tmp.resolve("corpus.txt"));
        return to;
    }

    private static Run ok(String... args) {
        Run r = TrainCommandTest.run(args);
        assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
        return r;
    }

    @Test
    void sampleEvalAndInspectPrintWhatTheyPrinted() throws Exception {
        Map<String, String> samples = Map.of(
                "lstm-v1", "TheysfassHd zv.wN'.-R?DYWn;p-.?spbTwq!nIzAsgopCsEOW Lq??cmf I;k",
                "gru-v1", "TheyrhesrLf zv.wS':-WBEccn?p--Aspeawp nNzBshnpEsIUb NpAAemh M;k");
        // recur eval --format json: loss, bits and perplexity of 8f2d830 (its JSON, every digit)
        Map<String, double[]> evals = Map.of(
                "lstm-v1", new double[] {4.005197821248665, 5.778279034494731, 54.882680285616374, 5997},
                "gru-v1", new double[] {3.7830413912508485, 5.457775054635284, 43.94950631768191, 5998});
        Map<String, List<String>> units = Map.of(
                "lstm-v1", List.of("position_in_line: layer 1 cell tanh(c) unit 5 r=-0.229",
                        "position_in_word: layer 1 hidden h unit 0 r=0.299"),
                "gru-v1", List.of("position_in_line: layer 0 hidden h unit 3 r=-0.257",
                        "position_in_word: layer 0 hidden h unit 0 r=-0.379"));
        for (String name : List.of("lstm-v1", "gru-v1")) {
            Path run = copy(name);
            Path corpus = tmp.resolve("corpus.txt");
            assertEquals(1, ManifestFormat.read(run).formatVersion());

            Run s = ok("sample", "--checkpoint", run.toString(), "--length", "60", "--seed", "5", "--prime", "The");
            assertEquals(samples.get(name) + "\n", s.out(), name);

            Run e = ok("--format", "json", "eval", "--checkpoint", run.toString(), "--text", corpus.toString());
            JsonNode row = JSON.readTree(e.out());
            double[] want = evals.get(name);
            assertEquals(want[0], row.get("loss_nats_per_char").doubleValue(), 0, name);
            assertEquals(want[1], row.get("bits_per_char").doubleValue(), 0, name);
            assertEquals(want[2], row.get("perplexity").doubleValue(), 0, name);
            assertEquals((long) want[3], row.get("predicted").longValue(), name);

            Path page = tmp.resolve(name + ".html");
            Run i = ok("inspect", "--checkpoint", run.toString(), "--text", corpus.toString(), "--max-chars", "300",
                    "--out", page.toString());
            for (String line : units.get(name)) {
                assertTrue(i.outLines().contains(line), i.out());
            }
            String written = Files.readString(page, StandardCharsets.UTF_8).replace(run.toString(), "RUN")
                    .replace(corpus.toString(), "TEXT");
            String old = Files.readString(OUTPUTS.resolve(name + ".html"), StandardCharsets.UTF_8)
                    .replace("runs/" + name, "RUN").replace("corpus.txt", "TEXT");
            assertEquals(around(old), around(written), name);
            assertEquals(JSON.readTree(data(old)), JSON.readTree(data(written)), name);
            Files.delete(page);
            deleteTree(tmp.resolve("runs"));
            Files.delete(corpus);
        }
    }

    @Test
    void aResumeWritesTheFilesItWrote() throws Exception {
        // recur train --resume RUN --corpus corpus.txt --steps N --sample-length 20, as 8f2d830 printed and wrote
        record Resume(String name, int steps, List<String> lines, String sample, Map<String, String> files) {
        }
        List<Resume> resumes = List.of(
                new Resume("lstm-v1", 12, List.of("val loss 3.9971 nats/char (5.7666 bits/char) at step 9",
                        "val loss 3.9849 nats/char (5.7490 bits/char) at step 12"), "MWkhrSAB?Emu:yCRNstA",
                        Map.of("model-00000012.safetensors",
                                "6bdff0f38b3575094b70f29708edf15c366ec50cc2ebfe39088c3f25c145aa24",
                                "optimizer-00000012.safetensors",
                                "f7577186135deff63a6c933bac83096f0b383ff0894b9330db357c1766cf24db",
                                "trainer-00000012.safetensors",
                                "24fc0f7e8df05d00523cd85ee29fa56446039b97f8f96f4ccaf74220ea7ec22a")),
                new Resume("gru-v1", 9, List.of("val loss 3.8063 nats/char (5.4913 bits/char) at step 9"),
                        "OaljrYBCAHmt;wFYRrsC",
                        Map.of("model-00000009.safetensors",
                                "d8fed32a69a7a432ba960b63ef9cc03d897ab971a4971bb7723fcb6ae10cc65c",
                                "optimizer-00000009.safetensors",
                                "23568b8cfce0111094cc054e94d11d45cdd79a6f427dba08f7e7d21281428e9d",
                                "trainer-00000009.safetensors",
                                "8ada43c11305c96a9e326e6d1a977724df224ff305e8c0f1ed13022bb2ea3d20")));
        for (Resume want : resumes) {
            Path run = copy(want.name());
            Run r = ok("train", "--resume", run.toString(), "--corpus", tmp.resolve("corpus.txt").toString(), "--steps",
                    Integer.toString(want.steps()), "--sample-length", "20");
            List<String> out = r.outLines();
            assertEquals(want.lines(), out.subList(0, want.lines().size()), r.out());
            assertEquals(want.sample(), out.get(out.size() - 1), r.out());
            for (Map.Entry<String, String> f : want.files().entrySet()) {
                assertEquals(f.getValue(), Checkpoint.sha256(Files.readAllBytes(run.resolve(f.getKey()))),
                        want.name() + " " + f.getKey());
            }
            assertEquals(2, ManifestFormat.read(run).formatVersion(), "its next checkpoint is written in format 2");
            deleteTree(tmp.resolve("runs"));
            Files.delete(tmp.resolve("corpus.txt"));
        }
    }

    /** The page's data: the JSON between its script element's tags. */
    private static String data(String html) {
        int from = html.indexOf(DATA_OPEN) + DATA_OPEN.length();
        return html.substring(from, html.indexOf("</script>", from));
    }

    /** The page without its data. */
    private static String around(String html) {
        return html.replace(data(html), "");
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
