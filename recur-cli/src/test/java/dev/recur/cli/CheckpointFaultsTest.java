package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.recur.checkpoint.Checkpoint;
import dev.recur.checkpoint.Manifest;
import dev.recur.checkpoint.ManifestFormat;
import dev.recur.io.Sha256;
import dev.recur.tensor.Precision;

import picocli.CommandLine;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults around a training run's checkpoints, at the command line: a disk that fills up and a
 * folder that becomes read-only between two checkpoints (the previous checkpoint stays, intact, and
 * one line names the file and says so), a second writer of a run folder (refused, naming the
 * first), and {@code recur sample} while a run writes a checkpoint after every step (every call
 * succeeds).
 *
 * <p>The disk-full and read-only cases need root (or the capabilities to mount a tmpfs and to set
 * the immutable attribute with {@code chattr}); without them they are skipped, saying why.
 * {@code -Drecur.faults.samples=N} sets the number of {@code sample} calls (100 by default).
 */
class CheckpointFaultsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How many {@code sample} calls run during training. */
    private static final int SAMPLES = Integer.getInteger("recur.faults.samples", 100);

    @TempDir
    static Path dir;
    static Path corpus;

    /** Why a tmpfs cannot be mounted here (null while none has been refused). */
    private static String mountRefused;

    @BeforeAll
    static void corpus() throws IOException {
        StringBuilder sb = new StringBuilder();
        String[] words = {"the", "cat", "sat", "on", "a", "mat", "and", "dog", "ran", "to", "him", "her"};
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 1; sb.length() < 6000; i++) {
            sb.append(words[rng.nextInt(words.length)]).append(i % 8 == 0 ? "\n" : " ");
        }
        corpus = Files.writeString(dir.resolve("tiny.txt"), sb.toString());
    }

    /** A command run in this JVM: its exit code, stdout and stderr. */
    record Run(int code, String out, String err) {
        /** The lines of stderr with the progress bar's carriage-return redraws removed. */
        List<String> errLines() {
            return err.lines().map(l -> l.substring(l.lastIndexOf('\r') + 1)).filter(l -> !l.isBlank()).toList();
        }
    }

    static Run run(List<String> args) {
        CommandLine cl = Main.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    /**
     * {@code train} quietly (no progress bar, no notices) on the tiny corpus with a checkpoint every
     * 10 steps, then {@code more}.
     */
    static List<String> train(Path runs, String name, String... more) {
        List<String> a = new ArrayList<>(List.of("--quiet", "train", "--corpus", corpus.toString(), "--runs-dir",
                runs.toString(), "--run-name", name, "--batch", "4", "--seq", "16", "--eval-every", "10",
                "--checkpoint-every", "10", "--threads", "1", "--sample-length", "0"));
        a.addAll(List.of(more));
        return a;
    }

    /** Runs a system command; its exit code and output. */
    private static Map.Entry<Integer, String> system(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return Map.entry(-1, String.join(" ", command) + ": no answer in 30 s");
        }
        return Map.entry(p.exitValue(), out);
    }

    /**
     * Mounts a tmpfs of {@code bytes} at {@code at}, or skips the test saying why it cannot (not
     * Linux, not root, no {@code mount}, a container that forbids it). Tried once per test class:
     * after a refusal every later test is skipped with the same reason.
     */
    private static void mountTmpfs(Path at, long bytes) throws IOException, InterruptedException {
        Assumptions.assumeTrue(mountRefused == null, () -> mountRefused);
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            mountRefused = "mounting a tmpfs needs Linux, found " + System.getProperty("os.name");
        } else {
            Files.createDirectories(at);
            Map.Entry<Integer, String> r;
            try {
                r = system("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", at.toString());
            } catch (IOException e) {
                r = Map.entry(-1, "cannot run mount: " + e.getMessage());
            }
            if (r.getKey() != 0) {
                mountRefused = "cannot mount a tmpfs (this needs root or CAP_SYS_ADMIN): " + r.getValue();
            }
        }
        Assumptions.assumeTrue(mountRefused == null, () -> mountRefused);
    }

    private static void unmount(Path at) throws IOException, InterruptedException {
        if (system("umount", at.toString()).getKey() != 0) {
            system("umount", "-l", at.toString());   // lazily, should anything still hold it
        }
    }

    /** The files of a folder, hidden ones included, sorted. */
    private static List<String> listing(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * The checks of a checkpoint kept through a failed save: {@code checkpoint.json} names step
     * {@code step}; each of its files has the size and SHA-256 it records; the model loads; and the
     * folder holds nothing else of a checkpoint (no file of the failed step, no temporary file).
     */
    private static void assertIntactCheckpoint(Path run, long step) throws IOException {
        Manifest m = ManifestFormat.read(run);
        assertEquals(step, m.step(), "the step of the kept checkpoint");
        List<String> expected = new ArrayList<>(List.of(Manifest.FILE, "loss.png", "run.lock"));
        for (Manifest.FileRef ref : m.files().values()) {
            byte[] bytes = Files.readAllBytes(run.resolve(ref.name()));
            assertEquals(ref.bytes(), bytes.length, ref.name());
            assertEquals(ref.sha256(), Sha256.hex(bytes), ref.name());
            expected.add(ref.name());
        }
        assertEquals(expected.stream().sorted().toList(), listing(run), "no orphan of the failed save");
        assertEquals(step, Checkpoint.loadModel(run, Precision.F32, false).manifest().step());
        assertEquals(step, Checkpoint.load(run, Precision.F32).manifest().step());
    }

    /** The one line a failed save prints: the file of step {@code step}, the cause, the step kept. */
    private static Pattern failedSave(Path run, long step, long kept, String cause) {
        return Pattern.compile("recur train: " + Pattern.quote(run.toString()) + "/(model|optimizer|trainer)-"
                + String.format(Locale.ROOT, "%08d", step) + "\\.safetensors: expected to write the checkpoint of step "
                + step + ", found: .*" + Pattern.quote(cause) + ".*; the previous checkpoint \\(step " + kept
                + "\\) is kept and the new files were removed; likely cause: a full disk, or a folder that may not be "
                + "written");
    }

    /**
     * A disk that fills up: a tmpfs just large enough for the first checkpoint (and the loss chart)
     * and too small for a second beside it. The save of step 20 fails; the run ends with exit code 1
     * and one line naming the file that could not be written and saying that the checkpoint of step 10
     * is kept; that checkpoint is intact. Given room, the run resumes.
     */
    @Test
    void aFullDiskKeepsThePreviousCheckpointAndSaysSo() throws IOException, InterruptedException {
        // a model whose tensor files dwarf the rest: about 0.9 MB a checkpoint
        String[] model = {"--hidden", "128", "--layers", "1", "--embedding", "16", "--dropout", "0"};
        // the sizes of the first checkpoint, measured on an ordinary disk
        Path sized = dir.resolve("sized");
        Run first = run(train(sized, "r", concat(model, "--steps", "10")));
        assertEquals(0, first.code(), first.err());
        long total = 0;
        long tensors = 0;
        for (String name : listing(sized.resolve("r"))) {
            long size = Files.size(sized.resolve("r").resolve(name));
            total += (size + 4095) / 4096 * 4096;
            tensors += name.endsWith(".safetensors") ? size : 0;
        }
        long bytes = (total + tensors / 2 + 4095) / 4096 * 4096;
        Path mount = dir.resolve("full");
        mountTmpfs(mount, bytes);
        try {
            Run r = run(train(mount, "r", concat(model, "--steps", "30")));
            Path run = mount.resolve("r");
            assertEquals(ExitCodes.FAILURE, r.code(), r.err());
            assertEquals(1, r.errLines().size(), "one line: " + r.err());
            String line = r.errLines().get(0);
            System.out.println("disk full: " + line);
            assertTrue(failedSave(run, 20, 10, "No space left on device").matcher(line).matches(), line);
            assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
            assertIntactCheckpoint(run, 10);

            // with room again, the run goes on from the kept checkpoint
            assertEquals(0, system("mount", "-o", "remount,size=" + 16 * bytes, mount.toString()).getKey());
            Run resumed = run(List.of("--quiet", "train", "--resume", run.toString(), "--sample-length", "0"));
            assertEquals(0, resumed.code(), resumed.err());
            assertEquals(30, ManifestFormat.read(run).step());
        } finally {
            unmount(mount);
        }
    }

    /**
     * A run folder made unwritable between two checkpoints. Root ignores permission bits, and a
     * tmpfs cannot be remounted read-only under a running {@code train} (its {@code run.lock} is open
     * for writing: the kernel answers "mount point is busy"), so the folder is made immutable with
     * {@code chattr +i} once the checkpoint of step 10 and its loss chart are written. The save of
     * step 20 fails: exit code 1, one line naming the file and saying that step 10 is kept, and that
     * checkpoint intact.
     */
    @Test
    void aFolderMadeReadOnlyKeepsThePreviousCheckpointAndSaysSo() throws Exception {
        Path runs = dir.resolve("immutable");
        Path run = runs.resolve("r");
        Path probe = Files.createDirectories(dir.resolve("chattr-probe"));
        Map.Entry<Integer, String> can = chattr("+i", probe);
        chattr("-i", probe);
        Assumptions.assumeTrue(can.getKey() == 0, () -> "cannot make a folder immutable with chattr +i (this "
                + "needs root or CAP_LINUX_IMMUTABLE, and a file system that supports it): " + can.getValue());
        CompletableFuture<Run> training = CompletableFuture.supplyAsync(() -> run(train(runs, "r", "--hidden", "16",
                "--steps", "30", "--test-step-delay-ms", "50")));
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!(Files.exists(run.resolve(Manifest.FILE)) && Files.exists(run.resolve("loss.png")))) {
                assertTrue(!training.isDone() && System.nanoTime() < deadline, () -> "no first checkpoint: "
                        + training.getNow(null));
                Thread.sleep(2);
            }
            assertEquals(0, chattr("+i", run).getKey());
            Run r = training.get(2, TimeUnit.MINUTES);
            chattr("-i", run);
            assertEquals(ExitCodes.FAILURE, r.code(), r.err());
            assertEquals(1, r.errLines().size(), "one line: " + r.err());
            String line = r.errLines().get(0);
            System.out.println("read-only folder: " + line);
            assertTrue(failedSave(run, 20, 10, "Operation not permitted").matcher(line).matches(), line);
            assertIntactCheckpoint(run, 10);
        } finally {
            training.join();
            chattr("-i", run);
        }
    }

    private static Map.Entry<Integer, String> chattr(String flag, Path folder) throws InterruptedException {
        try {
            return system("chattr", flag, folder.toString());
        } catch (IOException e) {
            return Map.entry(-1, "cannot run chattr: " + e.getMessage());
        }
    }

    /**
     * A run on a file system remounted read-only (after its process ended) is refused by
     * {@code train --resume} before anything is written, naming the folder; its checkpoint is intact.
     */
    @Test
    void aRunOnAReadOnlyFileSystemIsNotResumed() throws IOException, InterruptedException {
        Path mount = dir.resolve("ro");
        mountTmpfs(mount, 16L << 20);
        try {
            Run first = run(train(mount, "r", "--hidden", "16", "--steps", "10"));
            assertEquals(0, first.code(), first.err());
            Path run = mount.resolve("r");
            Map.Entry<Integer, String> ro = system("mount", "-o", "remount,ro", mount.toString());
            assertEquals(0, ro.getKey(), ro.getValue());
            List<String> before = FileFixtures.snapshot(run);
            Run r = run(List.of("--quiet", "train", "--resume", run.toString(), "--steps", "20"));
            assertEquals(ExitCodes.FAILURE, r.code(), r.err());
            assertEquals(List.of("recur train: " + run + ": expected a folder to write into (--resume), found one "
                    + "without write permission; likely cause: a folder of another user, or a read-only file system"),
                    r.errLines());
            assertEquals(before, FileFixtures.snapshot(run));
            assertIntactCheckpoint(run, 10);
        } finally {
            unmount(mount);
        }
    }

    /**
     * Two writers of one run folder, in two processes: while {@code train} writes a run, a
     * {@code train --resume} of it is refused with one line naming the first process (its id and
     * command); the first trains on to the end undisturbed.
     */
    @Test
    void aSecondWriterProcessIsRefusedNamingTheFirst() throws IOException, InterruptedException {
        Path runs = dir.resolve("two");
        Path run = runs.resolve("r");
        KillResumeTest.Recur first = new KillResumeTest.Recur(train(runs, "r", "--hidden", "16", "--steps", "40",
                "--test-step-delay-ms", "40"));
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (!Files.exists(run.resolve(Manifest.FILE))) {
                assertTrue(first.process.isAlive() && System.nanoTime() < deadline, "no checkpoint: " + first.all);
                Thread.sleep(2);
            }
            KillResumeTest.Recur second = new KillResumeTest.Recur(List.of("train", "--resume", run.toString(),
                    "--sample-length", "0"));
            assertEquals(ExitCodes.FAILURE, second.exit(), String.join("\n", second.all));
            assertTrue(first.process.isAlive(), "the first is still training");
            List<String> err = second.all.stream().filter(l -> l.startsWith("err: ")).map(l -> l.substring(5))
                    .map(l -> l.substring(l.lastIndexOf('\r') + 1)).filter(l -> !l.isBlank())
                    .filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();   // the JVM's own
            assertEquals(1, err.size(), String.join("\n", second.all));
            System.out.println("second writer: " + err.get(0));
            assertTrue(err.get(0).startsWith("recur train: " + run + ": expected a run folder no other process is "
                    + "writing, found it locked by process " + first.process.pid() + " (recur train, since "), err.get(0));
            assertEquals(0, first.exit(), String.join("\n", first.all));
            assertEquals(40, ManifestFormat.read(run).step());
            assertEquals(40, Checkpoint.load(run, Precision.F32).manifest().step());
        } finally {
            first.process.destroyForcibly();
        }
    }

    /**
     * {@code recur sample} while a run saves a checkpoint after every step (each save replacing the
     * manifest and deleting the previous files): {@value #SAMPLES} calls by default
     * ({@code recur.faults.samples}), in this JVM, all while the run trains; every one exits 0 with
     * its text, and together they see several checkpoints.
     */
    @Test
    void samplesDuringTrainingAllSucceed() throws IOException, InterruptedException {
        Path runs = dir.resolve("sampled");
        Path run = runs.resolve("r");
        KillResumeTest.Recur training = new KillResumeTest.Recur(List.of("--quiet", "train", "--corpus",
                corpus.toString(), "--runs-dir", runs.toString(), "--run-name", "r", "--hidden", "16", "--batch", "4",
                "--seq", "16", "--steps", "1000000", "--eval-every", "0", "--checkpoint-every", "1", "--threads", "1",
                "--sample-length", "0"));
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (!Files.exists(run.resolve(Manifest.FILE))) {
                assertTrue(training.process.isAlive() && System.nanoTime() < deadline, "no checkpoint: "
                        + training.all);
                Thread.sleep(2);
            }
            long t0 = System.nanoTime();
            Map<Long, Integer> steps = new TreeMap<>();
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < SAMPLES; i++) {
                Run r = run(List.of("--format", "json", "--quiet", "sample", "--checkpoint", run.toString(),
                        "--length", "20", "--seed", Integer.toString(i)));
                if (r.code() != 0) {
                    failures.add("call " + i + ": exit code " + r.code() + ": " + r.err().strip());
                    continue;
                }
                JsonNode row = JSON.readTree(r.out());
                if (row.get("text").asText().codePointCount(0, row.get("text").asText().length()) != 20) {
                    failures.add("call " + i + ": " + r.out());
                }
                steps.merge(row.get("step").asLong(), 1, Integer::sum);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(training.process.isAlive(), "the run trained throughout: " + training.all);
            long saved = ManifestFormat.read(run).step();
            System.out.printf(Locale.ROOT, "sample during training: %d of %d calls succeeded in %.1f s, from %d "
                    + "checkpoints (steps %s to %s; the run was at step %d)%n", SAMPLES - failures.size(), SAMPLES,
                    seconds, steps.size(), steps.isEmpty() ? "-" : steps.keySet().iterator().next(),
                    steps.isEmpty() ? "-" : ((TreeMap<Long, Integer>) steps).lastKey(), saved);
            assertEquals(List.of(), failures, failures.size() + " of " + SAMPLES + " calls failed");
            assertTrue(steps.size() > 1, "the checkpoint changed under the calls: " + steps);
        } finally {
            training.process.destroyForcibly();
            training.process.waitFor(1, TimeUnit.MINUTES);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
