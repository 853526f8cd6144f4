package dev.recur.tasks;

import dev.recur.data.Batch;
import dev.recur.nn.loss.Targets;
import java.util.SplittableRandom;

/**
 * The temporal order problem, the original LSTM paper, 1997, experiment 6a: tell in which order
 * two relevant symbols, far apart, appeared among distractors.
 *
 * <p>A sequence has a length drawn uniformly from {@code [minLength, maxLength]} (100 to 110 in the
 * paper). It starts with the symbol {@code E} and ends with the trigger symbol {@code B}; at one
 * step drawn from {@code [firstFrom, firstTo]} (10 to 20) and one from {@code [secondFrom, secondTo]}
 * (50 to 60) stands {@code X} or {@code Y}; every other step holds a distractor drawn from
 * {@code a, b, c, d}. The class, read at the sequence's own last step, is the pair of relevant
 * symbols: 0 = XX, 1 = XY, 2 = YX, 3 = YY. Symbols are one-hot over 8 inputs in the order
 * {@code a, b, c, d, X, Y, E, B}; steps are counted from 0. The four classes are equally likely, so
 * an input-blind predictor scores a cross-entropy of {@code ln 4}; the task counts as solved at a
 * test accuracy of at least {@value #SOLVED_ACCURACY} with a test cross-entropy below {@code ln(4/3)}
 * ({@link #SOLVED_CROSS_ENTROPY}).
 *
 * <p>Immutable and thread-safe; batches are drawn from the generator given to {@link #sample},
 * which is not.
 *
 * @param minLength  shortest sequence
 * @param maxLength  longest sequence ({@code T} of a batch)
 * @param firstFrom  first step the first relevant symbol may stand at
 * @param firstTo    last step the first relevant symbol may stand at
 * @param secondFrom first step the second relevant symbol may stand at
 * @param secondTo   last step the second relevant symbol may stand at
 */
public record TemporalOrder(int minLength, int maxLength, int firstFrom, int firstTo, int secondFrom, int secondTo)
        implements Task {

    /** The test accuracy from which the task counts as solved. */
    public static final double SOLVED_ACCURACY = 0.99;
    /**
     * The test cross-entropy below which the task counts as solved (with the accuracy):
     * {@code ln(4/3)}, the right class getting probability 3/4 on (geometric) average, the analogue of
     * the paper's criterion of an output error below 0.25. It keeps logits that are right by a hair
     * from counting as a solution.
     */
    public static final double SOLVED_CROSS_ENTROPY = Math.log(4.0 / 3.0);
    /** The longest sequence accepted. */
    public static final int MAX_LENGTH = 100_000;
    /** Input index of the first distractor {@code a} ({@code b, c, d} follow). */
    public static final int SYMBOL_A = 0;
    /** Input index of {@code X}. */
    public static final int SYMBOL_X = 4;
    /** Input index of {@code Y}. */
    public static final int SYMBOL_Y = 5;
    /** Input index of the start symbol {@code E}. */
    public static final int SYMBOL_E = 6;
    /** Input index of the trigger symbol {@code B}. */
    public static final int SYMBOL_B = 7;
    private static final int SYMBOLS = 8;
    private static final int DISTRACTORS = 4;

    /** Validates the windows: {@code 1 <= firstFrom <= firstTo < secondFrom <= secondTo < minLength − 1 <= maxLength − 1}. */
    public TemporalOrder {
        if (!(1 <= firstFrom && firstFrom <= firstTo && firstTo < secondFrom && secondFrom <= secondTo
                && secondTo < minLength - 1 && minLength <= maxLength && maxLength <= MAX_LENGTH)) {
            throw new IllegalArgumentException("temporal order: expected 1 <= first window <= second window < "
                    + "min length - 1 <= max length - 1 (max length <= " + MAX_LENGTH + "), found first ["
                    + firstFrom + ", " + firstTo + "], second [" + secondFrom + ", " + secondTo + "], lengths ["
                    + minLength + ", " + maxLength + "]; likely cause: windows that overlap, or sequences too short "
                    + "to hold the second window, the start and the trigger symbol");
        }
    }

    /** The paper's setting: lengths 100 to 110, relevant symbols at steps 10 to 20 and 50 to 60. */
    public static TemporalOrder paper() {
        return new TemporalOrder(100, 110, 10, 20, 50, 60);
    }

    @Override
    public String name() {
        return "order";
    }

    @Override
    public String describe() {
        return "temporal order (experiment 6a), lengths " + minLength + " to " + maxLength;
    }

    @Override
    public int inputSize() {
        return SYMBOLS;
    }

    @Override
    public int maxSteps() {
        return maxLength;
    }

    @Override
    public Objective objective() {
        return Objective.CLASSIFICATION;
    }

    @Override
    public int outputs() {
        return 4;
    }

    @Override
    public Batch sample(int batch, SplittableRandom rng) {
        TaskChecks.batch(batch);
        TaskChecks.rng(rng);
        int nt = maxLength;
        double[] x = new double[nt * batch * SYMBOLS];
        int[] lengths = new int[batch];
        int[] labels = new int[batch];
        for (int b = 0; b < batch; b++) {
            int len = minLength + rng.nextInt(maxLength - minLength + 1);
            int t1 = firstFrom + rng.nextInt(firstTo - firstFrom + 1);
            int t2 = secondFrom + rng.nextInt(secondTo - secondFrom + 1);
            boolean y1 = rng.nextBoolean();
            boolean y2 = rng.nextBoolean();
            lengths[b] = len;
            labels[b] = (y1 ? 2 : 0) + (y2 ? 1 : 0);
            for (int t = 0; t < len; t++) {
                int symbol;
                if (t == 0) {
                    symbol = SYMBOL_E;
                } else if (t == len - 1) {
                    symbol = SYMBOL_B;
                } else if (t == t1) {
                    symbol = y1 ? SYMBOL_Y : SYMBOL_X;
                } else if (t == t2) {
                    symbol = y2 ? SYMBOL_Y : SYMBOL_X;
                } else {
                    symbol = SYMBOL_A + rng.nextInt(DISTRACTORS);
                }
                x[(t * batch + b) * SYMBOLS + symbol] = 1;
            }
        }
        return Batch.ofFeatures(x, nt, batch, SYMBOLS, lengths, new Targets.Classes(labels));
    }

    /** {@code ln 4}: the cross-entropy of predicting each class with probability 1/4. */
    @Override
    public double baselineLoss() {
        return Math.log(4);
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
