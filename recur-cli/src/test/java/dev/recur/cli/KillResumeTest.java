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
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.recur.checkpoint.Manifest;
import dev.recur.checkpoint.ManifestFormat;
import dev.recur.io.SafetensorsFile;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resumption after {@code kill -9}: {@code recur train} runs in a separate JVM, is killed with
 * SIGKILL in the middle of training or in the middle of writing a checkpoint, and is resumed with
 * {@code --resume}; the resumed run must end with exactly the losses, weights and optimizer state
 * of an uninterrupted run with the same seed.
 */
class KillResumeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long STEPS = 60;

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

    private static void resume(Path run) throws IOException, InterruptedException {
        Recur r = new Recur(List.of("--format", "json", "train", "--resume", run.toString(), "--sample-length", "0"));
        int code = r.exit();
        assertEquals(0, code, String.join("\n", r.all));
        for (String line : r.all) {
            if (line.startsWith("out: ")) {
                JsonNode n = JSON.readTree(line.substring(5));
                assertTrue(n.isObject(), line);
            }
        }
        assertSameAsUninterrupted(run);
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
        resume(run);
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
}
