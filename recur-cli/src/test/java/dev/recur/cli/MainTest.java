package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.NoSuchFileException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the {@code recur} command line in-process and checks stdout, stderr and exit codes. */
class MainTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The outcome of one in-process run. */
    record Run(int code, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }

        List<String> errLines() {
            return err.lines().toList();
        }
    }

    /** A test-only subcommand that fails the way a real one might. */
    @Command(name = "fail")
    static final class FailCommand extends RecurCommand {
        @Option(names = "--with", required = true)
        String with;

        @Override
        protected int execute(Output out) throws Exception {
            out.notice("about to fail");
            switch (with) {
                case "iae" -> throw new IllegalArgumentException("hidden size must be positive, got -3");
                case "io" -> throw new NoSuchFileException("data/missing.txt");
                default -> throw new IllegalStateException("boom\nsecond line");
            }
        }
    }

    private static Run run(String... args) {
        CommandLine cl = Main.newCommandLine();
        cl.addSubcommand(new FailCommand());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static void assertOneLineError(Run r) {
        assertNotEquals(0, r.code(), "exit code");
        assertEquals(1, r.errLines().size(), () -> "one stderr line expected, got:\n" + r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertTrue(r.err().startsWith("recur"), r.err());
    }

    @Test
    void infoJsonIsOneObjectPerLine() throws Exception {
        Run r = run("info", "--format", "json");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        assertFalse(r.outLines().isEmpty());
        for (String line : r.outLines()) {
            JsonNode node = JSON.readTree(line);
            assertTrue(node.isObject(), line);
        }
        JsonNode info = JSON.readTree(r.outLines().get(0));
        assertEquals(System.getProperty("java.version"), info.get("java_version").asText());
        assertTrue(info.get("available_processors").asInt() >= 1);
        assertTrue(info.get("max_heap_bytes").asLong() > 0);
        assertFalse(info.get("recur_version").asText().contains("${"));
    }

    @Test
    void formatIsGlobalAndCaseInsensitive() throws Exception {
        Run r = run("--format", "JSON", "info");
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.outLines().size());
        assertTrue(JSON.readTree(r.out()).isObject());
    }

    @Test
    void infoTextIsKeyValueLines() {
        Run r = run("info");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.outLines();
        assertEquals(7, lines.size(), r.out());
        for (String line : lines) {
            assertTrue(line.matches("[a-z_]+: .+"), line);
        }
        assertTrue(lines.get(0).startsWith("recur_version: "));
        assertTrue(lines.get(5).startsWith("gemm_tuning: kc="), lines.get(5));
        assertTrue(lines.get(6).startsWith("gemm_tuning_source: "), lines.get(6));
    }

    @Test
    void unknownOptionIsOneLineUsageError() {
        Run r = run("--bogus");
        assertOneLineError(r);
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains("--bogus"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void unknownSubcommandOptionAndBadFormatAreUsageErrors() {
        assertOneLineError(run("info", "--bogus"));
        assertOneLineError(run("--format", "xml", "info"));
        assertOneLineError(run("no-such-command"));
        assertOneLineError(run());
    }

    @Test
    void illegalArgumentIsOneLineUsageError() {
        Run r = run("fail", "--with", "iae");
        assertEquals(ExitCodes.USAGE, r.code());
        assertEquals(List.of("about to fail", "recur fail: hidden size must be positive, got -3"), r.errLines());
    }

    @Test
    void ioErrorNamesTheFile() {
        Run r = run("--quiet", "fail", "--with", "io");
        assertOneLineError(r);
        assertEquals(ExitCodes.FAILURE, r.code());
        assertTrue(r.err().strip().startsWith("recur fail: data/missing.txt: no such file or directory (expected an "
                + "existing file or folder; likely cause: "), r.err());
    }

    @Test
    void unexpectedErrorIsOneLineWithoutTrace() {
        Run r = run("-q", "fail", "--with", "bug");
        assertEquals(ExitCodes.INTERNAL, r.code());
        assertEquals(1, r.errLines().size(), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void versionComesFromTheBuild() {
        Run r = run("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("recur " + RecurVersion.get()), r.out());
        assertFalse(RecurVersion.get().contains("${"));
    }
}
