package dev.recur.nn.recurrent;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector/*f32:jdk.incubator.vector.IntVector*/;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector helpers shared by the vectorised cells (the float32 twin {@code FloatLanes} is generated
 * from this file): the species and the activations over arrays.
 *
 * <p>Two rules keep the vectorised code fast and reproducible:
 * <ul>
 *   <li>No masked vector operations, and no vector passed to or returned from a method that might
 *       not be inlined: either would make the JIT box vectors as heap objects (a masked operation
 *       it cannot compile falls back to plain Java and forces every vector that meets it into
 *       memory). Loops run over whole vectors; the last {@code n mod L} elements are done by
 *       scalar code or, for the exponential, by the vector code on a zero-padded copy.</li>
 *   <li>The exponential is computed from additions, multiplications and fused multiply-adds only,
 *       not by the Vector API's {@code EXP}/{@code TANH} operators: those give different bits before
 *       and after the JIT compiles a loop (a plain-Java fallback, then a vector math library), which
 *       would make two runs with the same seed differ. IEEE arithmetic gives the same bits in every
 *       mode.</li>
 * </ul>
 */
final class DoubleLanes {

    /** The widest vector shape of this processor. */
    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    /** Lanes per vector. */
    static final int L = S.length();

    /** log2(e). */
    private static final double LOG2E = 1.4426950408889634;
    /** ln 2 rounded, and the rest: LN2 + LN2_LO = ln 2 to twice the precision. */
    private static final double LN2 = 0.6931471805599453;
    private static final double LN2_LO = 2.3190468138462996e-17/*f32:-1.9046542e-09f*/;
    /** 1.5 · 2^(significand bits): adding and subtracting it rounds to the nearest integer. */
    private static final double ROUND = 6755399441055744.0/*f32:12582912.0f*/;
    /** The bits of ROUND: the bits of ROUND + m are ROUND_BITS + m. */
    private static final long/*f32:int*/ ROUND_BITS = 0x4338000000000000L/*f32:0x4B400000*/;
    /** Arguments are clamped to [MIN_ARG, MAX_ARG], where e^x is a normal finite number. */
    private static final double MAX_ARG = (Double.MAX_EXPONENT - 1) * LN2;
    private static final double MIN_ARG = -(Double.MAX_EXPONENT - 2) * LN2;
    /**
     * Arguments of magnitude up to this need no clamping (a little inside [MIN_ARG, MAX_ARG]): an
     * array of them skips the clamp, the costliest step of the loop (a vector max or min with
     * Java's NaN and signed-zero rules takes several instructions).
     */
    private static final double NO_CLAMP = -MIN_ARG * 0.99;
    /** The integer lanes of the same shape, for the bits of the arguments. */
    private static final VectorSpecies<Long/*f32:Integer*/> BITS = VectorSpecies.of(long.class/*f32:int.class*/, S.vectorShape());
    /**
     * The Taylor polynomial of e^r − 1 runs to r^DEGREE/DEGREE!: for |r| ≤ ln2/2 the first term left
     * out is below a quarter of a unit in the last place (r^14/14! in float64, r^8/8! in float32).
     */
    private static final int DEGREE = 13/*f32:7*/;
    /** 1/d! for d = 0 .. 13. */
    private static final double[] INV_FACTORIAL = {1.0, 1.0, 1.0 / 2.0, 1.0 / 6.0, 1.0 / 24.0, 1.0 / 120.0,
        1.0 / 720.0, 1.0 / 5040.0, 1.0 / 40320.0, 1.0 / 362880.0, 1.0 / 3628800.0, 1.0 / 39916800.0,
        1.0 / 479001600.0, 1.0 / 6227020800.0};

    /** A zero-padded vector's worth of scratch per thread, for the tails of the exponential. */
    private static final ThreadLocal<double[]> TAIL = ThreadLocal.withInitial(() -> new double[L]);

    private DoubleLanes() {
    }

    /** The start of the scalar tail: the largest multiple of {@code L} not above {@code n}. */
    static int bound(int n) {
        return S.loopBound(n);
    }

    /**
     * {@code a[i] = σ(a[i]) = 1 / (1 + e^(−a[i]))} for {@code i} in {@code [off, off+n)}. Modifies {@code a}.
     */
    static void sigmoid(double[] a, int off, int n) {
        exp(a, off, -1.0, false, a, off, n);
        final DoubleVector one = DoubleVector.broadcast(S, 1.0);
        final int nv = bound(n);
        for (int j = 0; j < nv; j += L) {
            one.div(one.add(DoubleVector.fromArray(S, a, off + j))).intoArray(a, off + j);
        }
        for (int j = nv; j < n; j++) {
            a[off + j] = 1 / (1 + a[off + j]);
        }
    }

    /**
     * {@code dst[i] = tanh(src[i]) = (e^(2x) − 1) / (e^(2x) + 1)}, from expm1 so that it keeps its
     * relative accuracy near 0. Modifies {@code dst[d0 .. d0+n)}; {@code dst} may be {@code src}.
     */
    static void tanh(double[] src, int s0, double[] dst, int d0, int n) {
        exp(src, s0, 2.0, true, dst, d0, n);
        final DoubleVector two = DoubleVector.broadcast(S, 2.0);
        final int nv = bound(n);
        for (int j = 0; j < nv; j += L) {
            final DoubleVector e = DoubleVector.fromArray(S, dst, d0 + j);
            e.div(e.add(two)).intoArray(dst, d0 + j);
        }
        for (int j = nv; j < n; j++) {
            final double e = dst[d0 + j];
            dst[d0 + j] = e / (e + 2);
        }
    }

