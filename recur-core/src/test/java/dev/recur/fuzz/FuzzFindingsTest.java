package dev.recur.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.recur.checkpoint.Checkpoint;
import dev.recur.checkpoint.Manifest;
import dev.recur.checkpoint.ManifestFormat;
import dev.recur.io.FormatException;
import dev.recur.io.SafetensorsFile;
import dev.recur.tensor.Precision;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The smallest inputs that reproduce what {@link ReaderFuzzTest} found, each kept as a plain test. */
class FuzzFindingsTest {

    @TempDir
    Path tmp;

    /**
     * A manifest whose first four bytes are zero: the JSON parser takes it for UTF-32 and failed with a
     * {@link java.io.CharConversionException}, not the project's exception (fuzz manifest, index 2).
     */
    @Test
    void aManifestThatLooksLikeUtf32IsRefusedAsAFormatError() throws IOException {
        Path run = Files.createDirectories(tmp.resolve("run"));
        byte[] bytes = "\0\0\0\0{\"format\": \"recur-checkpoint\"}".getBytes(StandardCharsets.UTF_8);
        Files.write(run.resolve(Manifest.FILE), bytes);
        FormatException e = assertThrows(FormatException.class, () -> ManifestFormat.read(run));
        assertTrue(e.getMessage().startsWith(run.resolve(Manifest.FILE) + ": expected a recur checkpoint manifest"),
                e.getMessage());
        assertOneLine(e);
    }

    /**
     * The same for a safetensors header, where it gave an {@link IllegalStateException} (seen beside the
     * manifest's case, not hit by the fuzzer in 10,000 cases).
     */
    @Test
    void aSafetensorsHeaderThatLooksLikeUtf32IsRefusedAsAFormatError() throws IOException {
        byte[] header = "\0\0\0\0{\"a\": {}}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        Path file = Files.write(tmp.resolve("utf32.safetensors"), b.array());
        FormatException e = assertThrows(FormatException.class, () -> SafetensorsFile.read(file));
        assertTrue(e.getMessage().contains("expected a UTF-8 JSON object as the header"), e.getMessage());
        assertOneLine(e);
    }

    /**
     * A manifest whose sha256 holds a line break (a JSON escape): the message that quotes it was two
     * lines (fuzz manifest, index 108); a line break is now written as its escape.
     */
    @Test
    void aLineBreakInAManifestValueStaysOutOfTheMessage() throws Exception {
        Path run = Files.createDirectories(tmp.resolve("gru-v1"));
        Path fixture = Path.of(FuzzFindingsTest.class.getResource("/compat/v1/gru-v1").toURI());
        try (Stream<Path> files = Files.list(fixture)) {
            for (Path f : files.toList()) {
                Files.copy(f, run.resolve(f.getFileName()));
            }
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = (ObjectNode) json.readTree(run.resolve(Manifest.FILE).toFile());
        ((ObjectNode) manifest.get("files").get("model")).put("sha256", "\r\n");
        json.writeValue(run.resolve(Manifest.FILE).toFile(), manifest);
        FormatException e = assertThrows(FormatException.class, () -> Checkpoint.loadModel(run, Precision.F32, false));
        assertTrue(e.getMessage().contains("expected SHA-256 \\r\\n ("), e.getMessage());
        assertOneLine(e);
    }

    @Test
    void everyLineSeparatorInAFormatExceptionIsEscaped() {
        FormatException e = new FormatException(Path.of("f"), "a\nb", "c\rd\u2028e\u0085f", "g\u000Bh\u000Ci\u2029");
        assertEquals("f: expected a\\nb, found c\\rd\\u2028e\\u0085f; likely cause: g\\u000Bh\\u000Ci\\u2029",
                e.getMessage());
        assertEquals(e.getMessage(), e.withRemedy("x").getMessage().replace(" (x)", ""));
    }

    private static void assertOneLine(Exception e) {
        assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), e.getMessage());
    }
}
