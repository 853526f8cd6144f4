package dev.recur.diagnostics;

import dev.recur.diagnostics.UnitActivations.Trace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Finds the units whose activation over a text follows a feature of the text most closely.
 *
 * <p>Stateless and thread-safe.
 */
public final class UnitCorrelations {

    private UnitCorrelations() {
    }

    /**
     * One unit's Pearson correlation with a feature.
     *
     * @param layer       the layer
     * @param signal      the signal of the unit
     * @param unit        the unit, from 0
     * @param correlation Pearson's r over the text's characters, in [−1, 1]; 0 where the unit or the
     *                    feature is constant
     */
    public record UnitCorrelation(int layer, UnitActivations.Signal signal, int unit, double correlation) {
    }

    /**
     * Pearson's r of two series of the same length; 0 when either is constant or not finite
     * (a diverged model's NaN states correlate with nothing).
     *
     * @param x   {@code [n]}
     * @param y   {@code [n]}, read from {@code y[off]} on
     * @param off where {@code y}'s series starts
     * @return r in [−1, 1]
     */
    public static double pearson(double[] x, float[] y, int off) {
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int t = 0; t < n; t++) {
            mx += x[t];
            my += y[off + t];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int t = 0; t < n; t++) {
            double dx = x[t] - mx;
            double dy = y[off + t] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        double r = sxy / Math.sqrt(sxx * syy);
        return sxx > 0 && syy > 0 && Double.isFinite(r) ? r : 0;
    }

    /**
     * The {@code count} units with the largest |r| with {@code feature}, over every recorded signal
     * of every layer, strongest first (ties in layer, signal, unit order).
     *
     * @param activations what the units did
     * @param feature     {@code [T]}: the feature at every character
     * @param count       how many to return (at most)
     * @return the strongest units, by decreasing |r|
     */
    public static List<UnitCorrelation> strongest(UnitActivations activations, double[] feature, int count) {
        int nt = activations.steps();
        if (feature.length != nt) {
            throw new IllegalArgumentException("feature: expected one value per character (" + nt + "), found "
                    + feature.length);
        }
        List<UnitCorrelation> all = new ArrayList<>();
        for (Trace s : activations.signals()) {
            for (int j = 0; j < activations.hidden(); j++) {
                all.add(new UnitCorrelation(s.layer(), s.signal(), j, pearson(feature, s.values(), j * nt)));
            }
        }
        all.sort(Comparator.comparingDouble((UnitCorrelation u) -> -Math.abs(u.correlation())));
        return List.copyOf(all.subList(0, Math.min(count, all.size())));
    }
}
