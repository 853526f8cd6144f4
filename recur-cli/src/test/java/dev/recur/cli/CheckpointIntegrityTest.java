package dev.recur.cli;

import static dev.recur.cli.FileFixtures.poke;
import static dev.recur.cli.FileFixtures.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

import dev.recur.cli.TrainCommandTest.Run;
import dev.recur.checkpoint.Checkpoint;
import dev.recur.checkpoint.Manifest;
import dev.recur.checkpoint.ManifestFormat;
import dev.recur.io.SafetensorsFile;
import dev.recur.tensor.Precision;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code recur train}, {@code sample} and {@code eval} do with a run that diverges, a run
 * folder holding NaN or infinity, and a broken {@code checkpoint.json} among the runs: one line
 * naming the file, and no good checkpoint replaced or deleted, no older run silently used.
 */
class CheckpointIntegrityTest {

    /** A tiny model, one checkpoint per step. */
    private static final List<String> TINY = List.of("--hidden", "8", "--embedding", "4", "--layers", "1",
            "--batch", "4", "--seq", "10", "--eval-every", "5", "--checkpoint-every", "1", "--threads", "1",
            "--sample-length", "20");

    @TempDir
    static Path shared;
    static Path corpus;

    @TempDir
    Path tmp;

    @BeforeAll
    static void writeCorpus() throws IOException {
        corpus = Files.writeString(shared.resolve("tiny.txt"), TrainCommandTest.english(4000, 3));
    }

