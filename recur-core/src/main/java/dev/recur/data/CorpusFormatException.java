package dev.recur.data;

import java.io.IOException;
import java.util.Objects;

/**
 * A corpus could be read, but its bytes are not usable text: the file is empty, holds invalid
 * UTF-8, or looks binary.
 *
 * <p>Every problem with a corpus's <em>content</em> is reported with this exception (an
 * {@link IOException}, like a missing or unreadable file), never with an unchecked exception.
 * The message is one line of the form
 * {@code "SOURCE: expected ..., found ...; likely cause: ..."}, where {@code SOURCE} is the file
 * path or the name given for a stream or resource.
 *
 * <p>Its fields are final: safe to hand to another thread once thrown.
 */
public final class CorpusFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The file path or stream name. */
    private final String source;
    /** The offset of the first offending byte, or -1. */
    private final long byteOffset;

    /**
     * Creates the exception.
     *
     * @param source the file path or stream name, as it should appear in the message
     * @param expected what a corpus must be, e.g. {@code "UTF-8 text"}
     * @param found what the bytes hold instead, e.g. {@code "an empty file"}
     * @param likelyCause the most probable reason
     * @param byteOffset the offset (from the start of the raw bytes, byte-order mark included) of
     *     the first offending byte, or {@code -1} when the problem has no single position
     */
    public CorpusFormatException(String source, String expected, String found, String likelyCause,
                                 long byteOffset) {
        super(source + ": expected " + expected + ", found " + found + "; likely cause: " + likelyCause);
        this.source = Objects.requireNonNull(source, "source");
        this.byteOffset = byteOffset;
    }

    /**
     * Returns the file path or stream name the corpus was read from.
     *
     * @return the source, as named in the message
     */
    public String source() {
        return source;
    }

    /**
     * Returns the offset of the first offending byte in the raw bytes (a leading byte-order mark
     * counts: offset 0 is the first byte of the file).
     *
     * @return the byte offset, or {@code -1} when the problem has no single position (an empty file)
     */
    public long byteOffset() {
        return byteOffset;
    }
}
