package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/** {@code recur experiment} and {@code recur diagnose} in-process, on tiny budgets. */
class ExperimentCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }
    }

    private static Run run(String... args) {
        CommandLine cl = Main.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static List<JsonNode> json(Run r) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : r.outLines()) {
            JsonNode n = JSON.readTree(line);
            assertTrue(n.isObject(), line);
            nodes.add(n);
        }
        return nodes;
    }

    @Test
    void lagJsonIsOneObjectPerEvaluationEndingWithTheFinalOne() throws Exception {
        Run r = run("experiment", "lag", "--lag", "5", "--steps", "20", "--eval-every", "10", "--hidden", "8",
                "--test-size", "20", "--format", "json");
        assertEquals(0, r.code(), r.err());
        List<JsonNode> rows = json(r);
        assertEquals(2, rows.size(), r.out());
        for (JsonNode n : rows) {
            for (String field : List.of("task", "lag", "cell", "seed", "step", "train_loss", "test_loss",
                    "test_accuracy", "elapsed_s", "solved", "final")) {
                assertTrue(n.has(field), field + " in " + n);
            }
            assertEquals("lag", n.get("task").asText());
            assertEquals("lstm", n.get("cell").asText());
        }
        assertEquals(10, rows.get(0).get("step").asLong());
        assertFalse(rows.get(0).get("final").asBoolean());
        assertEquals(20, rows.get(1).get("step").asLong());
        assertTrue(rows.get(1).get("final").asBoolean());
        assertTrue(r.err().contains("lag recall (experiment 2a), p = 5"), r.err());
        assertTrue(r.err().contains("step 20/20"), "progress on stderr: " + r.err());
    }

    @Test
    void addingTextRowsHaveNoAccuracy() {
        Run r = run("experiment", "adding", "--seq-len", "6", "--steps", "4", "--eval-every", "2", "--hidden", "4",
                "--batch-size", "4", "--test-size", "8", "--cell", "gru", "--seed", "3");
        assertEquals(0, r.code(), r.err());
        assertEquals(2, r.outLines().size(), r.out());
        String last = r.outLines().get(1);
        assertTrue(last.startsWith("task=adding seq_len=6 cell=gru seed=3 step=4 train_loss="), last);
        assertFalse(last.contains("test_accuracy"), last);
        assertTrue(last.endsWith("final=true"), last);
    }

    @Test
    void compareWritesTableCurvesAndChart() throws Exception {
        Path dir = tmp.resolve("cmp");
        Run r = run("experiment", "compare", "order", "--steps", "2", "--eval-every", "1", "--hidden", "4",
                "--batch-size", "2", "--test-size", "4", "--cells", "lstm,gru,rnn", "--out", dir.toString(),
                "--format", "json");
        assertEquals(0, r.code(), r.err());
        List<JsonNode> rows = json(r);
        assertEquals(3 * 2 + 2, rows.size(), r.out());
        assertTrue(rows.get(6).get("table").asText().contains("| lstm | 1 | 2 |"), rows.get(6).toString());
        assertEquals(dir.resolve("learning-curves.png").toString(), rows.get(7).get("chart").asText());
        String md = Files.readString(dir.resolve("results.md"));
        assertTrue(md.contains("| cell | seed | steps | final test cross-entropy"), md);
        assertTrue(md.contains("| rnn | 1 | 2 |"), md);
        assertTrue(md.contains("Solved (test accuracy >= 0.99"), md);
        List<String> csv = Files.readAllLines(dir.resolve("curves.csv"));
        assertEquals("task,cell,seed,step,train_loss,test_loss,test_accuracy,elapsed_s", csv.get(0));
        assertEquals(1 + 3 * 2, csv.size());
        assertArrayEquals(PNG, Arrays.copyOf(Files.readAllBytes(dir.resolve("learning-curves.png")), 4));
    }

    @Test
    void diagnosePrintsRatiosAndWritesCsvAndCharts() throws Exception {
        Path dir = tmp.resolve("diag");
        Run r = run("diagnose", "--lag", "6", "--steps", "4", "--eval-every", "2", "--hidden", "8",
                "--test-size", "8", "--probe-size", "4", "--out", dir.toString(), "--format", "json");
        assertEquals(0, r.code(), r.err());
        List<JsonNode> rows = json(r);
        assertEquals(3 * 2 + 1, rows.size(), r.out());
        List<String> seen = new ArrayList<>();
        for (JsonNode n : rows.subList(0, 6)) {
            seen.add(n.get("cell").asText() + "/" + n.get("phase").asText());
            assertTrue(n.get("dh_ratio").isNumber(), n.toString());
            assertTrue(n.get("dx_ratio").isNumber(), n.toString());
            assertEquals(n.get("cell").asText().equals("lstm"), n.has("dc_ratio"), n.toString());
            assertEquals(n.get("phase").asText().equals("init") ? 0 : 4, n.get("step").asLong());
        }
        assertEquals(List.of("lstm/init", "lstm/trained", "gru/init", "gru/trained", "rnn/init", "rnn/trained"), seen);
        List<String> norms = Files.readAllLines(dir.resolve("gradient-norms.csv"));
        assertEquals("cell,phase,t,dL_dh,dL_dc,dL_dx", norms.get(0));
        assertEquals(1 + 6 * 6, norms.size());
        List<String> gates = Files.readAllLines(dir.resolve("gate-stats.csv"));
        assertEquals(1 + 2 * (3 + 2) * 6, gates.size(), "lstm 3 gates, gru 2, two phases, 6 steps");
        for (String png : List.of("gradient-norms-init.png", "gradient-norms-trained.png",
                "input-gradient-norms-init.png", "gates-lstm-init.png", "gates-gru-trained.png")) {
            assertArrayEquals(PNG, Arrays.copyOf(Files.readAllBytes(dir.resolve(png)), 4), png);
        }
        assertFalse(Files.exists(dir.resolve("gates-rnn-init.png")), "the vanilla RNN has no gates");
    }

    @Test
    void diagnoseWithoutTrainingOnlyLooksAtInitialisation() throws Exception {
        Path dir = tmp.resolve("init");
        Run r = run("diagnose", "--task", "adding", "--seq-len", "5", "--steps", "0", "--cells", "rnn",
                "--hidden", "4", "--test-size", "4", "--probe-size", "3", "--out", dir.toString(), "--format", "json");
        assertEquals(0, r.code(), r.err());
        List<JsonNode> rows = json(r);
        assertEquals(2, rows.size(), r.out());
        assertEquals("init", rows.get(0).get("phase").asText());
        assertEquals(5, rows.get(0).get("seq_len").asInt());
        assertFalse(rows.get(0).has("test_accuracy"));
        assertFalse(Files.exists(dir.resolve("gradient-norms-trained.png")));
    }

    @Test
    void badInputIsAOneLineUsageError() {
        for (String[] args : List.of(
                new String[] {"experiment", "adding", "--seq-len", "1"},
                new String[] {"experiment", "lag", "--cell", "transformer"},
                new String[] {"experiment", "compare", "adding", "--lag", "5"},
                new String[] {"experiment", "compare", "sorting"},
                new String[] {"experiment"},
                new String[] {"experiment", "order", "--lr", "-1"},
                new String[] {"diagnose", "--probe-size", "0"},
                new String[] {"diagnose", "--steps", "-1"})) {
            Run r = run(args);
            assertEquals(ExitCodes.USAGE, r.code(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.err().lines().count(), String.join(" ", args) + ": " + r.err());
            assertFalse(r.err().contains("Exception"), r.err());
            assertEquals("", r.out());
        }
        assertTrue(run("experiment", "adding", "--seq-len", "1").err().contains("expected 2.."));
        assertTrue(run("experiment", "lag", "--cell", "transformer").err().contains("expected one of lstm"));
    }

    /** Runs a command that must be refused before anything trains or is written; returns its one error line. */
    private String refusedUpFront(String... args) throws Exception {
        Run r = run(args);
        assertEquals(ExitCodes.USAGE, r.code(), String.join(" ", args) + ": " + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        assertEquals("", r.out(), "no evaluation row: nothing trained");
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(), files.filter(f -> !f.getFileName().toString().startsWith("keep-")).toList());
        }
        return r.err().strip();
    }

    @Test
    void oversizedSizesAreUsageErrors() throws Exception {
        // were "internal error" (an integer overflow, a negative array size) or "out of memory ... a larger heap"
        assertTrue(refusedUpFront("experiment", "adding", "--hidden", "100000").startsWith("recur experiment adding: "
                + "--hidden: expected a size whose tensors fit in a Java array (at most 2,147,483,639 elements each),"
                + " found 100000, which makes rnn.weight_hh_l0 [400000 x 100000]"));
        assertEquals("recur experiment adding: --batch-size: expected 1..65536 sequences, found 100000000; likely "
                + "cause: a batch too large to train on in memory",
                refusedUpFront("experiment", "adding", "--batch-size", "100000000"));
        assertTrue(refusedUpFront("experiment", "adding", "--batch-size", "2147483647").contains("found 2147483647"));
        assertEquals("recur experiment adding: --test-size: expected 1..100000 sequences, found 2147483647; likely "
                + "cause: a test set too large to hold in memory",
                refusedUpFront("experiment", "adding", "--test-size", "2147483647"));
        // within the bounds, too large for the task's longest sequence: the option is named too
        assertTrue(refusedUpFront("experiment", "adding", "--seq-len", "100000", "--batch-size", "60000")
                .startsWith("recur experiment adding: --batch-size: expected a size whose tensors fit in a Java array"));
        assertEquals("recur diagnose: --probe-size: expected 1..65536 sequences, found 100000000; likely cause: a "
                + "probe too large to diagnose in memory", refusedUpFront("diagnose", "--probe-size", "100000000"));
        // too small is not too large
        assertEquals("recur diagnose: --probe-size: expected >= 1 sequences, found 0; likely cause: 0 or a negative "
                + "size (the diagnostics average over at least one sequence)",
                refusedUpFront("diagnose", "--probe-size", "0"));
        assertTrue(refusedUpFront("diagnose", "--probe-size", "-5").startsWith("recur diagnose: --probe-size: expected "
                + ">= 1 sequences, found -5; "));
        assertEquals("recur experiment adding: --batch-size: expected >= 1, found 0",
                refusedUpFront("experiment", "adding", "--batch-size", "0"));
        assertEquals("recur experiment adding: --test-size: expected >= 1, found -1",
                refusedUpFront("experiment", "adding", "--test-size", "-1"));
        // a size fine for the GRU that comes first, too large for the LSTM after it: refused before the GRU trains
        assertTrue(refusedUpFront("experiment", "compare", "adding", "--seq-len", "5", "--cells", "gru,lstm",
                "--hidden", "24000", "--steps", "1", "--out", tmp.resolve("cmp").toString())
                .contains("weight_hh_l0 [96000 x 24000]"));
        assertTrue(refusedUpFront("diagnose", "--task", "adding", "--cells", "rnn", "--hidden", "4",
                "--probe-size", "60000", "--seq-len", "40000", "--steps", "1", "--out", tmp.resolve("d").toString())
                .contains("--probe-size: expected a size whose tensors fit"));
    }

    @Test
    void listsNameEachValueOnce() throws Exception {
        // --seeds 1,1 used to train every run, then fail in the chart ("Series name >lstm< has already been used")
        assertEquals("recur experiment compare: --seeds: expected each value once, found 1 twice in 1,1; likely cause: "
                + "a repeated value", refusedUpFront("experiment", "compare", "adding", "--seq-len", "5", "--cells",
                "lstm", "--seeds", "1,1", "--steps", "2", "--hidden", "4", "--out", tmp.resolve("cmp").toString()));
        assertEquals("recur experiment compare: --cells: expected each cell once, found rnn twice in rnn,rnn_tanh; "
                + "likely cause: a repeated name (rnn and rnn_tanh are the same cell)",
                refusedUpFront("experiment", "compare", "adding", "--cells", "rnn,rnn_tanh", "--out",
                        tmp.resolve("cmp").toString()));
        assertTrue(refusedUpFront("diagnose", "--cells", "gru,lstm,gru", "--out", tmp.resolve("d").toString())
                .startsWith("recur diagnose: --cells: expected each cell once, found gru twice"));
    }

    @Test
    void anOutFolderThatCannotBeWrittenIsRefusedBeforeTraining() throws Exception {
        Path file = Files.writeString(tmp.resolve("keep-file.txt"), "a file");
        Path run = Files.createDirectories(tmp.resolve("keep-run"));
        Files.writeString(run.resolve("checkpoint.json"), "{}");
        String[] tiny = {"--seq-len", "5", "--steps", "2", "--eval-every", "1", "--hidden", "4", "--batch-size", "2",
            "--test-size", "4"};
        for (String cmd : List.of("compare", "diagnose")) {
            List<String> base = new ArrayList<>(cmd.equals("compare") ? List.of("experiment", "compare", "adding")
                    : List.of("diagnose", "--task", "adding"));
            base.addAll(List.of(tiny));
            String name = cmd.equals("compare") ? "recur experiment compare" : "recur diagnose";
            List<String> a = new ArrayList<>(base);
            a.addAll(List.of("--out", file.toString()));
            assertEquals(name + ": --out: expected a folder to write into, found " + file + ", which is a file; likely "
                    + "cause: a file was given where a folder was expected", refusedUpFront(a.toArray(new String[0])));
            a = new ArrayList<>(base);
            a.addAll(List.of("--out", file.resolve("sub").toString()));
            assertTrue(refusedUpFront(a.toArray(new String[0])).contains("whose path holds the file " + file), cmd);
            a = new ArrayList<>(base);
            a.addAll(List.of("--out", run.toString()));
            assertEquals(name + ": --out: expected a folder for the results, found the run folder " + run + " (it "
                    + "holds checkpoint.json); likely cause: a run folder was given by mistake",
                    refusedUpFront(a.toArray(new String[0])));
        }
        try (var files = Files.list(run)) {
            assertEquals(1, files.count(), "nothing written into the run folder");
        }
    }
}
