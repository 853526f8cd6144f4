package dev.recur.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of malformed file gives a {@link FormatException} that names the file and the problem. */
class SafetensorsMalformedTest {

    @TempDir
    Path tmp;

    /** A file with this header (padded to 8) followed by {@code dataBytes} bytes of data. */
    private Path file(String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        int n = (json.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + n + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(n).put(json);
        while (b.position() < 8 + n) {
            b.put((byte) ' ');
        }
        return raw(b.array());
    }

    private Path raw(byte[] bytes) throws IOException {
        Path p = tmp.resolve("bad.safetensors");
        Files.write(p, bytes);
        return p;
    }

    /** Reads {@code p}, expects a FormatException, and checks its message. */
    private static FormatException fails(Path p, String... fragments) {
        FormatException e = assertThrows(FormatException.class, () -> SafetensorsFile.read(p));
        String m = e.getMessage();
        assertTrue(m.startsWith(p + ": expected "), m);
        assertTrue(m.contains(", found "), m);
        assertTrue(m.contains("; likely cause: "), m);
        for (String f : fragments) {
            assertTrue(m.contains(f), "message lacks '" + f + "': " + m);
        }
        assertEquals(p, e.file());
        return e;
    }

    private static String t(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape
                + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    @Test
    void emptyFile() throws IOException {
        fails(raw(new byte[0]), "at least 8 bytes", "found 0 bytes", "empty");
    }

    @Test
    void shorterThanEightBytes() throws IOException {
        fails(raw(new byte[] {1, 0, 0}), "at least 8 bytes", "found 3 bytes", "truncated");
    }

    @Test
    void headerLongerThanFile() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + 10).order(ByteOrder.LITTLE_ENDIAN).putLong(1000);
        fails(raw(b.array()), "a header of 1000 bytes", "only 10 bytes", "truncated");
    }

