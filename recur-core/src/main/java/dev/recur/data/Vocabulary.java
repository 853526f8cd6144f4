package dev.recur.data;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Objects;

/**
 * The character vocabulary of a character language model: the sorted set of the Unicode code
 * points of a text, each mapped to its rank as the token id.
 *
 * <p>A token is one Unicode <em>code point</em>, not one Java {@code char}: a character outside
 * the Basic Multilingual Plane (e.g. U+1F600 or the CJK ideograph U+20000), which a Java string
 * stores as two surrogate {@code char}s, is a single token. Ids are assigned in increasing order
 * of code point value, so id 0 is the smallest code point in the text. This is exactly the
 * reference's {@code chars = sorted(set(text)); idx = {c: i for i, c in enumerate(chars)}}, since a
 * Python string is a sequence of code points and Python sorts them by code point value.
 *
 * <p>Unpaired surrogates are not characters: a text containing one is rejected (it cannot come
 * from decoding UTF-8, which is how {@link TextCorpus} reads every corpus).
 *
 * <p>For checkpoints, {@link #codePoints()} is the complete, stable serialised form (a plain array
 * of ints, e.g. a JSON array); {@link #of(int[])} restores it and validates it. Instances are
 * immutable and thread-safe.
 */
public final class Vocabulary {

    /** The likely cause of a serialised form that {@link #of} refuses. */
    private static final String SAVED_FORM_BROKEN = "; likely cause: a corrupted or hand-edited checkpoint";

    private final int[] codePoints;

    private Vocabulary(int[] sortedUniqueCodePoints) {
        this.codePoints = sortedUniqueCodePoints;
    }

    /**
     * Builds the vocabulary of a text: the sorted set of its code points.
     *
     * @param text the corpus text; not empty
     * @return the vocabulary
     * @throws IllegalArgumentException if the text is empty or holds an unpaired surrogate
     */
    public static Vocabulary fromText(CharSequence text) {
        Objects.requireNonNull(text, "text");
        if (text.length() == 0) {
            throw new IllegalArgumentException("cannot build a vocabulary from an empty text");
        }
        return fromCodePointSequence(text.codePoints().toArray());
    }

    /**
     * Builds the vocabulary of a text given as its sequence of code points (in text order, with
     * repetitions), e.g. {@link TextCorpus#codePoints()}.
     *
     * @param text the code points of the text; not empty
     * @return the vocabulary of the distinct code points
     * @throws IllegalArgumentException if the sequence is empty or holds a value that is not a
     *     character (negative, above U+10FFFF, or a surrogate)
     */
    public static Vocabulary fromCodePointSequence(int[] text) {
        Objects.requireNonNull(text, "text");
        if (text.length == 0) {
            throw new IllegalArgumentException("cannot build a vocabulary from an empty text");
        }
        BitSet present = new BitSet();
        for (int i = 0; i < text.length; i++) {
            requireCharacter(text[i], "text", i, "");
            present.set(text[i]);
        }
        return new Vocabulary(present.stream().toArray()); // increasing code point order
    }

    /**
     * Restores a vocabulary from its serialised form, {@link #codePoints()}.
     *
     * @param codePoints the code points in strictly increasing order (token id = index); not empty
     * @return the vocabulary
     * @throws IllegalArgumentException if the array is empty, not strictly increasing (unsorted or
     *     with a duplicate), or holds a value that is not a character; the message gives the likely
     *     cause
     */
    public static Vocabulary of(int[] codePoints) {
        Objects.requireNonNull(codePoints, "codePoints");
        if (codePoints.length == 0) {
            throw new IllegalArgumentException(
                    "vocabulary: expected at least one code point, found an empty list" + SAVED_FORM_BROKEN);
        }
        for (int i = 0; i < codePoints.length; i++) {
            requireCharacter(codePoints[i], "vocabulary", i, SAVED_FORM_BROKEN);
            if (i > 0 && codePoints[i] <= codePoints[i - 1]) {
                throw new IllegalArgumentException("vocabulary: expected code points in strictly increasing"
                        + " order, found " + CodePoints.hex(codePoints[i]) + " at index " + i + " after "
                        + CodePoints.hex(codePoints[i - 1])
                        + (codePoints[i] == codePoints[i - 1] ? " (a duplicate)" : " (out of order)")
                        + SAVED_FORM_BROKEN);
            }
        }
        return new Vocabulary(codePoints.clone());
    }