    /**
     * {@code dst[i] = e^(k·src[i])}, or {@code e^(k·src[i]) − 1} when {@code minusOne} (accurate
     * near 0), for {@code n} elements. Modifies {@code dst}; it may be {@code src}.
     */
    static void exp(double[] src, int s0, double k, boolean minusOne, double[] dst, int d0, int n) {
        final int nv = bound(n);
        if (largestMagnitude(src, s0, nv) <= NO_CLAMP / Math.abs(k)) {
            expVectors(src, s0, k, minusOne, dst, d0, nv);
        } else {
            // some k·x out of the unclamped range, or NaN (rare): clamped into dst first, then e^(1·dst)
            final DoubleVector lo = DoubleVector.broadcast(S, MIN_ARG);
            final DoubleVector hi = DoubleVector.broadcast(S, MAX_ARG);
            for (int j = 0; j < nv; j += L) {
                DoubleVector.fromArray(S, src, s0 + j).mul(k).max(lo).min(hi).intoArray(dst, d0 + j);
            }
            expVectors(dst, d0, 1.0, minusOne, dst, d0, nv);
        }
        if (nv < n) {
            final double[] t = TAIL.get();
            java.util.Arrays.fill(t, 0);
            for (int j = nv; j < n; j++) {
                t[j - nv] = Math.min(Math.max(src[s0 + j] * k, MIN_ARG), MAX_ARG);
            }
            expVectors(t, 0, 1.0, minusOne, t, 0, L);
            System.arraycopy(t, 0, dst, d0 + nv, n - nv);
        }
    }

    /**
     * The largest |x| of {@code n} elements (a multiple of {@code L}), or a value above every finite
     * one if one of them is NaN or infinite: the sign bit cleared, the bits of non-negative floats
     * order as integers, and NaN's bits come last.
     */
    private static double largestMagnitude(double[] a, int off, int n) {
        final var magnitude = LongVector/*f32:IntVector*/.broadcast(BITS, Long.MAX_VALUE/*f32:Integer.MAX_VALUE*/);
        var most = LongVector/*f32:IntVector*/.zero(BITS);
        for (int j = 0; j < n; j += L) {
            final DoubleVector x = DoubleVector.fromArray(S, a, off + j);
            most = most.max(x.reinterpretAsLongs/*f32:x.reinterpretAsInts*/().and(magnitude));
        }
        final long/*f32:int*/ bits = most.reduceLanes(jdk.incubator.vector.VectorOperators.MAX);
        return bits > Double.doubleToRawLongBits/*f32:Float.floatToRawIntBits*/(Double.MAX_VALUE)
                ? Double.POSITIVE_INFINITY : Double.longBitsToDouble/*f32:Float.intBitsToFloat*/(bits);
    }

    /**
     * {@link #exp} over {@code n} elements, a multiple of {@code L}, every {@code k·src[i]} in
     * [MIN_ARG, MAX_ARG] or NaN. x = m·ln2 + r with |r| ≤ ln2/2; e^r − 1 = r + r²/2! + … +
     * r^DEGREE/DEGREE! (Horner, fused); then e^x = 2^m·(e^r − 1) + 2^m and
     * e^x − 1 = 2^m·(e^r − 1) + (2^m − 1). Relative error about one unit in the last place. Every
     * constant is a vector made before the loop (an operation given a scalar would broadcast it
     * again at each step).
     */
    private static void expVectors(double[] src, int s0, double k, boolean minusOne, double[] dst, int d0, int n) {
        final DoubleVector kv = DoubleVector.broadcast(S, k);
        final DoubleVector log2e = DoubleVector.broadcast(S, LOG2E);
        final DoubleVector round = DoubleVector.broadcast(S, ROUND);
        final DoubleVector ln2 = DoubleVector.broadcast(S, LN2);
        final DoubleVector ln2lo = DoubleVector.broadcast(S, LN2_LO);
        // the exponent field of 2^m is m + bias: the bits of t, less those of ROUND, plus the bias
        final var exponent = LongVector/*f32:IntVector*/.broadcast(BITS, Double.MAX_EXPONENT - ROUND_BITS);
        // e^x = 2^m·(e^r − 1) + (2^m − c), c = 1 for e^x − 1, else 0 (2^m − 0 is 2^m exactly). A scalar
        // rather than a choice between two vectors: vectors merged by a branch defeat the JIT's
        // intrinsics, and the store then falls back to a scalar loop
        final DoubleVector c = DoubleVector.broadcast(S, minusOne ? 1.0 : 0.0);
        for (int j = 0; j < n; j += L) {
            final DoubleVector x = DoubleVector.fromArray(S, src, s0 + j).mul(kv);
            // m = round(x / ln2): t = x/ln2 + ROUND holds m in the low bits of its significand
            final DoubleVector t = x.fma(log2e, round);
            final DoubleVector mm = round.sub(t);
            // r = x − m·ln2, each product exact inside the fused multiply-add
            final DoubleVector r = mm.fma(ln2lo, mm.fma(ln2, x));
            // e^r − 1 = r·(1 + r/2·(1 + r/3·(…))); a loop of constant length, unrolled by the JIT
            DoubleVector p = DoubleVector.broadcast(S, INV_FACTORIAL[DEGREE]);
            for (int d = DEGREE - 1; d >= 1; d--) {
                p = p.fma(r, DoubleVector.broadcast(S, INV_FACTORIAL[d]));
            }
            p = p.mul(r);
            // 2^m: m + bias in the exponent field (integer lane arithmetic on the bits of t)
            final DoubleVector scale = t.reinterpretAsLongs/*f32:t.reinterpretAsInts*/()
                    .add(exponent)
                    .lanewise(jdk.incubator.vector.VectorOperators.LSHL, 52/*f32:23*/)
                    .reinterpretAsDoubles();
            scale.fma(p, scale.sub(c)).intoArray(dst, d0 + j);
        }
    }
}
