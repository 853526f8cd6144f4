package dev.recur.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * The train/validation split of an encoded corpus: the first part trains, the rest validates.
 *
 * <p>The cut is made in characters (code points, i.e. tokens), exactly as the reference does:
 * <pre>{@code
 * n = int(len(data) * 0.9)
 * train, val = data[:n], data[n:]
 * }</pre>
 * i.e. {@code n = (int) (total * trainFraction)} in double arithmetic (the same IEEE product, then
 * truncation), see {@link #trainLength(int, double)}. With the default fraction 0.9 the
 * tinyshakespeare corpus (1,115,394 characters) gives 1,003,854 training and 111,540 validation
 * characters. No character is shared or dropped: {@code train.length + validation.length == total}.
 *
 * <p>Instances are immutable and thread-safe; the accessors return copies.
 */
public final class CorpusSplit {

    /** The reference's training fraction: the first 90% of the characters train. */
    public static final double DEFAULT_TRAIN_FRACTION = 0.9;

    private final int[] train;
    private final int[] validation;
    private final double trainFraction;

    private CorpusSplit(int[] train, int[] validation, double trainFraction) {
        this.train = train;
        this.validation = validation;
        this.trainFraction = trainFraction;
    }

    /**
     * The number of training characters for a corpus: {@code (int) (total * trainFraction)}, the
     * reference's {@code int(len(data) * 0.9)}.
     *
     * @param total the number of characters (code points) in the corpus
     * @param trainFraction the fraction that trains, strictly between 0 and 1
     * @return the length of the training part
     * @throws IllegalArgumentException if {@code total} is negative or the fraction is not strictly
     *     between 0 and 1
     */
    public static int trainLength(int total, double trainFraction) {
        if (total < 0) {
            throw new IllegalArgumentException("total must be >= 0, found " + total);
        }
        requireFraction(trainFraction);
        return (int) ((double) total * trainFraction);
    }

    /**
     * Splits with the default fraction 0.9.
     *
     * @param tokens the encoded corpus (or its code points): one entry per character
     * @return the split
     * @throws IllegalArgumentException if either part would be empty
     */
    public static CorpusSplit of(int[] tokens) {
        return of(tokens, DEFAULT_TRAIN_FRACTION);
    }

    /**
     * Splits: the first {@link #trainLength(int, double)} characters train, the rest validate.
     *
     * @param tokens the encoded corpus (or its code points): one entry per character
     * @param trainFraction the fraction that trains, strictly between 0 and 1
     * @return the split
     * @throws IllegalArgumentException if the fraction is not strictly between 0 and 1, or either
     *     part would be empty
     */
    public static CorpusSplit of(int[] tokens, double trainFraction) {
        Objects.requireNonNull(tokens, "tokens");
        int n = trainLength(tokens.length, trainFraction);
        if (n == 0 || n == tokens.length) {
            throw new IllegalArgumentException("cannot split " + tokens.length + " characters with train fraction "
                    + trainFraction + ": the " + (n == 0 ? "training" : "validation")
                    + " part would be empty; likely cause: the corpus is far too short");
        }
        return new CorpusSplit(Arrays.copyOfRange(tokens, 0, n), Arrays.copyOfRange(tokens, n, tokens.length),
                trainFraction);
    }

    private static void requireFraction(double f) {
        if (!(f > 0.0 && f < 1.0)) {
            throw new IllegalArgumentException("train fraction: expected a number strictly between 0 and 1, found "
                    + f);
        }
    }

    /**
     * Returns the training part: the first characters of the corpus.
     *
     * @return a fresh copy
     */
    public int[] train() {
        return train.clone();
    }

    /**
     * Returns the validation part: the last characters of the corpus.
     *
     * @return a fresh copy
     */
    public int[] validation() {
        return validation.clone();
    }

    /**
     * Returns the number of training characters.
     *
     * @return the training length
     */
    public int trainLength() {
        return train.length;
    }

    /**
     * Returns the number of validation characters.
     *
     * @return the validation length
     */
    public int validationLength() {
        return validation.length;
    }

    /**
     * Returns the fraction the split was made with.
     *
     * @return the training fraction
     */
    public double trainFraction() {
        return trainFraction;
    }

    @Override
    public String toString() {
        return "CorpusSplit[train " + train.length + ", validation " + validation.length + " characters, fraction "
                + trainFraction + "]";
    }
}
