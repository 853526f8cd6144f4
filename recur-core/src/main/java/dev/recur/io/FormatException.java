package dev.recur.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A file exists and could be read, but its content is not what the format requires.
 *
 * <p>The message always has the form
 * {@code "FILE: expected ..., found ...; likely cause: ..."}, so that it names the file, the
 * rule that was broken, what was actually there, and the most probable reason, once.
 */
public final class FormatException extends IOException {

    private static final long serialVersionUID = 1L;

    private static final String LIKELY_CAUSE = "; likely cause: ";

    private final transient Path file;

    /**
     * Creates the exception.
     *
     * @param file the offending file
     * @param expected what the format requires, e.g. {@code "at least 8 bytes"}
     * @param found what the file holds instead, e.g. {@code "3 bytes"} (see the other constructor for
     *     a {@code found} that gives its own likely cause)
     * @param likelyCause the most probable reason, e.g. {@code "the file is truncated"}
     */
    public FormatException(Path file, String expected, String found, String likelyCause) {
        this(file, expected, found, likelyCause, null);
    }

    /**
     * Creates the exception with an underlying cause (e.g. the JSON parser's error).
     *
     * @param file the offending file
     * @param expected what the format requires
     * @param found what the file holds instead; when it is another message that already gives a
     *     likely cause (a more specific one), {@code likelyCause} is left out
     * @param likelyCause the most probable reason
     * @param cause the underlying exception, or null
     */
    public FormatException(Path file, String expected, String found, String likelyCause,
                           Throwable cause) {
        super(file + ": expected " + expected + ", found " + found
                + (String.valueOf(found).contains(LIKELY_CAUSE) ? "" : LIKELY_CAUSE + likelyCause), cause);
        this.file = Objects.requireNonNull(file, "file");
    }

    private FormatException(Path file, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
    }

    /**
     * The same problem with what the user can do about it appended to the message, in parentheses.
     *
     * @param remedy e.g. {@code "give --checkpoint RUN_FOLDER, or remove runs/x"}
     * @return a new exception for the same file, caused by this one
     */
    public FormatException withRemedy(String remedy) {
        return new FormatException(file, getMessage() + " (" + remedy + ")", this);
    }

    /**
     * Returns the file whose content broke the format.
     *
     * @return the path as it was given to the reader
     */
    public Path file() {
        return file;
    }
}