    @Test
    void headerLengthWithTopBitSet() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-8);
        fails(raw(b.array()), "a header of 18446744073709551608 bytes", "truncated");
    }

    @Test
    void truncatedGoldenFile() throws IOException {
        byte[] full = Files.readAllBytes(GoldenFiles.file("lstm_1l_uni_t1_b1"));
        fails(raw(Arrays.copyOf(full, full.length - 100)), "to lie within the data section",
                "truncated");
        fails(raw(Arrays.copyOf(full, 500)), "a header of 1800 bytes", "truncated");
    }

    @Test
    void headerNotJson() throws IOException {
        fails(file("{\"x\":{\"dtype\":\"F64\",", 0), "a UTF-8 JSON object as the header", "invalid JSON");
        fails(file("hello world", 0), "invalid JSON");
        fails(file("{} {}", 0), "invalid JSON");
    }

    @Test
    void headerNotUtf8() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(8);
        b.put(new byte[] {'{', '"', (byte) 0xff, (byte) 0xfe, '"', ':', '1', '}'});
        fails(raw(b.array()), "invalid JSON");
    }

    /** The format: the header starts with '{'; a byte-order mark or white space before it is refused. */
    @Test
    void headerStartingWithABomOrSpacesIsRefused() throws IOException {
        String ok = "{" + t("a", "F64", "[1]", 0, 8) + "}";
        SafetensorsFile.read(file(ok, 8));
        fails(file("\uFEFF" + ok, 8), "a header that starts with '{'", "a UTF-8 byte-order mark before it");
        fails(file("  " + ok, 8), "a header that starts with '{'", "white space (byte 0x20) before it");
    }

    @Test
    void headerNotAnObject() throws IOException {
        fails(file("[1,2,3]", 0), "a UTF-8 JSON object as the header", "found a JSON array");
        fails(file("", 0), "found an empty header");
    }

    @Test
    void duplicateTensorName() throws IOException {
        fails(file("{" + t("a", "F64", "[1]", 0, 8) + "," + t("a", "F64", "[1]", 0, 8) + "}", 8),
                "invalid JSON", "'a'");
    }

    @Test
    void unknownDtype() throws IOException {
        fails(file("{" + t("w", "F16", "[2]", 0, 4) + "}", 4),
                "the dtype of tensor 'w' to be one of F64, F32, I64, I32", "found \"F16\"");
    }

    @Test
    void shapeOffsetMismatch() throws IOException {
        fails(file("{" + t("w", "F64", "[2,3]", 0, 40) + "}", 40),
                "tensor 'w'", "to span 48 bytes", "found 40 bytes", "shape or dtype");
    }

    @Test
    void negativeDimension() throws IOException {
        fails(file("{" + t("w", "F64", "[2,-3]", 0, 0) + "}", 0),
                "non-negative integer dimensions", "[2,-3]");
    }

    @Test
    void nonIntegerDimension() throws IOException {
        fails(file("{" + t("w", "F64", "[2.0]", 0, 16) + "}", 16), "non-negative integer dimensions");
    }

    @Test
    void badDataOffsets() throws IOException {
        fails(file("{\"w\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0]}}", 8),
                "[begin, end]", "[0]");
        fails(file("{" + t("w", "F64", "[0]", 8, 0) + "}", 8), "begin <= end", "[8, 0]");
        fails(file("{" + t("w", "F64", "[1]", -8, 0) + "}", 8), "non-negative integers");
    }

    @Test
    void offsetsOutOfRange() throws IOException {
        fails(file("{" + t("a", "F64", "[1]", 0, 8) + "," + t("b", "F64", "[2]", 8, 24) + "}", 16),
                "tensor 'b'", "within the data section of 16 bytes", "[8, 24]", "truncated");
    }

    @Test
    void overlappingTensors() throws IOException {
        fails(file("{" + t("a", "F64", "[2]", 0, 16) + "," + t("b", "F64", "[1]", 8, 16) + "}", 16),
                "disjoint", "'b' [8, 16)", "'a' [0, 16)");
    }

    @Test
    void gapBetweenTensors() throws IOException {
        fails(file("{" + t("a", "F64", "[1]", 0, 8) + "," + t("b", "F64", "[1]", 16, 24) + "}", 24),
                "contiguous", "tensor 'b' starting at byte 16", "gap of 8");
    }

    @Test
    void trailingBytes() throws IOException {
        fails(file("{" + t("a", "F64", "[1]", 0, 8) + "}", 12),
                "cover the whole data section of 12 bytes", "4 trailing bytes");
        fails(file("{}", 3), "3 trailing bytes");
    }

    @Test
    void metadataValueNotString() throws IOException {
        fails(file("{\"__metadata__\":{\"lr\":0.01}}", 0),
                "metadata value of 'lr' to be a JSON string", "found a JSON number (0.01)");
        fails(file("{\"__metadata__\":[\"a\"]}", 0), "\"__metadata__\" to be a JSON object", "array");
    }

    @Test
    void malformedTensorEntry() throws IOException {
        fails(file("{\"w\":[1]}", 0), "tensor 'w' to be a JSON object", "array");
        fails(file("{\"w\":{\"dtype\":\"F64\",\"shape\":[]}}", 8), "the key 'data_offsets' in tensor 'w'");
        fails(file("{\"w\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[0,8],\"x\":1}}", 8),
                "only the keys dtype, shape and data_offsets", "'x'");
        fails(file("{\"w\":{\"dtype\":64,\"shape\":[],\"data_offsets\":[0,8]}}", 8), "JSON string");
    }

    @Test
    void emptyButValidFilesAreAccepted() throws IOException {
        SafetensorsFile f = SafetensorsFile.read(file("{}", 0));
        assertTrue(f.names().isEmpty());
        assertTrue(f.metadata().isEmpty());
        SafetensorsFile g = SafetensorsFile.read(file("{\"__metadata__\":null," + t("z", "F32", "[0]", 0, 0) + "}", 0));
        assertEquals(0, g.floats("z").length);
        // An unpadded header is fine too.
        ByteBuffer b = ByteBuffer.allocate(8 + 2).order(ByteOrder.LITTLE_ENDIAN).putLong(2).put((byte) '{').put((byte) '}');
        assertTrue(SafetensorsFile.read(raw(b.array())).names().isEmpty());
    }
}
