package dev.recur.diagnostics;

/**
 * One gate's values along the sequence, averaged over the sequences that have each step (NaN at
 * steps no sequence reaches).
 *
 * <p>Immutable once built, but it keeps the arrays it is given: do not change them while it is
 * shared between threads.
 *
 * @param gate          the gate's name: {@code input}, {@code forget}, {@code output} (LSTM),
 *                      {@code reset}, {@code update} (GRU)
 * @param mean          {@code [T]}: mean gate value over sequences and units
 * @param fractionLow   {@code [T]}: fraction of values below the low threshold (closed)
 * @param fractionHigh  {@code [T]}: fraction of values above the high threshold (open)
 * @param unitMeans     {@code [T, H]}: mean value of each unit at each step, over sequences
 * @param hiddenSize    {@code H}
 */
public record GateTrace(String gate, double[] mean, double[] fractionLow, double[] fractionHigh, double[] unitMeans,
                        int hiddenSize) {

    /** {@code T}. */
    public int steps() {
        return mean.length;
    }

    /** The mean value of unit {@code j} at step {@code t}. */
    public double unitMean(int t, int j) {
        return unitMeans[t * hiddenSize + j];
    }
}
