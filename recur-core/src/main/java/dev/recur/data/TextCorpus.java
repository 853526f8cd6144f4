package dev.recur.data;

import dev.recur.io.RegularFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.Objects;

/**
 * A text corpus: a file (or stream, or classpath resource) decoded as strict UTF-8, held as its
 * sequence of Unicode code points, with the SHA-256 of its raw bytes for provenance.
 *
 * <h2>Decoding</h2>
 * <ul>
 *   <li>The bytes must be valid UTF-8 (overlong forms, encoded surrogates and values above
 *       U+10FFFF are invalid too). A leading UTF-8 byte-order mark ({@code EF BB BF}) is dropped.</li>
 *   <li>A NUL byte is rejected: a text corpus never holds one, a binary file or UTF-16 text almost
 *       always does.</li>
 *   <li>With {@link Newlines#UNIVERSAL} (the default), {@code "\r\n"} and a lone {@code "\r"}
 *       become {@code "\n"}, as Python's {@code open(path, encoding="utf-8").read()} does, so that a
 *       corpus with Windows line ends gives the same characters as the reference script;
 *       {@link Newlines#KEEP} keeps the decoded text verbatim.</li>
 * </ul>
 * Compared with the reference's {@code open(corpus, encoding="utf-8").read()}, the characters are
 * identical except that the reference keeps a leading byte-order mark as a U+FEFF character and
 * accepts NUL bytes (both are rejected or dropped here).
 *
 * <h2>Errors</h2>
 * Everything wrong with the content (empty, invalid UTF-8, binary) is a
 * {@link CorpusFormatException}, an {@link IOException}, with a one-line message
 * {@code "SOURCE: expected ..., found ...; likely cause: ..."}; an invalid byte is located by its
 * byte offset in the raw bytes ({@link CorpusFormatException#byteOffset()}). Failing to read the
 * file at all is the plain {@link IOException} of {@link Files}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class TextCorpus {

    /** How line ends are treated while decoding. */
    public enum Newlines {
        /**
         * {@code "\r\n"} and a lone {@code "\r"} become {@code "\n"} (Python's universal newlines,
         * what the reference script's {@code open(..., encoding="utf-8")} does). The default.
         */
        UNIVERSAL,
        /** The decoded text is kept verbatim, carriage returns included. */
        KEEP
    }

    private static final int MAX_BYTES = Integer.MAX_VALUE - 16;

    private final String source;
    private final String text;
    private final int[] codePoints;
    private final long byteLength;
    private final String sha256;
    private final boolean bomDropped;

    private TextCorpus(String source, String text, long byteLength, String sha256, boolean bomDropped) {
        this.source = source;
        this.text = text;
        this.codePoints = text.codePoints().toArray();
        this.byteLength = byteLength;
        this.sha256 = sha256;
        this.bomDropped = bomDropped;
    }

    /**
     * Loads a corpus file with {@link Newlines#UNIVERSAL} line ends.
     *
     * @param file the file
     * @return the corpus, whose {@link #source()} is {@code file.toString()}
     * @throws CorpusFormatException if the file is empty, not valid UTF-8, or binary
     * @throws IOException if the file cannot be read
     */
    public static TextCorpus load(Path file) throws IOException {
        return load(file, Newlines.UNIVERSAL);
    }

    /**
     * Loads a corpus file.
     *
     * @param file the file
     * @param newlines how line ends are treated
     * @return the corpus, whose {@link #source()} is {@code file.toString()}
     * @throws CorpusFormatException if the file is not a regular file (a directory, a device, a pipe),
     *     or is empty, not valid UTF-8, or binary
     * @throws IOException if the file cannot be read
     */
    public static TextCorpus load(Path file, Newlines newlines) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(newlines, "newlines");
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            // a directory cannot be read; a device or a pipe may never end (/dev/zero) or never start (a FIFO)
            throw new CorpusFormatException(file.toString(), "a UTF-8 text file", RegularFiles.kind(file, attributes),
                    attributes.isDirectory() ? "the folder was given instead of a file in it"
                            : "the wrong path (the whole text is read first, and a device or pipe may never end or "
                            + "never start)", -1);
        }
        long size = attributes.size();
        if (size > MAX_BYTES) {
            throw new CorpusFormatException(file.toString(), "a text of at most " + MAX_BYTES + " bytes",
                    size + " bytes", "the file is not a text corpus, or too large to hold in memory", -1);
        }
        return fromBytes(Files.readAllBytes(file), file.toString(), newlines);
    }

    /**
     * Reads a corpus from a stream (to its end; the stream is not closed), with
     * {@link Newlines#UNIVERSAL} line ends.
     *
     * @param in the stream
     * @param sourceName the name to report in messages and {@link #source()}
     * @return the corpus
     * @throws CorpusFormatException if the bytes are empty, not valid UTF-8, or binary
     * @throws IOException if the stream fails
     */
    public static TextCorpus read(InputStream in, String sourceName) throws IOException {
        return read(in, sourceName, Newlines.UNIVERSAL);
    }

    /**
     * Reads a corpus from a stream (to its end; the stream is not closed).
     *
     * @param in the stream
     * @param sourceName the name to report in messages and {@link #source()}
     * @param newlines how line ends are treated
     * @return the corpus
     * @throws CorpusFormatException if the bytes are empty, not valid UTF-8, or binary
     * @throws IOException if the stream fails
     */
    public static TextCorpus read(InputStream in, String sourceName, Newlines newlines) throws IOException {
        Objects.requireNonNull(in, "in");
        return fromBytes(in.readAllBytes(), sourceName, newlines);
    }

    /**
     * Loads a corpus from a classpath resource, with {@link Newlines#UNIVERSAL} line ends.
     *
     * @param anchor the class whose loader (and package, for a relative name) finds the resource
     * @param resourceName the resource name as for {@link Class#getResourceAsStream(String)}, e.g.
     *     {@code "/dev/recur/data/tinyshakespeare.txt"}
     * @return the corpus, whose {@link #source()} is {@code "classpath:" + resourceName}
     * @throws FileNotFoundException if there is no such resource
     * @throws CorpusFormatException if the bytes are empty, not valid UTF-8, or binary
     * @throws IOException if reading fails
     */
    public static TextCorpus fromResource(Class<?> anchor, String resourceName) throws IOException {
        Objects.requireNonNull(anchor, "anchor");
        Objects.requireNonNull(resourceName, "resourceName");
        String source = "classpath:" + resourceName;
        try (InputStream in = anchor.getResourceAsStream(resourceName)) {
            if (in == null) {
                throw new FileNotFoundException(source + ": no such resource (relative to "
                        + anchor.getName() + ")");
            }
            return read(in, source, Newlines.UNIVERSAL);
        }
    }

    /**
     * Decodes a corpus held in memory, with {@link Newlines#UNIVERSAL} line ends.
     *
     * @param bytes the raw bytes (not modified)
     * @param sourceName the name to report in messages and {@link #source()}
     * @return the corpus
     * @throws CorpusFormatException if the bytes are empty, not valid UTF-8, or binary
     */
    public static TextCorpus fromBytes(byte[] bytes, String sourceName) throws CorpusFormatException {
        return fromBytes(bytes, sourceName, Newlines.UNIVERSAL);
    }

    /**
     * Decodes a corpus held in memory.
     *
     * @param bytes the raw bytes (not modified)
     * @param sourceName the name to report in messages and {@link #source()}
     * @param newlines how line ends are treated
     * @return the corpus
     * @throws CorpusFormatException if the bytes are empty, not valid UTF-8, or binary
     */
    public static TextCorpus fromBytes(byte[] bytes, String sourceName, Newlines newlines)
            throws CorpusFormatException {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(newlines, "newlines");
        String hash = sha256Hex(bytes);
        boolean bom = bytes.length >= 3
                && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF;
        int start = bom ? 3 : 0;
        if (bytes.length == 0) {
            throw new CorpusFormatException(sourceName, "text", "an empty file",
                    "the wrong file was given, or it was not written completely", -1);
        }
        if (bytes.length == start) {
            throw new CorpusFormatException(sourceName, "text",
                    "an empty file (only a UTF-8 byte-order mark)",
                    "the wrong file was given, or it was not written completely", -1);
        }
        if (bytes.length >= 2 && ((bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xFE
                || (bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF)) {
            throw new CorpusFormatException(sourceName, "UTF-8 text",
                    String.format(Locale.ROOT, "a UTF-16 byte-order mark (0x%02X 0x%02X) at byte offset 0,"
                            + " so it does not look like UTF-8 text", bytes[0] & 0xFF, bytes[1] & 0xFF),
                    "the file is UTF-16 (or UTF-32) text; convert it to UTF-8", 0);
        }

        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        in.position(start); // positions stay absolute: offset 0 is the first byte, BOM included
        CharBuffer out = CharBuffer.allocate(bytes.length - start);
        CoderResult result = decoder.decode(in, out, true);
        long badOffset = -1;
        if (result.isError()) {
            badOffset = in.position();
        } else {
            result = decoder.flush(out);
            if (result.isError()) {
                badOffset = in.position();
            }
        }
        int nul = indexOfNul(bytes, start);
        if (nul >= 0 && (badOffset < 0 || nul < badOffset)) {
            throw new CorpusFormatException(sourceName, "UTF-8 text",
                    "a NUL byte (0x00) at byte offset " + nul + ", so it does not look like UTF-8 text",
                    "a binary file, or UTF-16/UTF-32 text, was given instead of a UTF-8 text corpus", nul);
        }
        if (badOffset >= 0) {
            int at = (int) badOffset;
            if (truncatedAtEnd(bytes, at)) {
                throw new CorpusFormatException(sourceName, "UTF-8 text",
                        "an incomplete UTF-8 sequence at byte offset " + at + " (the last "
                                + (bytes.length - at) + " byte" + (bytes.length - at == 1 ? "" : "s")
                                + " of the file)",
                        "the file was cut short (an interrupted copy or download)", at);
            }
            throw new CorpusFormatException(sourceName, "UTF-8 text",
                    String.format(Locale.ROOT, "byte 0x%02X at byte offset %d, which is not valid UTF-8,"
                            + " so it does not look like UTF-8 text", bytes[at] & 0xFF, at),
                    "a binary file, or text in another encoding (such as Latin-1 or Windows-1252);"
                            + " convert it to UTF-8", at);
        }
        out.flip();
        String text = out.toString();
        if (newlines == Newlines.UNIVERSAL && text.indexOf('\r') >= 0) {
            text = text.replace("\r\n", "\n").replace('\r', '\n');
        }
        return new TextCorpus(sourceName, text, bytes.length, hash, bom);
    }

    private static int indexOfNul(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    /** True if the malformed sequence at {@code at} is a valid lead byte cut short by the end of the data. */
    private static boolean truncatedAtEnd(byte[] bytes, int at) {
        int lead = bytes[at] & 0xFF;
        int need;
        if (lead >= 0xC2 && lead <= 0xDF) {
            need = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            need = 3;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            need = 4;
        } else {
            return false;
        }
        if (bytes.length - at >= need) {
            return false;
        }
        for (int i = at + 1; i < bytes.length; i++) {
            if ((bytes[i] & 0xC0) != 0x80) {
                return false;
            }
        }
        return true;
    }

    private static String sha256Hex(byte[] bytes) {
        return dev.recur.io.Sha256.hex(bytes);
    }

    /**
     * Returns where the corpus came from: the file path, {@code "classpath:NAME"}, or the name given.
     *
     * @return the source name
     */
    public String source() {
        return source;
    }

    /**
     * Returns the decoded text (byte-order mark dropped, line ends as chosen).
     *
     * @return the text
     */
    public String text() {
        return text;
    }

    /**
     * Returns the text as Unicode code points, one per character (the unit of the vocabulary, the
     * split and the batching).
     *
     * @return a fresh copy of the code points
     */
    public int[] codePoints() {
        return codePoints.clone();
    }

    /**
     * Returns the number of characters (code points, not Java {@code char}s), what Python's
     * {@code len(text)} gives.
     *
     * @return the length in code points
     */
    public int length() {
        return codePoints.length;
    }

    /**
     * Returns the size of the raw bytes, byte-order mark included.
     *
     * @return the byte count
     */
    public long byteLength() {
        return byteLength;
    }

    /**
     * Returns the SHA-256 of the raw bytes (byte-order mark and original line ends included), as 64
     * lower-case hex digits, for provenance: it identifies the file, e.g. {@code sha256sum FILE}.
     *
     * @return the hex digest
     */
    public String sha256() {
        return sha256;
    }

    /**
     * Tells whether a leading UTF-8 byte-order mark was dropped.
     *
     * @return true if the raw bytes began with {@code EF BB BF}
     */
    public boolean bomDropped() {
        return bomDropped;
    }

    /**
     * Builds the vocabulary of this corpus: the sorted set of its code points.
     *
     * @return the vocabulary
     */
    public Vocabulary vocabulary() {
        return Vocabulary.fromCodePointSequence(codePoints);
    }

    /**
     * Encodes the whole corpus with a vocabulary.
     *
     * @param vocabulary the vocabulary
     * @return one token id per character
     * @throws IllegalArgumentException if the corpus has a character the vocabulary lacks
     */
    public int[] encode(Vocabulary vocabulary) {
        return vocabulary.encodeCodePoints(codePoints);
    }

    @Override
    public String toString() {
        return "TextCorpus[" + source + ", " + codePoints.length + " characters, " + byteLength
                + " bytes, sha256 " + sha256 + "]";
    }
}
