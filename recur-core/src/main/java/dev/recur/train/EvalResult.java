package dev.recur.train;

/**
 * The mean cross-entropy of a model's next-character predictions over a text.
 *
 * @param loss        the mean cross-entropy in nats per character
 * @param predictions the number of characters predicted (the divisor of the mean)
 */
public record EvalResult(double loss, long predictions) {

    private static final double LN2 = Math.log(2);

    /**
     * The loss in bits per character: {@code loss / ln 2}.
     *
     * @return bits per character
     */
    public double bitsPerChar() {
        return loss / LN2;
    }

    /**
     * The perplexity: {@code exp(loss)}.
     *
     * @return the perplexity
     */
    public double perplexity() {
        return Math.exp(loss);
    }
}
