package dev.recur.tasks;

import dev.recur.data.Batch;
import dev.recur.nn.loss.Targets;
import java.util.SplittableRandom;

/**
 * Noise-free long-lag recall, in the form of the original LSTM paper, 1997, experiment 2a: report
 * the first symbol of a sequence after {@code p} steps.
 *
 * <p>A sequence has {@code p} steps: the relevant symbol {@code x} or {@code y} (drawn with equal
 * probability) at step 0, then the distractors {@code a_1, …, a_{p−1}}, always the same symbols in
 * the same order (noise-free). At step {@code p−1} the model must tell {@code x} from {@code y}:
 * class 0 for {@code x}, 1 for {@code y}. Symbols are one-hot: inputs 0 and 1 are {@code x} and
 * {@code y}, inputs {@code 2..} the distractors. As in the paper each distractor has its own input,
 * up to {@code maxDistractorSymbols}; past that the distractors repeat cyclically ({@code a_k} is
 * input {@code 2 + (k−1) mod maxDistractorSymbols}), which keeps the input narrow for lags up to
 * 1000 and more. An input-blind predictor scores a cross-entropy of {@code ln 2}; the task counts as
 * solved at a test accuracy of at least {@value #SOLVED_ACCURACY} with a test cross-entropy below
 * {@code ln(4/3)} ({@link #SOLVED_CROSS_ENTROPY}).
 *
 * <p>Immutable and thread-safe; batches are drawn from the generator given to {@link #sample},
 * which is not.
 *
 * @param lag                  {@code p >= 1}: steps per sequence, from the relevant symbol to the answer
 * @param maxDistractorSymbols distinct distractor inputs at most ({@code >= 1})
 */
public record LagRecall(int lag, int maxDistractorSymbols) implements Task {

    /** The test accuracy from which the task counts as solved. */
    public static final double SOLVED_ACCURACY = 0.99;
    /**
     * The test cross-entropy below which the task counts as solved (with the accuracy):
     * {@code ln(4/3)}, the right class getting probability 3/4 on (geometric) average, the analogue of
     * the paper's criterion of an output error below 0.25. It keeps logits that are right by a hair
     * from counting as a solution.
     */
    public static final double SOLVED_CROSS_ENTROPY = Math.log(4.0 / 3.0);
    /** Distinct distractor inputs at most, by default: the paper's local code for lags up to 101. */
    public static final int DEFAULT_MAX_DISTRACTOR_SYMBOLS = 100;
    /** The longest lag accepted. */
    public static final int MAX_LAG = 100_000;

    /** Validates the lag and the alphabet. */
    public LagRecall {
        if (lag < 1 || lag > MAX_LAG) {
            throw new IllegalArgumentException("lag: expected 1.." + MAX_LAG + ", found " + lag
                    + "; likely cause: " + (lag < 1 ? "a lag of 0 leaves no step to answer at"
                    : "a lag too long to train on in memory"));
        }
        if (maxDistractorSymbols < 1) {
            throw new IllegalArgumentException("lag task distractor symbols: expected >= 1, found " + maxDistractorSymbols);
        }
    }

    /** The task with lag {@code p} and {@value #DEFAULT_MAX_DISTRACTOR_SYMBOLS} distractor inputs at most. */
    public static LagRecall of(int lag) {
        return new LagRecall(lag, DEFAULT_MAX_DISTRACTOR_SYMBOLS);
    }

    /** Distinct distractor inputs: {@code min(p − 1, maxDistractorSymbols)}. */
    public int distractorSymbols() {
        return Math.min(lag - 1, maxDistractorSymbols);
    }

    @Override
    public String name() {
        return "lag";
    }

    @Override
    public String describe() {
        return "lag recall (experiment 2a), p = " + lag;
    }

    @Override
    public int inputSize() {
        return 2 + distractorSymbols();
    }

    @Override
    public int maxSteps() {
        return lag;
    }

    @Override
    public Objective objective() {
        return Objective.CLASSIFICATION;
    }

    @Override
    public int outputs() {
        return 2;
    }

    @Override
    public Batch sample(int batch, SplittableRandom rng) {
        TaskChecks.batch(batch);
        TaskChecks.rng(rng);
        int nt = lag;
        int ni = inputSize();
        int nd = distractorSymbols();
        double[] x = new double[nt * batch * ni];
        int[] labels = new int[batch];
        for (int b = 0; b < batch; b++) {
            labels[b] = rng.nextBoolean() ? 1 : 0;
            x[b * ni + labels[b]] = 1;
            for (int t = 1; t < nt; t++) {
                x[(t * batch + b) * ni + 2 + (t - 1) % nd] = 1;
            }
        }
        return Batch.ofFeatures(x, nt, batch, ni, null, new Targets.Classes(labels));
    }

    /** {@code ln 2}: the cross-entropy of predicting each class with probability 1/2. */
    @Override
    public double baselineLoss() {
        return Math.log(2);
    }

    @Override
    public String criterion() {
        return "test accuracy >= " + SOLVED_ACCURACY + " and test cross-entropy < ln(4/3) = 0.288";
    }

    @Override
    public boolean solved(double testLoss, double testAccuracy) {
        return testAccuracy >= SOLVED_ACCURACY && testLoss < SOLVED_CROSS_ENTROPY;
    }
}
