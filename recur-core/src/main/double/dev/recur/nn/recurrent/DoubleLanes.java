package dev.recur.nn.recurrent;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector/*f32:jdk.incubator.vector.IntVector*/;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector helpers shared by the vectorised cells (the float32 twin {@code FloatLanes} is generated
 * from this file): the species, masked or whole-vector loads and stores, and the activations.
 *
 * <p>The exponential is computed here from additions, multiplications and fused multiply-adds
 * only, not by the Vector API's {@code EXP}/{@code TANH} operators: those give different bits
 * before and after the JIT compiles a loop (a plain-Java fallback, then a vector math library),
 * which would make two runs with the same seed differ. IEEE arithmetic gives the same bits in
 * every mode, so results are reproducible run after run.
 */
final class DoubleLanes {

    /** The widest vector shape of this processor. */
    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    /** Lanes per vector. */
    static final int L = S.length();

    private DoubleLanes() {
    }

    /** {@code a[i .. i+L)}; lanes outside {@code mask} read 0 ({@code mask == null}: all lanes). */
    static DoubleVector load(double[] a, int i, VectorMask<Double> mask) {
        return mask == null ? DoubleVector.fromArray(S, a, i) : DoubleVector.fromArray(S, a, i, mask);
    }

    /** Writes the lanes of {@code v} in {@code mask} (all if null) to {@code a[i ..]}. Modifies {@code a}. */
    static void store(DoubleVector v, double[] a, int i, VectorMask<Double> mask) {
        if (mask == null) {
            v.intoArray(a, i);
        } else {
            v.intoArray(a, i, mask);
        }
    }

    /** The mask of the row tail {@code [j, n)}, or null when {@code j + L <= n}. */
    static VectorMask<Double> tail(int j, int n) {
        return j + L <= n ? null : S.indexInRange(j, n);
    }

    /** σ(x) = 1 / (1 + e^(−x)). */
    static DoubleVector sigmoid(DoubleVector x) {
        final DoubleVector one = ones();
        return one.div(one.add(exp(x.neg(), false)));
    }

    /** tanh(x) = (e^(2x) − 1) / (e^(2x) + 1), from expm1 so that it keeps its relative accuracy near 0. */
    static DoubleVector tanh(DoubleVector x) {
        final DoubleVector e = exp(x.add(x), true);
        return e.div(e.add(2.0));
    }

    /** log2(e). */
    private static final double LOG2E = 1.4426950408889634;
    /** ln 2 rounded, and the rest: LN2 + LN2_LO = ln 2 to twice the precision. */
    private static final double LN2 = 0.6931471805599453;
    private static final double LN2_LO = 2.3190468138462996e-17/*f32:-1.9046542e-09f*/;
    /** 1.5 · 2^(significand bits): adding and subtracting it rounds to the nearest integer. */
    private static final double ROUND = 6755399441055744.0/*f32:12582912.0f*/;
    /** Arguments are clamped to [MIN_ARG, MAX_ARG], where e^x is a normal finite number. */
    private static final double MAX_ARG = (Double.MAX_EXPONENT - 1) * LN2;
    private static final double MIN_ARG = -(Double.MAX_EXPONENT - 2) * LN2;

    /**
     * e^x, or e^x − 1 when {@code minusOne} (accurate near 0). x = n·ln2 + r with |r| ≤ ln2/2;
     * e^r − 1 = r + r²/2! + … + r^13/13! (Horner, fused); then e^x = 2^n·(e^r − 1) + 2^n and
     * e^x − 1 = 2^n·(e^r − 1) + (2^n − 1). Relative error about one unit in the last place.
     */
    static DoubleVector exp(DoubleVector x, boolean minusOne) {
        final DoubleVector xc = x.max(MIN_ARG).min(MAX_ARG);
        // n = round(x / ln2)
        final DoubleVector n = xc.mul(LOG2E).add(ROUND).sub(ROUND);
        // r = x − n·ln2, each product exact inside the fused multiply-add
        final DoubleVector nn = n.neg();
        final DoubleVector r = nn.fma(DoubleVector.broadcast(S, LN2_LO), nn.fma(DoubleVector.broadcast(S, LN2), xc));
        // e^r − 1 = r·(1 + r/2·(1 + r/3·(…)))
        DoubleVector p = r.mul(1.0 / 6227020800.0).add(1.0 / 479001600.0);
        p = r.fma(p, DoubleVector.broadcast(S, 1.0 / 39916800.0));
        p = r.fma(p, DoubleVector.broadcast(S, 1.0 / 3628800.0));
        p = r.fma(p, DoubleVector.broadcast(S, 1.0 / 362880.0));
        p = r.fma(p, DoubleVector.broadcast(S, 1.0 / 40320.0));
        p = r.fma(p, DoubleVector.broadcast(S, 1.0 / 5040.0));
        p = r.fma(p, DoubleVector.broadcast(S, 1.0 / 720.0));
        p = r.fma(p, DoubleVector.broadcast(S, 1.0 / 120.0));
        p = r.fma(p, DoubleVector.broadcast(S, 1.0 / 24.0));
        p = r.fma(p, DoubleVector.broadcast(S, 1.0 / 6.0));
        p = r.fma(p, DoubleVector.broadcast(S, 0.5));
        p = r.fma(p, DoubleVector.broadcast(S, 1.0));
        p = p.mul(r);
        // 2^n: n + bias in the exponent field
        final DoubleVector scale = ((LongVector/*f32:IntVector*/) n.convert(
                jdk.incubator.vector.VectorOperators.D2L/*f32:jdk.incubator.vector.VectorOperators.F2I*/, 0))
                .add(Double.MAX_EXPONENT)
                .lanewise(jdk.incubator.vector.VectorOperators.LSHL, 52/*f32:23*/)
                .reinterpretAsDoubles();
        return minusOne ? scale.fma(p, scale.sub(1.0)) : scale.fma(p, scale);
    }

    /** A vector of ones. */
    static DoubleVector ones() {
        return DoubleVector.broadcast(S, 1.0);
    }
}
