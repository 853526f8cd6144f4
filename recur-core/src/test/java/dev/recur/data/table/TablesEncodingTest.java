package dev.recur.data.table;

import static dev.recur.data.table.TableFiles.refusal;
import static dev.recur.data.table.TableFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TablesEncodingTest {

    private static final String NOT_UTF8 =
            "likely cause: the file is not UTF-8 (e.g. Latin-1 or UTF-16); re-save it as UTF-8";

    @TempDir
    Path dir;

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Test
    void aLatin1FileIsRefusedWithTheLineAndByteOffsetOfTheFirstBadByte() throws Exception {
        Path csv = write(dir, "latin1.csv", "city,t\nParis,1\nMontr\u00e9al,2\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(csv + ": expected UTF-8 text, found byte 0xE9 at line 3 (byte offset 20), which is not valid"
                + " UTF-8; " + NOT_UTF8, refusal(csv, () -> Tables.read(csv)));
        Path jsonl = write(dir, "latin1.jsonl", "{\"a\":\"\u00e9\"}\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(jsonl + ": expected UTF-8 text, found byte 0xE9 at line 1 (byte offset 6), which is not valid"
                + " UTF-8; " + NOT_UTF8, refusal(jsonl, () -> Tables.read(jsonl)));
    }

    @Test
    void aNulByteIsRefused() throws Exception {
        // UTF-16LE without a byte-order mark: ASCII characters become the byte and a NUL
        Path file = write(dir, "nul.csv", "a\n1\n".getBytes(StandardCharsets.UTF_16LE));
        assertEquals(file + ": expected UTF-8 text, found a NUL byte (0x00) at line 1 (byte offset 1); " + NOT_UTF8,
                refusal(file, () -> Tables.read(file)));
    }

    @Test
    void aUtf8ByteOrderMarkIsDropped() throws Exception {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        Table t = Tables.read(write(dir, "bom.csv", concat(bom, "a,b\r\n1,2\r\n".getBytes(StandardCharsets.UTF_8))));
        assertEquals(List.of("a", "b"), t.columns());
        assertEquals(0, t.column("a"));
        Table j = Tables.read(write(dir, "bom.jsonl", concat(bom, "{\"a\":1}\n".getBytes(StandardCharsets.UTF_8))));
        assertEquals(List.of("a"), j.columns());
    }

    @Test
    void aUtf16ByteOrderMarkIsRefusedNamingUtf16() throws Exception {
        Path le = write(dir, "le.csv", concat(new byte[] {(byte) 0xFF, (byte) 0xFE},
                "a\n1\n".getBytes(StandardCharsets.UTF_16LE)));
        assertEquals(le + ": expected UTF-8 text, found a UTF-16 byte-order mark (0xFF 0xFE) at the start; likely"
                + " cause: the file is UTF-16 (e.g. saved as \"Unicode\" text); re-save it as UTF-8",
                refusal(le, () -> Tables.read(le)));
        Path be = write(dir, "be.tsv", "a\n1\n".getBytes(StandardCharsets.UTF_16)); // Java writes a BE mark
        assertEquals(be + ": expected UTF-8 text, found a UTF-16 byte-order mark (0xFE 0xFF) at the start; likely"
                + " cause: the file is UTF-16 (e.g. saved as \"Unicode\" text); re-save it as UTF-8",
                refusal(be, () -> Tables.read(be)));
    }

    @Test
    void aFileOverTheBoundIsRefusedBeforeItIsRead() throws Exception {
        Path file = dir.resolve("huge.csv");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(Tables.MAX_BYTES + 1L); // sparse: nothing is written
        }
        assertEquals(file + ": expected a table file of at most 1073741824 bytes (1 GiB), found 1073741825 bytes;"
                + " likely cause: the wrong file, or a table too large to read whole; split it",
                refusal(file, () -> Tables.read(file)));
    }
}
