package dev.recur.cli;

import static dev.recur.cli.TrainCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.cli.TrainCommandTest.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --on-divergence stop|skip|rollback}, the same for every command that trains: a learning
 * rate of 1e30 makes the forecaster's second gradient overflow, one of 1e38 the first update itself
 * (the character model and the classifier, whose saturating layers stay finite at 1e30).
 * Stop ends the command with one line naming the step and the tensor; rollback goes on, saying on
 * stderr what it did at each step; skip goes on past a step whose gradient diverged, and stops, saying
 * so, at an update that overflowed (it cannot be undone).
 */
class DivergenceCommandTest {

    @TempDir
    Path dir;

    private List<String> command(String kind) throws IOException {
        Path runs = dir.resolve("runs");
        return switch (kind) {
            case "train" -> new ArrayList<>(List.of("train", "--corpus", Files.writeString(dir.resolve("t.txt"),
                    TrainCommandTest.english(3000, 1), StandardCharsets.UTF_8).toString(), "--hidden", "8",
                    "--layers", "1", "--embedding", "4", "--batch", "4", "--seq", "16", "--steps", "6",
                    "--eval-every", "3", "--sample-length", "0", "--threads", "1", "--lr", "1e38",
                    "--runs-dir", runs.toString()));
            case "forecast" -> {
                StringBuilder s = new StringBuilder("t,y\n");
                for (int i = 0; i < 80; i++) {
                    s.append(i).append(',').append(10 + Math.sin(i * 0.4) * 3 + i % 5).append('\n');
                }
                yield new ArrayList<>(List.of("forecast", "train", "--data", Files.writeString(dir.resolve("s.csv"),
                        s.toString()).toString(), "--window", "6", "--horizon", "2", "--model", "lstm", "--epochs",
                        "2", "--lr", "1e30", "--target", "y", "--time-column", "t", "--threads", "1",
                        "--runs-dir", runs.toString()));
            }
            case "classify" -> {
                StringBuilder s = new StringBuilder("text,label\n");
                for (int i = 0; i < 60; i++) {
                    s.append(i % 2 == 0 ? "good fine nice " + i : "bad awful poor " + i).append(',')
                            .append(i % 2 == 0 ? "pos" : "neg").append('\n');
                }
                yield new ArrayList<>(List.of("classify", "train", "--data", Files.writeString(dir.resolve("c.csv"),
                        s.toString()).toString(), "--tokens", "chars", "--hidden", "8", "--embedding", "4",
                        "--epochs", "2", "--lr", "1e38", "--threads", "1", "--runs-dir", runs.toString()));
            }
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private Run run(String kind, String policy) throws IOException {
        List<String> args = command(kind);
        args.addAll(List.of("--on-divergence", policy, "--run-name", kind + "-" + policy));
        return TrainCommandTest.run(args.toArray(new String[0]));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"train", "forecast", "classify"})
    void stopEndsWithOneLineNamingTheStepAndTheTensor(String kind) throws IOException {
        Run r = run(kind, "stop");
        assertEquals(1, r.code(), r.err());
        List<String> lines = r.errLines();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.matches(".*training diverged at step \\d+: expected .*, found .*(NaN|Infinity).*; likely "
                + "cause: the learning rate \\(1\\.0E3[08]\\) is too high.*"), r.err());
        assertFalse(r.err().contains("internal error") || r.err().contains("\tat "), r.err());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"train", "forecast", "classify"})
    void skipAndRollbackGoOnAndSayWhatTheyDid(String kind) throws IOException {
        Run skip = run(kind, "skip");
        if (!kind.equals("forecast")) {
            assertEquals(1, skip.code(), skip.err());
            assertTrue(skip.err().contains("after the update") && skip.err().contains("an update done cannot be "
                    + "skipped; --on-divergence rollback returns to the last good point"), skip.err());
        } else {
            assertEquals(0, skip.code(), skip.err());
            assertTrue(skip.err().lines().anyMatch(l -> l.matches("warning: training diverged at step \\d+: "
                    + "expected .*, found .*; update skipped")), skip.err());
        }
        Run rollback = run(kind, "rollback");
        assertEquals(0, rollback.code(), rollback.err());
        assertTrue(rollback.err().contains("; rolled back to step 0, learning rate now 0.5 of the schedule's"),
                rollback.err());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"train", "forecast", "classify"})
    void anUnknownPolicyIsRefusedNamingTheOption(String kind) throws IOException {
        Run r = run(kind, "retry");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--on-divergence: divergence policy: expected stop, skip or rollback, found "
                + "'retry'"), r.err());
    }
}
