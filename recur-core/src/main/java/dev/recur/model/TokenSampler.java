package dev.recur.model;

import dev.recur.nn.CounterRandom;
import dev.recur.tensor.Precision;
import java.util.Arrays;

/**
 * Draws the next token from a row of logits, with a temperature and top-k truncation:
 * <pre>
 * keep the k largest logits (all when k = 0; ties broken towards the lower id)
 * p_j ∝ exp((z_j − max z) / temperature)   over the kept ids, 0 elsewhere
 * temperature = 0: p = 1 at the largest logit (greedy)
 * </pre>
 * Draws are counter-based: draw number {@code c} uses a uniform number that is a pure function of
 * {@code (seed, c)}, so the random state is the pair {@code (seed, counter)}. Not thread-safe.
 */
public final class TokenSampler {

    private final double temperature;
    private final int topK;
    private final long seed;
    private long counter;

    /**
     * @param temperature {@code >= 0}; 1 keeps the model's distribution, lower sharpens it, 0 is greedy
     * @param topK        number of most likely ids to sample from; 0 for all
     * @param seed        seeds the draws
     */
    public TokenSampler(double temperature, int topK, long seed) {
        this.temperature = requireTemperature("temperature", temperature);
        this.topK = requireTopK("top-k", topK);
        this.seed = seed;
    }

    /**
     * Checks a sampling temperature.
     *
     * @param label       what gives it, as the message names it, e.g. {@code temperature} or {@code --temperature}
     * @param temperature the value
     * @return {@code temperature}
     * @throws IllegalArgumentException {@code "LABEL: expected a finite number >= 0 ..., found T; likely
     *                                  cause: ..."} if it is negative, NaN or infinite
     */
    public static double requireTemperature(String label, double temperature) {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException(label + ": expected a finite number >= 0 (1 = the model's "
                    + "distribution, lower = more conservative, 0 = always the most likely character), found "
                    + temperature + "; likely cause: " + (temperature < 0 ? "a negative value (the lowest is 0)"
                    : "a value that is not a finite number"));
        }
        return temperature;
    }

    /**
     * Checks a top-k truncation.
     *
     * @param label what gives it, as the message names it, e.g. {@code top-k} or {@code --top-k}
     * @param topK  the value
     * @return {@code topK}
     * @throws IllegalArgumentException {@code "LABEL: expected >= 0 ..., found K; likely cause: ..."} if
     *                                  it is negative
     */
    public static int requireTopK(String label, int topK) {
        if (topK < 0) {
            throw new IllegalArgumentException(label + ": expected >= 0 (0 = no truncation), found " + topK
                    + "; likely cause: a negative value (0 samples among all characters)");
        }
        return topK;
    }

    /** The temperature. */
    public double temperature() {
        return temperature;
    }

    /** The top-k truncation (0 = none). */
    public int topK() {
        return topK;
    }

    /** Number of draws so far. */
    public long counter() {
        return counter;
    }

    /** Restores the number of draws, e.g. to resume a generation. */
    public void setCounter(long counter) {
        if (counter < 0) {
            throw new IllegalArgumentException("sampler counter must be >= 0, found " + counter);
        }
        this.counter = counter;
    }

    /**
     * The next-token distribution of one row of logits.
     *
     * @param logits {@code [V]} finite scores
     * @return {@code [V]} probabilities summing to 1
     */
    public double[] distribution(double[] logits) {
        int nv = logits.length;
        if (nv == 0) {
            throw new IllegalArgumentException("logits: expected at least one value, found none");
        }
        for (int j = 0; j < nv; j++) {
            if (!Double.isFinite(logits[j])) {
                throw new IllegalArgumentException("logit [" + j + "] is " + logits[j] + ": expected a finite number; "
                        + "likely cause: the model's scores overflow (weights grown too large, as in a run that was "
                        + "diverging when it was saved)");
            }
        }
        Integer[] order = new Integer[nv];
        for (int j = 0; j < nv; j++) {
            order[j] = j;
        }
        // stable sort: equal logits keep ascending ids
        Arrays.sort(order, (a, b) -> Double.compare(logits[b], logits[a]));
        int kept = topK == 0 ? nv : Math.min(topK, nv);
        double[] p = new double[nv];
        double max = logits[order[0]];
        if (temperature == 0) {
            p[order[0]] = 1;
            return p;
        }
        double sum = 0;
        for (int r = 0; r < kept; r++) {
            int j = order[r];
            p[j] = Math.exp((logits[j] - max) / temperature);
            sum += p[j];
        }
        for (int r = 0; r < kept; r++) {
            p[order[r]] /= sum;
        }
        return p;
    }

    /** Draws a token from {@link #distribution} of {@code logits} and advances the counter. */
    public int sample(double[] logits) {
        double[] p = distribution(logits);
        double u = uniform(seed, counter++);
        double cumulative = 0;
        int last = 0;
        for (int j = 0; j < p.length; j++) {
            if (p[j] > 0) {
                cumulative += p[j];
                last = j;
                if (u < cumulative) {
                    return j;
                }
            }
        }
        return last;   // u within rounding of 1
    }

    /**
     * Draws a token from row {@code [offset, offset + vocab)} of an array of logits, e.g. the last
     * step of a {@link CharLanguageModel} forward pass.
     */
    public <A> int sample(Precision<A> precision, A logits, int offset, int vocab) {
        double[] row = new double[vocab];
        for (int j = 0; j < vocab; j++) {
            row[j] = precision.get(logits, offset + j);
        }
        return sample(row);
    }

    /** Uniform in {@code [0, 1)} from SplitMix64 of {@code (seed, counter)}. */
    private static double uniform(long seed, long counter) {
        return CounterRandom.uniform(CounterRandom.mix(seed) + counter);
    }

    @Override
    public String toString() {
        return "TokenSampler(temperature=" + temperature + ", topK=" + topK + ")";
    }
}
