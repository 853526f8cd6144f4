package dev.recur.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * A file exists and could be read, but its content is not what the format requires.
 *
 * <p>The message always has the form
 * {@code "FILE: expected ..., found ...; likely cause: ..."}, so that it names the file, the
 * rule that was broken, what was actually there, and the most probable reason, once: the
 * constructors add the likely cause they are given; {@link #wrapping} takes a refusal whose message
 * gives its own. The message is one line: line breaks in text quoted from the file are escaped.
 *
 * <p>Its fields are final: safe to hand to another thread once thrown.
 */
public final class FormatException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * Creates the exception.
     *
     * @param file the offending file
     * @param expected what the format requires, e.g. {@code "at least 8 bytes"}
     * @param found what the file holds instead, e.g. {@code "3 bytes"}; without a likely cause of
     *     its own (see {@link #wrapping} for a message that has one)
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
     * @param found what the file holds instead; without a likely cause of its own (see
     *     {@link #wrapping} for a message that has one)
     * @param likelyCause the most probable reason
     * @param cause the underlying exception, or null
     */
    public FormatException(Path file, String expected, String found, String likelyCause,
                           Throwable cause) {
        this(file, file + ": expected " + expected + ", found " + found + "; likely cause: " + likelyCause, cause);
    }

    private FormatException(Path file, String message, Throwable cause) {
        super(oneLine(message), cause);
        this.file = Objects.requireNonNull(file, "file");
    }

    /**
     * The message on one line: a line break in text quoted from the file (a name, a value) is written
     * as its escape (a backslash and {@code n}, {@code r}, or {@code u} and four hex digits for U+2028 and
     * the other separators), so the message stays one line.
     */
    static String oneLine(String message) {
        StringBuilder sb = null;
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            String escape = switch (c) {
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\u000B', '\u000C', '\u0085', '\u2028', '\u2029' -> String.format(Locale.ROOT, "\\u%04X", (int) c);
                default -> null;
            };
            if (escape != null && sb == null) {
                sb = new StringBuilder(message.length() + 8).append(message, 0, i);
            }
            if (sb != null) {
                if (escape == null) {
                    sb.append(c);
                } else {
                    sb.append(escape);
                }
            }
        }
        return sb == null ? message : sb.toString();
    }

    /**
     * The exception for a file's content that a check refused with a message giving its own likely
     * cause (a more specific one than the reader of the file could give), e.g.
     * {@code "vocabulary: expected ..., found ...; likely cause: ..."}.
     *
     * @param file the offending file
     * @param expected what the format requires, e.g. {@code "a valid vocabulary"}
     * @param refusal the check's exception; its message, which gives the likely cause, says what
     *     was found
     * @return {@code "FILE: expected EXPECTED, found MESSAGE"}, caused by {@code refusal}
     */
    public static FormatException wrapping(Path file, String expected, IllegalArgumentException refusal) {
        return new FormatException(file, file + ": expected " + expected + ", found " + refusal.getMessage(),
                refusal);
    }

    /**
     * The exception for a file's content that a check refused, with the file's likely cause instead
     * of the check's own: a check's message is written for a value given directly (an option, an
     * argument), so its {@code "; likely cause: …"} is left out of what was found.
     *
     * @param file        the offending file
     * @param expected    what the format requires, e.g. {@code "a valid training configuration"}
     * @param refusal     the check's exception; its message says what was found
     * @param likelyCause the likely cause for a file, e.g. {@code "the file was edited by hand"}
     * @return {@code "FILE: expected EXPECTED, found MESSAGE; likely cause: LIKELY_CAUSE"}, caused by {@code refusal}
     */
    public static FormatException refused(Path file, String expected, IllegalArgumentException refusal,
                                          String likelyCause) {
        String found = String.valueOf(refusal.getMessage());
        int own = found.indexOf("; likely cause: ");
        return new FormatException(file, expected, own < 0 ? found : found.substring(0, own), likelyCause, refusal);
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
     * Text from a file made safe for a one-line message: control characters and lone surrogates
     * replaced by {@code ?}, at most 80 characters kept.
     *
     * @param text a name or string from the file
     * @return the text
     */
    public static String quote(String text) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length() && sb.length() < 80; i++) {
            char c = text.charAt(i);
            sb.append(Character.isISOControl(c) || Character.isSurrogate(c) ? '?' : c);
        }
        return text.length() > 80 ? sb + "…" : sb.toString();
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
