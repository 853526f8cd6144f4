package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.recur.checkpoint.Checkpoint;
import dev.recur.checkpoint.Manifest;
import dev.recur.checkpoint.ManifestFormat;
import dev.recur.io.SafetensorsFile;
import dev.recur.tensor.Precision;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resumption after {@code kill -9}: {@code recur train} runs in a separate JVM, is killed with
 * SIGKILL in the middle of training or in the middle of writing a checkpoint, and is resumed with
 * {@code --resume}; the resumed run must end with exactly the losses, weights and optimizer state
 * of an uninterrupted run with the same seed.
 *
 * <p>{@link #runsKilledAtRandomMomentsResumeToTheSameFiles} repeats this at seeded random moments:
 * {@code -Drecur.faults.kills=N} runs (3 by default, 50 in the {@code faults} profile), a third of
 * them killed inside a checkpoint write, from the seed {@code -Drecur.faults.seed=S}.
 */
class KillResumeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long STEPS = 60;
    /** How many runs {@link #runsKilledAtRandomMomentsResumeToTheSameFiles} kills and resumes. */
    private static final int KILLS = Integer.getInteger("recur.faults.kills", 3);
    /** The seed of their kill moments. */
    private static final long SEED = Long.getLong("recur.faults.seed", 20_260_611L);
    /** The sleep inside every checkpoint write (before its commit) of the runs killed while writing one. */
    private static final long COMMIT_DELAY_MS = 100;
    /** What each killed run ended as, for the summary. */
    private static final List<String> OUTCOMES = java.util.Collections.synchronizedList(new ArrayList<>());

    @TempDir
    static Path dir;
    static Path corpus;
    static Path runs;
    static Path whole;

    /** Training flags shared by every run: small model, tiny corpus, dropout so its position matters. */
    static List<String> trainArgs(String runName, String... more) {
        List<String> a = new ArrayList<>(List.of("--format", "json", "train", "--corpus", corpus.toString(),
                "--runs-dir", runs.toString(), "--run-name", runName, "--hidden", "16", "--layers", "2",
                "--embedding", "8", "--batch", "4", "--seq", "16", "--dropout", "0.1", "--steps",
                Long.toString(STEPS), "--eval-every", "10", "--checkpoint-every", "10", "--threads", "1",
                "--sample-length", "0"));
        a.addAll(List.of(more));
        return a;
    }

    /** A {@code recur} process, its stdout and stderr lines collected as they come. */
    static final class Recur {
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());

        Recur(List<String> args) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                    Main.class.getName()));
            cmd.addAll(args);
            process = new ProcessBuilder(cmd).start();
            pump(process.getInputStream(), "out: ");
            pump(process.getErrorStream(), "err: ");
        }

        private void pump(InputStream in, String prefix) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(prefix + line);
                        all.add(prefix + line);
                    }
                } catch (IOException e) {
                    // the process was killed
                }
            });
            t.setDaemon(true);
            t.start();
        }

        /** Waits (at most a minute) for a line that matches. */
        String await(Predicate<String> match) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null && match.test(line)) {
                    return line;
                }
                if (line == null && !process.isAlive() && lines.isEmpty()) {
                    break;
                }
            }
            throw new AssertionError("no matching line; output so far: " + all);
        }

        int exit() throws InterruptedException {
            assertTrue(process.waitFor(2, TimeUnit.MINUTES), "the process ends");
            return process.exitValue();
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();   // SIGKILL on Linux and macOS
            process.waitFor(1, TimeUnit.MINUTES);
        }
    }

    @BeforeAll
    static void uninterrupted() throws IOException, InterruptedException {
        StringBuilder sb = new StringBuilder();
        String[] words = {"the", "cat", "sat", "on", "a", "mat", "and", "dog", "ran", "to", "him", "her"};
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        for (int i = 1; sb.length() < 6000; i++) {
            sb.append(words[rng.nextInt(words.length)]).append(i % 8 == 0 ? "\n" : " ");
        }
        corpus = Files.writeString(dir.resolve("tiny.txt"), sb.toString());
        runs = dir.resolve("runs");
        Recur r = new Recur(trainArgs("whole"));
        assertEquals(0, r.exit(), String.join("\n", r.all));
        whole = runs.resolve("whole");
        assertEquals(STEPS, ManifestFormat.read(whole).step());
    }

    /** The final files of a resumed run equal the uninterrupted run's, byte for byte. */
    private static void assertSameAsUninterrupted(Path run) throws IOException {
        Manifest a = ManifestFormat.read(whole);
        Manifest b = ManifestFormat.read(run);
        assertEquals(STEPS, b.step());
        for (String role : List.of("model", "optimizer", "trainer")) {
            assertEquals(a.files().get(role).sha256(), b.files().get(role).sha256(), role + " file");
        }
        SafetensorsFile ta = SafetensorsFile.read(whole.resolve(a.files().get("trainer").name()));
        SafetensorsFile tb = SafetensorsFile.read(run.resolve(b.files().get("trainer").name()));
        assertArrayEquals(ta.doubles("history.train_loss"), tb.doubles("history.train_loss"), 0.0);
        assertArrayEquals(ta.doubles("history.val_loss"), tb.doubles("history.val_loss"), 0.0);
        assertEquals((int) STEPS, tb.doubles("history.train_loss").length);
    }

    /**
     * The manifest fields that differ between two runs of the same training, and only these: when
     * the checkpoint was saved ({@code saved}), when the run started ({@code provenance.run_started})
     * and the measured training time ({@code training.train_seconds}).
     */
    static final List<String> MANIFEST_FIELDS_THAT_DIFFER = List.of("saved", "provenance.run_started",
            "training.train_seconds");

    /** {@code checkpoint.json} as a tree without {@link #MANIFEST_FIELDS_THAT_DIFFER}. */
    private static JsonNode manifestWithoutTimes(Path run) throws IOException {
        ObjectNode tree = (ObjectNode) JSON.readTree(run.resolve(Manifest.FILE).toFile());
        for (String field : MANIFEST_FIELDS_THAT_DIFFER) {
            String[] path = field.split("\\.");
            ObjectNode parent = tree;
            for (int i = 0; i < path.length - 1; i++) {
                parent = (ObjectNode) parent.get(path[i]);
            }
            assertNotNull(parent.remove(path[path.length - 1]), field + " in " + run);
        }
        return tree;
    }

    /**
     * The strict form: every tensor file of the final checkpoint equals the uninterrupted run's byte
     * for byte, {@code checkpoint.json} equals it but for {@link #MANIFEST_FIELDS_THAT_DIFFER}, and
     * the folder holds the same files (no orphans of the killed process; {@code loss.png}, whose
     * title names the run, and {@code run.lock}, which names the process, are compared by name only).
     */
    private static void assertSameFilesAsUninterrupted(Path run) throws IOException {
        assertSameAsUninterrupted(run);
        assertEquals(manifestWithoutTimes(whole), manifestWithoutTimes(run), "checkpoint.json but for the times");
        for (Manifest.FileRef ref : ManifestFormat.read(whole).files().values()) {
            assertEquals(-1L, Files.mismatch(whole.resolve(ref.name()), run.resolve(ref.name())), ref.name());
        }
        assertEquals(listing(whole), listing(run), "the files of the run folder");
    }

    private static List<String> listing(Path run) throws IOException {
        try (var files = Files.list(run)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void resume(Path run) throws IOException, InterruptedException {
        resumeOnly(run);
        assertSameAsUninterrupted(run);
    }

    private static void resumeOnly(Path run) throws IOException, InterruptedException {
        Recur r = new Recur(List.of("--format", "json", "train", "--resume", run.toString(), "--sample-length", "0"));
        int code = r.exit();
        assertEquals(0, code, String.join("\n", r.all));
        for (String line : r.all) {
            if (line.startsWith("out: ")) {
                JsonNode n = JSON.readTree(line.substring(5));
                assertTrue(n.isObject(), line);
            }
        }
    }

    @Test
    void aRunKilledMidTrainingResumesToTheSameLosses() throws IOException, InterruptedException {
        Recur r = new Recur(trainArgs("killed", "--test-step-delay-ms", "30"));
        // The validation at step 30 is printed after the checkpoint of step 20 was committed.
        r.await(l -> l.startsWith("out: ") && l.contains("\"step\":30"));
        r.kill();
        Path run = runs.resolve("killed");
        long saved = ManifestFormat.read(run).step();
        assertTrue(saved >= 20 && saved < STEPS, "killed at step " + saved);
        // what a kill inside the atomic write of the loss chart leaves (the random kills once hit it)
        Files.writeString(run.resolve(".loss.png.21xwejym7i84j.tmp"), "part of a chart");
        resume(run);
        assertEquals(listing(whole), listing(run), "no leftover of the chart");
    }

    @Test
    void aRunKilledWhileWritingACheckpointResumesFromThePreviousOne() throws IOException, InterruptedException {
        Recur r = new Recur(trainArgs("stalled", "--test-pause-before-commit", "40"));
        // the message may follow a progress-bar redraw on the same stderr line
        String line = r.await(l -> l.startsWith("err: ") && l.contains("test hook: stalled"));
        assertNotNull(line);
        r.kill();
        Path run = runs.resolve("stalled");
        assertEquals(30, ManifestFormat.read(run).step(), "the previous checkpoint is still the current one");
        assertTrue(Files.exists(run.resolve("model-00000040.safetensors")), "the uncommitted files of step 40");
        resume(run);
        try (var files = Files.list(run)) {
            // run.lock: the killed process's lock, released by the system and taken over by the resume
            assertEquals(List.of("checkpoint.json", "loss.png", "model-00000060.safetensors",
                    "optimizer-00000060.safetensors", "run.lock", "trainer-00000060.safetensors"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "orphans removed");
        }
    }

    /** Where one run of {@link #runsKilledAtRandomMomentsResumeToTheSameFiles} is killed. */
    private record Kill(int index, boolean inCheckpointWrite, long checkpointStep, long delayMs) {
        String describe() {
            return inCheckpointWrite
                    ? String.format(Locale.ROOT, "run %d: killed %d ms into the write of the checkpoint of step %d",
                            index, delayMs, checkpointStep)
                    : String.format(Locale.ROOT, "run %d: killed %d ms after the validation of step %d", index,
                            delayMs, checkpointStep);
        }
    }

    /**
     * {@code recur.faults.kills} runs, each killed with SIGKILL at a seeded random moment and resumed:
     * every one must resume and end with the uninterrupted run's files
     * ({@link #assertSameFilesAsUninterrupted}). Every third run (indices 1, 4, 7, ...) is killed
     * inside a checkpoint write: each write sleeps {@value #COMMIT_DELAY_MS} ms between its complete
     * tensor files and the commit of {@code checkpoint.json}, and the kill comes 0 to
     * {@value #COMMIT_DELAY_MS} + 50 ms after the write of a random checkpoint (steps 20 to 50) reached
     * that point, so that most land before the commit and some in or after it (while the files of the
     * previous checkpoint are removed, or in the steps that follow). The others are
     * killed 0 to 400 ms after the validation of a random step (10 to 50; after the first checkpoint
     * at the earliest), anywhere in the next 10 steps or the checkpoint write that follows the
     * validation: 40 ms sleeps after each step keep 10 steps longer than that. Before the resume the
     * killed run's checkpoint must load with every checksum matching.
     */
    @TestFactory
    Stream<DynamicTest> runsKilledAtRandomMomentsResumeToTheSameFiles() {
        SplittableRandom rng = new SplittableRandom(SEED);
        List<Kill> kills = IntStream.range(0, KILLS).mapToObj(i -> i % 3 == 1
                ? new Kill(i, true, 10L * rng.nextInt(2, 6), rng.nextLong(COMMIT_DELAY_MS + 50))
                : new Kill(i, false, 10L * rng.nextInt(1, 6), rng.nextLong(400))).toList();
        Iterator<Kill> it = kills.iterator();
        return Stream.generate(() -> {
            Kill k = it.next();
            return DynamicTest.dynamicTest(k.describe(), () -> killAndResume(k));
        }).limit(kills.size());
    }

    private static void killAndResume(Kill k) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        String name = "random-" + k.index();
        Path run = runs.resolve(name);
        Recur r;
        if (k.inCheckpointWrite()) {
            r = new Recur(trainArgs(name, "--test-step-delay-ms", "20", "--test-commit-delay-ms",
                    Long.toString(COMMIT_DELAY_MS)));
            r.await(l -> l.startsWith("err: ") && l.contains("test hook: committing the checkpoint of step "
                    + k.checkpointStep() + " in "));
        } else {
            r = new Recur(trainArgs(name, "--test-step-delay-ms", "40"));
            r.await(l -> l.startsWith("out: ") && l.contains("\"step\":" + k.checkpointStep() + ","));
        }
        long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(k.delayMs());
        // the validation of step 10 comes before the first checkpoint: there must be one to resume from
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!Files.exists(run.resolve(Manifest.FILE))) {
            assertTrue(r.process.isAlive() && System.nanoTime() < deadline, "no first checkpoint: " + r.all);
            Thread.sleep(1);
        }
        Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(killAt - System.nanoTime())));
        assertTrue(r.process.isAlive(), "the run is still training when it is killed: " + r.all);
        r.kill();
        long saved = ManifestFormat.read(run).step();
        if (k.inCheckpointWrite()) {
            assertTrue(saved == k.checkpointStep() - 10 || saved == k.checkpointStep(), "killed at step " + saved);
        } else {
            assertTrue(saved >= 10 && saved < STEPS, "killed at step " + saved);
        }
        // what the kill left is a valid checkpoint, every checksum matching
        assertEquals(saved, Checkpoint.load(run, Precision.F32).manifest().step());
        resumeOnly(run);
        assertSameFilesAsUninterrupted(run);
        OUTCOMES.add(String.format(Locale.ROOT, "%s: the checkpoint of step %d was current%s; resumed to identical "
                + "files (%.1f s)", k.describe(), saved, k.inCheckpointWrite()
                        ? (saved == k.checkpointStep() ? " (killed after the commit)" : " (killed before the commit)")
                        : "", (System.nanoTime() - t0) / 1e9));
    }

    @AfterAll
    static void summary() {
        if (!OUTCOMES.isEmpty()) {
            long writes = OUTCOMES.stream().filter(o -> o.contains("into the write")).count();
            System.out.printf(Locale.ROOT, "kill and resume: %d of %d runs resumed to identical files, %d of them "
                    + "killed inside a checkpoint write (seed %d)%n", OUTCOMES.size(), KILLS, writes, SEED);
            OUTCOMES.stream().sorted(java.util.Comparator.comparingInt(
                    o -> Integer.parseInt(o.substring(4, o.indexOf(':'))))).forEach(o -> System.out.println("  " + o));
        }
    }
}
