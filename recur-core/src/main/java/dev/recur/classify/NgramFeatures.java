package dev.recur.classify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Bag-of-n-grams features for the linear baseline ({@link LinearClassifier}): a sequence of tokens
 * becomes one vector with an element per kept n-gram, {@code log(1 + count)} of how often the
 * n-gram occurs in the sequence.
 *
 * <p>The n-grams are the runs of {@code 1..maxN} consecutive tokens. {@link #fit} counts them over
 * the training sequences (every occurrence, not the number of sequences), keeps those seen at least
 * {@code minCount} times and of these the {@code maxFeatures} most frequent; feature {@code i} is the
 * {@code i}-th by descending count, ties broken by first appearance in reading order (sequences in
 * order; within one, by start position, the shorter n-gram first). An n-gram is held as the list of
 * its tokens, not as one joined string, so no token (not even a control character that
 * {@link TokenKind#CHARS} yields) can make two n-grams collide.
 *
 * <p>For saving, {@link #maxN()} and {@link #ngrams()} are the complete serialised form;
 * {@link #of(int, List)} restores it. Immutable and thread-safe.
 */
public final class NgramFeatures {

    private final int maxN;
    /** Feature index = position. */
    private final List<List<String>> ngrams;
    private final Map<List<String>, Integer> index;

    private NgramFeatures(int maxN, List<List<String>> ngrams) {
        this.maxN = maxN;
        List<List<String>> copy = new ArrayList<>(ngrams.size());
        this.index = new HashMap<>(ngrams.size() * 2);
        for (List<String> g : ngrams) {
            List<String> ngram = List.copyOf(g);
            index.put(ngram, copy.size());
            copy.add(ngram);
        }
        this.ngrams = List.copyOf(copy);
    }

    /**
     * Chooses the features from training sequences.
     *
     * @param trainingTokens the tokens of every training sequence
     * @param maxN           the longest n-gram, {@code >= 1} (1: single tokens; 2: and pairs; …)
     * @param minCount       the fewest occurrences in the training sequences to keep an n-gram, {@code >= 1}
     * @param maxFeatures    the most features kept, {@code >= 1}
     * @return the features
     * @throws IllegalArgumentException for a bound out of range, a null token, or no n-gram seen
     *                                  {@code minCount} times
     */
    public static NgramFeatures fit(List<List<String>> trainingTokens, int maxN, int minCount, int maxFeatures) {
        Objects.requireNonNull(trainingTokens, "trainingTokens");
        requireMaxN(maxN);
        if (minCount < 1) {
            throw new IllegalArgumentException("n-gram min count: expected >= 1, found " + minCount);
        }
        if (maxFeatures < 1) {
            throw new IllegalArgumentException("n-gram max features: expected >= 1, found " + maxFeatures);
        }
        // count[ngram] over every training sequence, in order of first appearance
        Map<List<String>, long[]> counts = new LinkedHashMap<>();
        for (int s = 0; s < trainingTokens.size(); s++) {
            List<String> sequence = checked(trainingTokens.get(s), "training sequence " + s);
            forEachNgram(sequence, maxN, g -> {
                long[] c = counts.get(g);
                if (c == null) {
                    c = new long[1];
                    counts.put(List.copyOf(g), c);
                }
                c[0]++;
            });
        }
        List<Map.Entry<List<String>, long[]>> kept = new ArrayList<>();
        for (Map.Entry<List<String>, long[]> e : counts.entrySet()) {
            if (e.getValue()[0] >= minCount) {
                kept.add(e);
            }
        }
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("n-gram features: expected at least one n-gram seen " + minCount
                    + " times, found none among " + counts.size() + " distinct n-grams of " + trainingTokens.size()
                    + " sequences; likely cause: a min count too high for this little data, or empty texts");
        }
        // stable: equal counts keep their order of first appearance
        kept.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
        List<List<String>> ngrams = new ArrayList<>(Math.min(maxFeatures, kept.size()));
        for (int i = 0; i < kept.size() && i < maxFeatures; i++) {
            ngrams.add(kept.get(i).getKey());
        }
        return new NgramFeatures(maxN, ngrams);
    }

    /**
     * Restores features from their saved form.
     *
     * @param maxN   the longest n-gram, {@code >= 1}
     * @param ngrams feature index = position: distinct n-grams of {@code 1..maxN} tokens, at least one
     * @return the features
     * @throws IllegalArgumentException for an n-gram of another length, a duplicate, or none
     */
    public static NgramFeatures of(int maxN, List<List<String>> ngrams) {
        Objects.requireNonNull(ngrams, "ngrams");
        requireMaxN(maxN);
        if (ngrams.isEmpty()) {
            throw new IllegalArgumentException("n-gram features: expected at least one n-gram, found none; likely "
                    + "cause: a corrupted saved model");
        }
        Map<List<String>, Integer> seen = new HashMap<>(ngrams.size() * 2);
        for (int i = 0; i < ngrams.size(); i++) {
            List<String> g = checked(ngrams.get(i), "n-gram " + i);
            if (g.isEmpty() || g.size() > maxN) {
                throw new IllegalArgumentException("n-gram " + i + ": expected 1.." + maxN + " tokens, found "
                        + g.size() + "; likely cause: a corrupted saved model");
            }
            Integer before = seen.put(List.copyOf(g), i);
            if (before != null) {
                throw new IllegalArgumentException("n-gram features: expected distinct n-grams, found " + g
                        + " at " + before + " and " + i + "; likely cause: a corrupted saved model");
            }
        }
        return new NgramFeatures(maxN, ngrams);
    }

    private static void requireMaxN(int maxN) {
        if (maxN < 1) {
            throw new IllegalArgumentException("n-gram max n: expected >= 1, found " + maxN);
        }
    }

    private static List<String> checked(List<String> tokens, String what) {
        Objects.requireNonNull(tokens, what);
        for (int t = 0; t < tokens.size(); t++) {
            if (tokens.get(t) == null) {
                throw new IllegalArgumentException(what + ": expected strings, found null at position " + t);
            }
        }
        return tokens;
    }

    /**
     * Calls {@code action} with every n-gram of {@code 1..maxN} tokens, by start position, shorter first,
     * as a view of {@code tokens} (copy it to keep it).
     */
    private static void forEachNgram(List<String> tokens, int maxN, Consumer<List<String>> action) {
        int n = tokens.size();
        for (int i = 0; i < n; i++) {
            for (int len = 1; len <= maxN && i + len <= n; len++) {
                action.accept(tokens.subList(i, i + len));
            }
        }
    }

    /**
     * The number of features {@code D}: the input width of the linear model.
     *
     * @return {@code D >= 1}
     */
    public int size() {
        return ngrams.size();
    }

    /**
     * The longest n-gram.
     *
     * @return {@code maxN >= 1}
     */
    public int maxN() {
        return maxN;
    }

    /**
     * The n-grams, feature index = position: the saved form with {@link #maxN()}.
     *
     * @return an unmodifiable list of unmodifiable token lists
     */
    public List<List<String>> ngrams() {
        return ngrams;
    }

    /**
     * The features of one sequence: per feature {@code log(1 + c)}, where {@code c} is how often its
     * n-gram occurs in the sequence. N-grams that are not features are ignored; an empty sequence
     * gives all zeros.
     *
     * @param tokens the sequence
     * @return a new array of {@link #size()} values, each {@code >= 0}
     * @throws IllegalArgumentException for a null token
     */
    public double[] vector(List<String> tokens) {
        checked(tokens, "tokens");
        double[] counts = new double[ngrams.size()];
        forEachNgram(tokens, maxN, g -> {
            Integer i = index.get(g);
            if (i != null) {
                counts[i]++;
            }
        });
        for (int i = 0; i < counts.length; i++) {
            // x_i = log(1 + c_i)
            counts[i] = Math.log1p(counts[i]);
        }
        return counts;
    }

    @Override
    public String toString() {
        return "NgramFeatures[D=" + ngrams.size() + ", n = 1.." + maxN + "]";
    }
}
