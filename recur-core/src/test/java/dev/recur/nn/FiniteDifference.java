package dev.recur.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.function.IntToDoubleFunction;
import java.util.function.Supplier;
import java.util.function.ToDoubleBiFunction;

/**
 * Finite-difference gradient checks in float64, shared by the tests of {@link dev.recur.nn} and
 * {@link dev.recur.model}.
 *
 * <p>The numeric derivative of a scalar {@code f} with respect to one element is the fourth-order
 * central difference {@code (−f(x+2h) + 8 f(x+h) − 8 f(x−h) + f(x−2h)) / 12h} with {@code h = 1e-3}:
 * its truncation error is {@code O(h⁴)} and its rounding error about {@code ε·|f| / h}, both near
 * {@code 1e-13}, so the comparison below is not limited by the method. The metric per element is
 * {@code |a − n| / max(|a| + |n|, 1e-8)}; a check passes when its maximum over all elements is at
 * most {@link #TOLERANCE}.
 */
public final class FiniteDifference {

    /** Largest accepted relative error. */
    public static final double TOLERANCE = 1e-6;
    /** Floor of the denominator of the metric. */
    public static final double FLOOR = 1e-8;
    /** The step {@code h}. */
    public static final double STEP = 1e-3;

    private double maxRel;
    private String worst = "-";
    private int checked;
    private final List<String> failures = new ArrayList<>();

    /** The numeric derivative of {@code f} with respect to {@code values[i]}; restores the element. */
    public static double derivative(double[] values, int i, DoubleSupplier f) {
        double orig = values[i];
        values[i] = orig + 2 * STEP;
        double f2p = f.getAsDouble();
        values[i] = orig + STEP;
        double f1p = f.getAsDouble();
        values[i] = orig - STEP;
        double f1m = f.getAsDouble();
        values[i] = orig - 2 * STEP;
        double f2m = f.getAsDouble();
        values[i] = orig;
        // differences first: an element f does not depend on gives exactly 0
        return (8 * (f1p - f1m) - (f2p - f2m)) / (12 * STEP);
    }

    /**
     * The numeric derivative of {@code f = F(terms())} with respect to {@code values[i]}, where
     * {@code difference(u, v)} computes {@code F(u) − F(v)} directly from two term vectors (without
     * first rounding each {@code F} to the precision of its own, larger value). Restores the element.
     */
    public static double derivative(double[] values, int i, Supplier<double[]> terms,
                                    ToDoubleBiFunction<double[], double[]> difference) {
        double orig = values[i];
        values[i] = orig + 2 * STEP;
        double[] t2p = terms.get();
        values[i] = orig + STEP;
        double[] t1p = terms.get();
        values[i] = orig - STEP;
        double[] t1m = terms.get();
        values[i] = orig - 2 * STEP;
        double[] t2m = terms.get();
        values[i] = orig;
        return (8 * difference.applyAsDouble(t1p, t1m) - difference.applyAsDouble(t2p, t2m)) / (12 * STEP);
    }

    /**
     * Compares {@code analytic} with the numeric derivative of {@code f} for every element of
     * {@code values} (which {@code f} must read).
     */
    public FiniteDifference check(String name, double[] values, double[] analytic, DoubleSupplier f) {
        if (values.length != analytic.length) {
            throw new AssertionError(name + ": " + values.length + " values but " + analytic.length + " gradients");
        }
        return compare(name, values, analytic, i -> derivative(values, i, f));
    }

    /**
     * Compares {@code analytic} with numeric derivatives formed from term differences, see
     * {@link #derivative(double[], int, Supplier, ToDoubleBiFunction)}.
     */
    public FiniteDifference check(String name, double[] values, double[] analytic, Supplier<double[]> terms,
                                  ToDoubleBiFunction<double[], double[]> difference) {
        return compare(name, values, analytic, i -> derivative(values, i, terms, difference));
    }

    private FiniteDifference compare(String name, double[] values, double[] analytic, IntToDoubleFunction numeric) {
        if (values.length != analytic.length) {
            throw new AssertionError(name + ": " + values.length + " values but " + analytic.length + " gradients");
        }
        for (int i = 0; i < values.length; i++) {
            double n = numeric.applyAsDouble(i);
            double a = analytic[i];
            double rel = Math.abs(a - n) / Math.max(Math.abs(a) + Math.abs(n), FLOOR);
            checked++;
            if (rel > maxRel || checked == 1) {
                maxRel = Math.max(rel, maxRel);
                worst = name + "[" + i + "]: analytic " + a + ", numeric " + n;
            }
            if (rel > TOLERANCE && failures.size() < 10) {
                failures.add(name + "[" + i + "]: analytic " + a + ", numeric " + n + ", rel " + rel);
            }
        }
        return this;
    }

    /** The largest relative error so far. */
    public double maxRelativeError() {
        return maxRel;
    }

    /** Number of elements compared. */
    public int checked() {
        return checked;
    }

    /** Prints the result and fails unless every element so far is within {@link #TOLERANCE}. */
    public void assertPassed(String what) {
        if (checked == 0) {
            throw new AssertionError(what + ": nothing was checked");
        }
        System.out.println("gradcheck " + what + ": " + this);
        if (!(maxRel <= TOLERANCE)) {
            throw new AssertionError(what + ": max relative error " + maxRel + " > " + TOLERANCE + " over " + checked
                    + " elements; " + String.join("; ", failures));
        }
    }

    @Override
    public String toString() {
        return String.format("max rel err %.2e over %d elements (worst %s)", maxRel, checked, worst);
    }

    /** {@code n} draws from U(−scale, scale). */
    public static double[] uniform(SplittableRandom rng, int n, double scale) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = (2 * rng.nextDouble() - 1) * scale;
        }
        return a;
    }

    /**
     * {@code CE(u) − CE(v)} for two arrays of logits {@code [N, V]}, where {@code CE} is the mean
     * cross-entropy of {@link dev.recur.nn.loss.CrossEntropy} over the rows with {@code mask} set (all when null): per row
     * {@code log1p(Σ_j softmax(v)_j·expm1(u_j − v_j)) − (u_t − v_t)}, summed with compensation. Its
     * rounding error is that of the logits, not that of the loss.
     */
    public static double crossEntropyDifference(double[] u, double[] v, int vocab, int[] targets, boolean[] mask) {
        int rows = targets.length;
        int counted = 0;
        double sum = 0;
        double comp = 0;
        for (int r = 0; r < rows; r++) {
            if (mask != null && !mask[r]) {
                continue;
            }
            counted++;
            int o = r * vocab;
            double m = v[o];
            for (int j = 1; j < vocab; j++) {
                m = Math.max(m, v[o + j]);
            }
            double z = 0;
            double delta = 0;
            for (int j = 0; j < vocab; j++) {
                double e = Math.exp(v[o + j] - m);
                z += e;
                delta += e * Math.expm1(u[o + j] - v[o + j]);
            }
            double term = Math.log1p(delta / z) - (u[o + targets[r]] - v[o + targets[r]]);
            double t = sum + term;
            comp += Math.abs(sum) >= Math.abs(term) ? (sum - t) + term : (term - t) + sum;
            sum = t;
        }
        return (sum + comp) / counted;
    }

    /** {@code Σ a_i b_i}. */
    public static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
