package dev.recur.diagnostics;

/**
 * When a gate counts as saturated: closed below {@code low}, open above {@code high}. The defaults,
 * {@link #DEFAULT}, are 0.1 and 0.9.
 *
 * <p>Immutable and thread-safe.
 *
 * @param low  a gate value below this is counted as closed ({@code 0 < low})
 * @param high a gate value above this is counted as open ({@code low < high < 1})
 */
public record SaturationThresholds(double low, double high) {

    /** 0.1 and 0.9. */
    public static final SaturationThresholds DEFAULT = new SaturationThresholds(0.1, 0.9);

    /** Validates {@code 0 < low < high < 1}. */
    public SaturationThresholds {
        if (!(0 < low && low < high && high < 1)) {
            throw new IllegalArgumentException("saturation thresholds: expected 0 < low < high < 1, found low = " + low
                    + ", high = " + high);
        }
    }
}
