package dev.recur.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import dev.recur.testing.FileFixtures;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class TextCorpusTest {

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private CorpusFormatException loadFails(String name, byte[] content) throws IOException {
        Path p = write(name, content);
        CorpusFormatException e = assertThrows(CorpusFormatException.class, () -> TextCorpus.load(p));
        assertTrue(e.getMessage().startsWith(p + ": expected "), e.getMessage());
        assertTrue(e.getMessage().contains("; likely cause: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(p.toString(), e.source());
        return e;
    }

    @Test
    void loadsUtf8WithCodePointsOutsideTheBmpAndChinese() throws Exception {
        String text = "帝京篇\n秦川雄帝宅，函谷壯皇居。" + new String(Character.toChars(0x2A4B6)) + "😀 ok\n";
        byte[] raw = utf8(text);
        Path p = write("poems.txt", raw);
        TextCorpus c = TextCorpus.load(p);
        assertEquals(text, c.text());
        assertEquals(text.codePointCount(0, text.length()), c.length());
        assertEquals(22, c.length());
        assertArrayEquals(text.codePoints().toArray(), c.codePoints());
        assertEquals(raw.length, c.byteLength());
        assertEquals(sha256(raw), c.sha256());
        assertEquals(p.toString(), c.source());
        assertFalse(c.bomDropped());
        Vocabulary v = c.vocabulary();
        assertEquals(text, v.decode(c.encode(v)));
        assertEquals(0x2A4B6, v.codePoint(v.size() - 1));
    }

    @Test
    void leadingBomIsDropped() throws Exception {
        byte[] raw = concat(BOM, utf8("hi\uFEFFthere"));
        TextCorpus c = TextCorpus.load(write("bom.txt", raw));
        assertEquals("hi\uFEFFthere", c.text()); // only the leading BOM is a signature
        assertTrue(c.bomDropped());
        assertEquals(raw.length, c.byteLength());
        assertEquals(sha256(raw), c.sha256()); // provenance covers the raw bytes, BOM included
    }

    @Test
    void invalidUtf8NamesTheByteOffsetOfTheFirstBadByte() throws Exception {
        // Offsets as Python's UnicodeDecodeError.start reports them for the same bytes.
        CorpusFormatException e = loadFails("a.txt", concat(utf8("abc"), bytes(0xC3, '('), utf8("def")));
        assertEquals(3, e.byteOffset());
        assertTrue(e.getMessage().contains("byte 0xC3 at byte offset 3"), e.getMessage());
        assertTrue(e.getMessage().contains("does not look like UTF-8 text"), e.getMessage());

        // The offset counts the BOM: it is into the raw file, not the decoded text.
        e = loadFails("b.txt", concat(BOM, utf8("ab"), bytes(0xFF)));
        assertEquals(5, e.byteOffset());
        assertTrue(e.getMessage().contains("byte 0xFF at byte offset 5"), e.getMessage());

        // A byte offset, not a character index: "é€" is 2 characters but 5 bytes.
        e = loadFails("c.txt", concat(utf8("é€"), bytes(0x80), utf8("z")));
        assertEquals(5, e.byteOffset());

        assertEquals(2, loadFails("d.txt", concat(utf8("ab"), bytes(0xED, 0xA0, 0x80))).byteOffset()); // surrogate
        assertEquals(1, loadFails("e.txt", bytes('a', 0xC0, 0xAF, 'b')).byteOffset()); // overlong
        assertEquals(2, loadFails("f.txt", bytes('x', 'y', 0xF5, 0x80, 0x80, 0x80)).byteOffset());
        assertEquals(0, loadFails("g.txt", bytes(0xF4, 0x90, 0x80, 0x80)).byteOffset()); // above U+10FFFF
        assertEquals(2, loadFails("h.txt", bytes('a', 'b', 0xE2, 0x82, '(')).byteOffset());
    }

    @Test
    void truncatedLastCharacter() throws Exception {
        CorpusFormatException e = loadFails("t.txt", bytes('a', 'b', 0xE2, 0x82));
        assertEquals(2, e.byteOffset());
        assertTrue(e.getMessage().contains("incomplete UTF-8 sequence at byte offset 2"), e.getMessage());
        assertTrue(e.getMessage().contains("cut short"), e.getMessage());
    }

    @Test
    void emptyFile() throws Exception {
        CorpusFormatException e = loadFails("empty.txt", new byte[0]);
        assertTrue(e.getMessage().startsWith(dir.resolve("empty.txt") + ": expected text, found an empty file"),
                e.getMessage());
        assertEquals(-1, e.byteOffset());

        e = loadFails("bom-only.txt", BOM);
        assertTrue(e.getMessage().startsWith(dir.resolve("bom-only.txt") + ": expected text, found an empty file"),
                e.getMessage());
    }

    @Test
    void aDirectoryIsRefused() {
        CorpusFormatException e = assertThrows(CorpusFormatException.class, () -> TextCorpus.load(dir));
        assertEquals(dir + ": expected a UTF-8 text file, found a directory; likely cause: the folder was given "
                + "instead of a file in it", e.getMessage());
    }

    /** A device never ends and a FIFO never starts: without the check, loading one never returned. */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void devicesAndPipesAreRefusedWithoutReadingThem() throws Exception {
        Path zero = Path.of("/dev/zero");
        Assumptions.assumeTrue(Files.exists(zero), "a Unix /dev/zero");
        CorpusFormatException e = assertThrows(CorpusFormatException.class, () -> TextCorpus.load(zero));
        assertEquals("/dev/zero: expected a UTF-8 text file, found a character device; likely cause: the wrong path "
                + "(the whole text is read first, and a device or pipe may never end or never start)", e.getMessage());
        Path fifo = FileFixtures.fifoOrSkip(dir.resolve("fifo"));
        e = assertThrows(CorpusFormatException.class, () -> TextCorpus.load(fifo));
        assertTrue(e.getMessage().startsWith(fifo + ": expected a UTF-8 text file, found a FIFO (named pipe); "),
                e.getMessage());
    }

    @Test
    void binaryFile() throws Exception {
        // A zip header: valid UTF-8 up to its NUL bytes.
        CorpusFormatException e = loadFails("x.zip", bytes('P', 'K', 3, 4, 20, 0, 0, 0, 8, 0));
        assertEquals(5, e.byteOffset());
        assertTrue(e.getMessage().contains("NUL byte"), e.getMessage());
        assertTrue(e.getMessage().contains("does not look like UTF-8 text"), e.getMessage());
        assertTrue(e.getMessage().contains("binary file"), e.getMessage());

        // A PNG header: invalid UTF-8 at once.
        e = loadFails("x.png", bytes(0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13));
        assertEquals(0, e.byteOffset());
        assertTrue(e.getMessage().contains("does not look like UTF-8 text"), e.getMessage());

        // The earlier of the two problems is reported.
        assertEquals(1, loadFails("y.bin", bytes('a', 0xFF, 0)).byteOffset());
        assertEquals(1, loadFails("z.bin", bytes('a', 0, 0xFF)).byteOffset());
    }

    @Test
    void utf16IsRecognised() throws Exception {
        CorpusFormatException e = loadFails("u16.txt", concat(bytes(0xFF, 0xFE), "hi".getBytes(StandardCharsets.UTF_16LE)));
        assertTrue(e.getMessage().contains("UTF-16"), e.getMessage());
        assertEquals(0, e.byteOffset());
        // Without a BOM, UTF-16 text of ASCII characters shows as NUL bytes.
        e = loadFails("u16-nobom.txt", "hi".getBytes(StandardCharsets.UTF_16LE));
        assertTrue(e.getMessage().contains("NUL byte") && e.getMessage().contains("UTF-16"), e.getMessage());
    }

    @Test
    void lineEndsAsPythonTextMode() throws Exception {
        byte[] raw = utf8("a\r\nb\rc\n\r\n");
        Path p = write("crlf.txt", raw);
        TextCorpus universal = TextCorpus.load(p);
        assertEquals("a\nb\nc\n\n", universal.text());
        assertEquals(7, universal.length());
        TextCorpus kept = TextCorpus.load(p, TextCorpus.Newlines.KEEP);
        assertEquals("a\r\nb\rc\n\r\n", kept.text());
        assertEquals(universal.sha256(), kept.sha256());
    }

    @Test
    void streamsAndResources() throws Exception {
        TextCorpus c = TextCorpus.read(new ByteArrayInputStream(concat(BOM, utf8("ok"))), "stdin");
        assertEquals("ok", c.text());
        assertEquals("stdin", c.source());
        CorpusFormatException e = assertThrows(CorpusFormatException.class,
                () -> TextCorpus.read(new ByteArrayInputStream(new byte[0]), "stdin"));
        assertEquals("stdin: expected text, found an empty file; likely cause: the wrong file was given,"
                + " or it was not written completely", e.getMessage());

        FileNotFoundException missing = assertThrows(FileNotFoundException.class,
                () -> TextCorpus.fromResource(TextCorpusTest.class, "/dev/recur/data/no-such-corpus.txt"));
        assertTrue(missing.getMessage().contains("classpath:/dev/recur/data/no-such-corpus.txt"));
        assertThrows(NoSuchFileException.class, () -> TextCorpus.load(dir.resolve("absent.txt")));
    }

    @Test
    void accessorsReturnCopies() throws Exception {
        TextCorpus c = TextCorpus.fromBytes(utf8("abc"), "mem");
        c.codePoints()[0] = 'z';
        assertEquals('a', c.codePoints()[0]);
    }
}
