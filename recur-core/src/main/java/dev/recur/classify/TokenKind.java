package dev.recur.classify;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How a text is cut into the tokens a classifier reads: one token per character or one per word.
 *
 * <ul>
 *   <li>{@link #CHARS}: one token per Unicode <em>code point</em>, not per Java {@code char}: a
 *       character outside the Basic Multilingual Plane (an emoji such as U+1F600), which a Java string
 *       stores as two surrogates, is one token. Every code point counts, spaces, punctuation and
 *       combining marks included; nothing is normalised or lower-cased.</li>
 *   <li>{@link #WORDS}: the segments of {@link BreakIterator#getWordInstance(Locale)} for
 *       {@link Locale#ROOT} that contain at least one letter or digit, lower-cased with
 *       {@link Locale#ROOT}; spaces, punctuation and symbols (emoji included) are dropped. The JDK's
 *       rules keep {@code don't}, {@code e-mail}, {@code 3.14} and {@code naïve} whole. They have no
 *       dictionary for scripts written without spaces: a run of Chinese or Japanese characters
 *       between punctuation comes out as one token ({@code 我爱北京天安门。你好} gives
 *       {@code 我爱北京天安门} and {@code 你好}; {@code 日本語のテキスト} gives {@code 日本語},
 *       {@code の} and {@code テキスト}, cut where the script changes), so such text is better
 *       classified by {@link #CHARS}. No Unicode normalisation is applied: a precomposed {@code é}
 *       and {@code e} followed by a combining accent are different tokens.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe ({@link #split} creates its own break iterator).
 */
public enum TokenKind {

    /** One token per Unicode code point. */
    CHARS("chars"),

    /** One lower-cased token per word (a break-iterator segment with a letter or digit). */
    WORDS("words");

    private final String id;

    TokenKind(String id) {
        this.id = id;
    }

    /**
     * The kind's name, as saved and as given on the command line.
     *
     * @return {@code "chars"} or {@code "words"}
     */
    public String id() {
        return id;
    }

    /**
     * The kind of a name.
     *
     * @param id {@code "chars"} or {@code "words"}
     * @return the kind
     * @throws IllegalArgumentException for any other name
     */
    public static TokenKind fromId(String id) {
        for (TokenKind k : values()) {
            if (k.id.equals(id)) {
                return k;
            }
        }
        throw new IllegalArgumentException("token kind: expected one of chars, words, found "
                + (id == null ? "nothing" : "'" + id + "'") + "; likely cause: a misspelt name (names are lower case)");
    }

    /**
     * Cuts a text into tokens, in text order.
     *
     * @param text the text
     * @return a new modifiable list of tokens; empty for an empty text, and for {@link #WORDS} also for
     *         a text without a letter or digit (the caller decides what to do with it)
     */
    public List<String> split(String text) {
        Objects.requireNonNull(text, "text");
        return this == CHARS ? characters(text) : words(text);
    }

    private static List<String> characters(String text) {
        List<String> out = new ArrayList<>(text.length());
        text.codePoints().forEach(cp -> out.add(Character.toString(cp)));
        return out;
    }

    private static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        BreakIterator words = BreakIterator.getWordInstance(Locale.ROOT);
        words.setText(text);
        int start = words.first();
        for (int end = words.next(); end != BreakIterator.DONE; start = end, end = words.next()) {
            String segment = text.substring(start, end);
            if (segment.codePoints().anyMatch(Character::isLetterOrDigit)) {
                out.add(segment.toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }
}
