package dev.recur.nn.loss;

import java.util.Objects;

/**
 * The loss of one batch: the value as reduced, and how much the batch counts.
 *
 * <p>{@code weight} is the divisor of {@link Reduction#MEAN}: the number of rows that count
 * (cross-entropy without class weights), the sum of the class weights of the rows that count
 * (cross-entropy with class weights), or the number of elements that count (the other losses). It
 * is reported for {@link Reduction#SUM} too. The mean over several batches is
 * {@code Σ total() / Σ weight()}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param value     the loss, reduced as {@code reduction} says
 * @param weight    how much the batch counts (see above); {@code 0} when nothing counts
 * @param reduction how the value was reduced
 */
public record LossValue(double value, double weight, Reduction reduction) {

    /**
     * Checks that the reduction is given.
     *
     * @param value     the loss
     * @param weight    how much the batch counts
     * @param reduction how the value was reduced
     */
    public LossValue {
        Objects.requireNonNull(reduction, "reduction");
    }

    /**
     * What summing over batches and dividing by the summed weights turns into the mean over all:
     * {@code value·weight} for {@link Reduction#MEAN}, {@code value} for {@link Reduction#SUM}.
     *
     * @return the batch's share of a sum over batches
     */
    public double total() {
        return reduction == Reduction.MEAN ? value * weight : value;
    }
}