    private static Run train(Path runs, String name, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--corpus", corpus.toString(), "--runs-dir",
                runs.toString(), "--run-name", name));
        args.addAll(TINY);
        args.addAll(List.of(more));
        return TrainCommandTest.run(args.toArray(new String[0]));
    }

    /** The one line on stderr of a failed command, after the notices and the progress bar. */
    private static String failure(Run r, int code) {
        assertEquals(code, r.code(), r.out() + r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        List<String> err = r.errLines();
        return err.get(err.size() - 1);
    }

    @Test
    void aRunWhoseUpdateOverflowsStopsAndKeepsItsLastGoodCheckpoint() throws IOException {
        // Before: exit code 2 with "input x[t=0, b=0, i=0] is Infinity", and a checkpoint of infinite weights.
        Path runs = tmp.resolve("runs");
        String line = failure(train(runs, "sgd", "--steps", "5", "--optimizer", "sgd", "--lr", "1e30", "--clip", "0"),
                ExitCodes.FAILURE);
        assertTrue(line.matches("recur train: training diverged at step 2: expected finite parameters and optimizer"
                + " state after the update, found parameter embedding\\.weight\\[\\d+, \\d+\\] = -?Infinity;"
                + " likely cause: the learning rate \\(1\\.0E30\\) is too high, or no gradient clipping"), line);
        Path run = runs.resolve("sgd");
        assertEquals(1, Checkpoint.load(run, Precision.F32).manifest().step());   // finite, hence loadable

        // Before: "done", then "logit [0] is NaN" in the final sample, with the infinite optimizer state saved.
        Run adam = train(runs, "adam", "--steps", "5", "--optimizer", "adam", "--lr", "1e30", "--clip", "0");
        line = failure(adam, ExitCodes.FAILURE);
        assertTrue(line.startsWith("recur train: training diverged at step 2: expected finite parameters and optimizer"
                + " state after the update, found optimizer state "), line);
        assertTrue(line.contains(".exp_avg_sq["), line);
        assertEquals("", adam.out(), "no result and no sample");
        assertEquals(1, Checkpoint.load(runs.resolve("adam"), Precision.F32).manifest().step());
    }

    @Test
    void aResumedRunWithACorruptOptimizerStateStopsWithoutTouchingItsCheckpoint() throws IOException {
        Path runs = tmp.resolve("runs");
        assertEquals(0, train(runs, "r", "--steps", "5").code());
        Path run = runs.resolve("r");
        poke(run, "optimizer", "head.bias.exp_avg_sq", 3, -1);   // finite, so it loads; Adam's sqrt makes NaN
        List<String> before = snapshot(run);
        String line = failure(TrainCommandTest.run("train", "--resume", run.toString(), "--steps", "8"),
                ExitCodes.FAILURE);
        assertTrue(line.startsWith("recur train: training diverged at step 6: expected finite parameters and optimizer"
                + " state after the update, found parameter head.bias[3] = NaN; likely cause: "),
                line);
        assertTrue(line.endsWith(", or a corrupt optimizer state in the checkpoint resumed from (" + run + ")"), line);
        assertEquals(before, snapshot(run), "model-00000005 is neither replaced nor deleted");
    }

    @Test
    void nanInACheckpointIsBlamedOnItsFileNotOnTheText() throws IOException {
        // Before: "tiny.txt: input x[...] is NaN" from eval, NaN losses from a resumed run.
        Path runs = tmp.resolve("runs");
        assertEquals(0, train(runs, "r", "--steps", "5").code());
        Path run = runs.resolve("r");
        poke(run, "model", "embedding.weight", 5, Double.NaN);
        Path model = run.resolve(ManifestFormat.read(run).files().get("model").name());
        String expected = model + ": expected finite values in tensor 'embedding.weight', found NaN at [1, 1]; likely"
                + " cause: the file is corrupt or was edited by hand, or it was saved from a diverged training run by an"
                + " older version of recur";
        assertEquals("recur eval: " + expected, failure(TrainCommandTest.run("eval", "--checkpoint", run.toString(),
                "--text", corpus.toString()), ExitCodes.FAILURE));
        assertEquals("recur sample: " + expected, failure(TrainCommandTest.run("sample", "--checkpoint",
                run.toString()), ExitCodes.FAILURE));
        List<String> before = snapshot(run);
        assertEquals("recur train: " + expected, failure(TrainCommandTest.run("train", "--resume", run.toString(),
                "--steps", "8"), ExitCodes.FAILURE));
        assertEquals(before, snapshot(run));
    }

    @Test
    void aBrokenManifestAmongTheRunsIsNamedInsteadOfTakingAnOlderRun() throws IOException {
        // Before: sample used the older run, and train --resume advanced and overwrote it.
        Path runs = tmp.resolve("runs");
        assertEquals(0, train(runs, "older", "--steps", "3").code());
        assertEquals(0, train(runs, "newer", "--steps", "3").code());
        Path json = runs.resolve("newer").resolve(Manifest.FILE);
        Files.writeString(json, Files.readString(json).substring(0, 200));
        List<String> older = snapshot(runs.resolve("older"));
        String cause = json + ": expected a recur checkpoint manifest (JSON), found invalid JSON (";
        String remedy = "); likely cause: the file is truncated or was edited by hand (needed to find the latest run"
                + " under " + runs + ": give %s RUN_FOLDER, or repair or remove " + runs.resolve("newer") + ")";

        String line = failure(TrainCommandTest.run("sample", "--runs-dir", runs.toString()), ExitCodes.FAILURE);
        assertTrue(line.startsWith("recur sample: " + cause), line);
        assertTrue(line.endsWith(String.format(remedy, "--checkpoint")), line);
        line = failure(TrainCommandTest.run("eval", "--runs-dir", runs.toString(), "--text", corpus.toString()),
                ExitCodes.FAILURE);
        assertTrue(line.endsWith(String.format(remedy, "--checkpoint")), line);
        line = failure(TrainCommandTest.run("train", "--runs-dir", runs.toString(), "--resume", "--steps", "6"),
                ExitCodes.FAILURE);
        assertTrue(line.startsWith("recur train: " + cause), line);
        assertTrue(line.endsWith(String.format(remedy, "--resume")), line);
        assertEquals(older, snapshot(runs.resolve("older")), "the older run is not resumed");

        // Naming a run still works; so does the latest run once the broken folder is gone.
        assertEquals(0, TrainCommandTest.run("sample", "--checkpoint", runs.resolve("older").toString(), "--length",
                "10").code());
        Files.delete(json);   // now like a run killed before its first checkpoint: skipped
        assertEquals(0, TrainCommandTest.run("sample", "--runs-dir", runs.toString(), "--length", "10").code());

        line = failure(TrainCommandTest.run("train", "--runs-dir", tmp.resolve("none").toString(), "--resume"),
                ExitCodes.FAILURE);
        assertTrue(line.endsWith("(run it first, or give --resume RUN_FOLDER)"), line);
    }

    /** A run of three steps, {@code runs/r} in this test's folder. */
    private Path threeStepRun() {
        Path runs = tmp.resolve("runs");
        assertEquals(0, train(runs, "r", "--steps", "3").code());
        return runs.resolve("r");
    }

    private static Path modelFile(Path run) throws IOException {
        return run.resolve(ManifestFormat.read(run).files().get("model").name());
    }

    @Test
    void runFilesThatAreNotRegularFilesAreRefusedNotWaitedOn() throws Exception {
        // Before: a named pipe as the model file or the manifest made sample, eval and quantize wait
        // forever; a folder there gave "recur sample: Is a directory".
        Path run = threeStepRun();
        Path model = modelFile(run);
        Files.delete(model);
        Files.createDirectory(model);
        assertEquals("recur sample: " + model + ": expected the model file of a checkpoint, a regular file, found a "
                + "directory; likely cause: a folder was given or made where the file should be",
                failure(TrainCommandTest.run("sample", "--checkpoint", run.toString()), ExitCodes.FAILURE));
        Files.delete(model);
        FileFixtures.fifoOrSkip(model);
        Run[] runsOf = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> new Run[]{
            TrainCommandTest.run("sample", "--checkpoint", run.toString()),
            TrainCommandTest.run("eval", "--checkpoint", run.toString(), "--text", corpus.toString()),
            TrainCommandTest.run("quantize", run.toString(), tmp.resolve("q").toString(), "--int8")});
        for (Run r : runsOf) {
            assertTrue(failure(r, ExitCodes.FAILURE).endsWith(model + ": expected the model file of a checkpoint, a "
                    + "regular file, found a FIFO (named pipe); likely cause: the wrong path (a pipe or device would "
                    + "be read until it ends, if ever)"), r.err());
        }
        Path json = run.resolve(Manifest.FILE);
        Files.delete(json);
        FileFixtures.fifoOrSkip(json);
        Run sample = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> TrainCommandTest.run("sample", "--checkpoint", run.toString()));
        assertTrue(failure(sample, ExitCodes.FAILURE).contains(json + ": expected the checkpoint manifest, a regular "
                + "file, found a FIFO (named pipe)"), sample.err());
    }

    @Test
    void aModelWhoseScoresOverflowIsRefusedByEvalAsBySample() throws IOException {
        // Before: eval printed a NaN loss and exited 0, where sample refused the scores.
        Path run = threeStepRun();
        Path model = modelFile(run);
        int[] shape = SafetensorsFile.read(model).shape("head.weight");
        // finite weights whose logits overflow: row 0 from +max, row 1 from -max (one of them reaches
        // +infinity with the first hidden value that is not zero)
        for (int row = 0; row < 2; row++) {
            poke(run, "model", "head.bias", row, Float.MAX_VALUE);
            for (int k = 0; k < shape[1]; k++) {
                poke(run, "model", "head.weight", row * shape[1] + k, row == 0 ? Float.MAX_VALUE : -Float.MAX_VALUE);
            }
        }
        String line = failure(TrainCommandTest.run("eval", "--checkpoint", run.toString(), "--text",
                corpus.toString()), ExitCodes.USAGE);
        assertTrue(line.startsWith("recur eval: " + run + ": expected a model whose loss on " + corpus + " is a finite "
                + "number, found "), line);
        assertTrue(line.endsWith("; likely cause: the model's scores overflow (weights grown too large, as in a run "
                + "that was diverging when it was saved)"), line);
        assertTrue(failure(TrainCommandTest.run("sample", "--checkpoint", run.toString()), ExitCodes.USAGE)
                .contains("expected a finite number"));
    }

    @Test
    void evalBlamesTheManifestForTheSizesItRecords() throws IOException {
        // Before: a negative seq was blamed on the --text file; "abc" and 1.5 were silently replaced.
        Path run = threeStepRun();
        Path json = run.resolve(Manifest.FILE);
        String manifest = Files.readString(json);
        String sizes = ": expected the sizes a run was trained with, found training.data.";
        for (String[] c : new String[][]{
            {"seq", "-1", ": expected training.data.seq: a positive 32-bit integer, found -1"},
            {"seq", "\"abc\"", sizes + "seq: expected an integer, found \"abc\""},
            {"batch", "1.5", sizes + "batch: expected an integer, found 1.5"}}) {
            String edited = manifest.replaceFirst("\"" + c[0] + "\"\\s*:\\s*\\d+",
                    Matcher.quoteReplacement("\"" + c[0] + "\" : " + c[1]));
            assertTrue(!edited.equals(manifest), c[0]);
            Files.writeString(json, edited);
            Run eval = TrainCommandTest.run("eval", "--checkpoint", run.toString(), "--text", corpus.toString());
            assertEquals("recur eval: " + json + c[2] + "; likely cause: the file was edited by hand",
                    failure(eval, ExitCodes.FAILURE));
        }
    }
}
