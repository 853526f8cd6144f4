package dev.recur.model;

import java.util.Map;

/**
 * A model's mean loss over a data set, and its metrics.
 *
 * <p>Immutable and thread-safe.
 *
 * @param loss    the mean loss per counted element (nats per character for a language model)
 * @param count   what the mean divides by: the counted rows or elements (or the summed class
 *                weights of a weighted cross-entropy)
 * @param metrics the metrics by name (e.g. {@code accuracy}), in order; empty when none was asked for
 */
public record EvalResult(double loss, double count, Map<String, Double> metrics) {

    private static final double LN2 = Math.log(2);

    /**
     * Keeps a copy of the metrics.
     *
     * @param loss    the mean loss
     * @param count   the divisor
     * @param metrics the metrics
     */
    public EvalResult {
        metrics = metrics == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
    }

    /** The loss in bits: {@code loss / ln 2} (bits per character for a language model). */
    public double bitsPerChar() {
        return loss / LN2;
    }

    /** The perplexity: {@code exp(loss)}. */
    public double perplexity() {
        return Math.exp(loss);
    }

    /** The number of predictions counted, as an integer (the count of a loss without class weights). */
    public long predictions() {
        return (long) count;
    }
}