    private static void requireCharacter(int cp, String what, int index, String likelyCause) {
        if (cp < 0 || cp > Character.MAX_CODE_POINT || Character.getType(cp) == Character.SURROGATE) {
            throw new IllegalArgumentException(what + ": expected Unicode characters, found "
                    + CodePoints.describe(cp) + " at " + (what.equals("text") ? "position " : "index ")
                    + index + likelyCause);
        }
    }

    /**
     * Returns the number of tokens, V.
     *
     * @return the vocabulary size
     */
    public int size() {
        return codePoints.length;
    }

    /**
     * Returns the serialised form: the code points in increasing order, token id = index.
     *
     * @return a fresh copy of the code points
     */
    public int[] codePoints() {
        return codePoints.clone();
    }

    /**
     * Returns the code point of a token.
     *
     * @param id the token id, in {@code [0, size())}
     * @return its code point
     * @throws IllegalArgumentException if the id is out of range
     */
    public int codePoint(int id) {
        if (id < 0 || id >= codePoints.length) {
            throw new IllegalArgumentException("token id " + id + " is out of range [0, " + codePoints.length
                    + ") for this vocabulary of " + codePoints.length + " characters");
        }
        return codePoints[id];
    }

    /**
     * Returns the token of a code point as a string (one or two Java {@code char}s).
     *
     * @param id the token id, in {@code [0, size())}
     * @return the character as a string
     * @throws IllegalArgumentException if the id is out of range
     */
    public String token(int id) {
        return Character.toString(codePoint(id));
    }

    /**
     * Tells whether a code point is in the vocabulary.
     *
     * @param codePoint the code point
     * @return true if it has an id
     */
    public boolean contains(int codePoint) {
        return Arrays.binarySearch(codePoints, codePoint) >= 0;
    }

    /**
     * Returns the token id of a code point.
     *
     * @param codePoint the code point
     * @return its id, in {@code [0, size())}
     * @throws IllegalArgumentException if the character is not in the vocabulary; the message names
     *     it as {@code U+XXXX}
     */
    public int id(int codePoint) {
        int i = Arrays.binarySearch(codePoints, codePoint);
        if (i < 0) {
            throw new IllegalArgumentException("character " + CodePoints.describe(codePoint)
                    + " is not in the vocabulary (" + codePoints.length + " characters)");
        }
        return i;
    }

    /**
     * Encodes a text: one token id per code point.
     *
     * @param text the text
     * @return the ids, as many as the text has code points
     * @throws IllegalArgumentException if a character is not in the vocabulary; the message names it
     *     as {@code U+XXXX} and gives its position as a code-point index into the text
     */
    public int[] encode(CharSequence text) {
        Objects.requireNonNull(text, "text");
        return encodeCodePoints(text.codePoints().toArray());
    }

    /**
     * Encodes a text given as code points (e.g. {@link TextCorpus#codePoints()}).
     *
     * @param text the code points of the text
     * @return the ids, one per code point
     * @throws IllegalArgumentException if a character is not in the vocabulary; the message names it
     *     as {@code U+XXXX} and gives its position (index into {@code text})
     */
    public int[] encodeCodePoints(int[] text) {
        Objects.requireNonNull(text, "text");
        int[] ids = new int[text.length];
        for (int i = 0; i < text.length; i++) {
            int id = Arrays.binarySearch(codePoints, text[i]);
            if (id < 0) {
                throw new IllegalArgumentException("character " + CodePoints.describe(text[i])
                        + " at position " + i + " (code-point index) is not in the vocabulary ("
                        + codePoints.length + " characters); likely cause: the text uses a character"
                        + " that the training corpus did not contain");
            }
            ids[i] = id;
        }
        return ids;
    }

    /**
     * Decodes token ids back to text.
     *
     * @param ids the token ids
     * @return the text, one code point per id
     * @throws IllegalArgumentException if an id is out of range; the message gives its position
     */
    public String decode(int[] ids) {
        Objects.requireNonNull(ids, "ids");
        StringBuilder sb = new StringBuilder(ids.length + 16);
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            if (id < 0 || id >= codePoints.length) {
                throw new IllegalArgumentException("token id " + id + " at position " + i + " is out of range [0, "
                        + codePoints.length + ") for this vocabulary of " + codePoints.length + " characters");
            }
            sb.appendCodePoint(codePoints[id]);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && Arrays.equals(codePoints, v.codePoints);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(codePoints);
    }

    @Override
    public String toString() {
        return "Vocabulary[" + codePoints.length + " characters, " + CodePoints.hex(codePoints[0]) + ".."
                + CodePoints.hex(codePoints[codePoints.length - 1]) + "]";
    }
}
