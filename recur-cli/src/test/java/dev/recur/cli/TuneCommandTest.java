package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.recur.cli.TrainCommandTest.Run;
import dev.recur.tensor.GemmTuning;
import dev.recur.tensor.GemmTuningCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code recur tune} without timing anything: {@code --show} with and without this machine's file,
 * a file that is passed over, {@code --if-missing} where a file exists, {@code --reset}, and the
 * refusals. The tests' cache folder is {@code target/recur-cache} (the build sets
 * {@code recur.cache.dir}), never the user's.
 */
class TuneCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @AfterEach
    void removeTheFile() throws Exception {
        Path file = GemmTuningCache.file();
        if (Files.isDirectory(file)) {
            Files.delete(file);
        }
        Files.deleteIfExists(file);
    }

    private static JsonNode json(Run r) throws Exception {
        assertEquals(0, r.code(), r.err());
        return JSON.readTree(r.outLines().get(r.outLines().size() - 1));
    }

    @Test
    void showSaysWhereTheTuningComesFrom() throws Exception {
        Path file = GemmTuningCache.file();
        assertTrue(file.startsWith(Path.of("target").toAbsolutePath()) || file.toString().contains("recur-cache"),
                file.toString());
        JsonNode none = json(TrainCommandTest.run("--format", "json", "tune", "--show"));
        assertEquals(GemmTuning.DEFAULT.toString(), none.get("tuning").asText());
        assertEquals("default", none.get("source").asText());
        assertEquals(file.toString(), none.get("file").asText());

        GemmTuning t = new GemmTuning(256, 96, 4, 1L << 21, 0);
        Files.createDirectories(file.getParent());
        Files.write(file, GemmTuningCache.toJson(t, 100, 110, List.of()));
        JsonNode cached = json(TrainCommandTest.run("--format", "json", "tune", "--show"));
        assertEquals(t.toString(), cached.get("tuning").asText());
        assertEquals("cache " + file, cached.get("source").asText());

        // a file present: --if-missing times nothing and says what is in effect
        JsonNode kept = json(TrainCommandTest.run("--format", "json", "tune", "--if-missing"));
        assertEquals(t.toString(), kept.get("tuning").asText());

        Files.writeString(file, "{\"format\": \"recur-gemm-tuning\", \"version\": 7}");
        JsonNode passed = json(TrainCommandTest.run("--format", "json", "tune", "--show"));
        assertEquals(GemmTuning.DEFAULT.toString(), passed.get("tuning").asText());
        assertTrue(passed.get("source").asText().contains("passed over: expected version 1, found 7"),
                passed.toString());
    }

    @Test
    void resetDeletesThisMachinesFile() throws Exception {
        Path file = GemmTuningCache.file();
        Files.createDirectories(file.getParent());
        Files.write(file, GemmTuningCache.toJson(GemmTuning.DEFAULT, 1, 1, List.of()));
        assertTrue(json(TrainCommandTest.run("--format", "json", "tune", "--reset")).get("deleted").asBoolean());
        assertFalse(Files.exists(file));
        assertFalse(json(TrainCommandTest.run("--format", "json", "tune", "--reset")).get("deleted").asBoolean());
    }

    @Test
    void refusalsAreOneLine() throws Exception {
        Run both = TrainCommandTest.run("tune", "--show", "--reset");
        assertEquals(ExitCodes.USAGE, both.code(), both.err());
        assertEquals(List.of("recur tune: --show, --reset and --if-missing: expected at most one, found --show and --reset"),
                both.errLines());

        // never delete or write through something that is not a regular file
        Path file = GemmTuningCache.file();
        Files.createDirectories(file);
        Run folder = TrainCommandTest.run("tune", "--reset");
        assertTrue(folder.code() != 0, folder.err());
        assertEquals(1, folder.errLines().size(), folder.err());
        assertTrue(folder.err().contains("expected a regular file to write (or no file), found a folder"), folder.err());
        assertFalse(folder.err().contains("\tat "), folder.err());
        assertTrue(Files.isDirectory(file));

        Run threads = TrainCommandTest.run("tune", "--threads", "0");
        assertEquals(ExitCodes.USAGE, threads.code(), threads.err());
        assertEquals(1, threads.errLines().size(), threads.err());
    }

    @Test
    void aCacheFolderThatCannotBeWrittenIsRefusedBeforeTiming() throws Exception {
        // Before: 37 s of timing, then "Not a directory" or "Read-only file system", the result lost
        String saved = System.getProperty(GemmTuningCache.DIR_PROPERTY);
        Path notAFolder = Files.writeString(Files.createTempFile("recur-cache", ".txt"), "x");
        try {
            System.setProperty(GemmTuningCache.DIR_PROPERTY, notAFolder.toString());
            Run r = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> TrainCommandTest.run("tune"));
            assertEquals(ExitCodes.FAILURE, r.code(), r.err());
            assertEquals(List.of("recur tune: " + notAFolder + ": expected a folder recur can write its tuning into, "
                    + "found a file of that name, or a link to nothing; likely cause: a read-only home or a path that "
                    + "is a file; choose another with -Drecur.cache.dir=DIR in JAVA_OPTS or with XDG_CACHE_HOME"),
                    r.errLines());
            assertEquals("x", Files.readString(notAFolder));
        } finally {
            if (saved == null) {
                System.clearProperty(GemmTuningCache.DIR_PROPERTY);
            } else {
                System.setProperty(GemmTuningCache.DIR_PROPERTY, saved);
            }
            Files.delete(notAFolder);
        }
    }
}
