package dev.recur.nn.recurrent;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector/*f32:jdk.incubator.vector.IntVector*/;
import jdk.incubator.vector.VectorSpecies;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.LSHL;

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
    /**
     * Arguments are clamped to [−MAX_ARG, MAX_ARG]: there m is at most MAX_EXPONENT − 2 in magnitude,
     * and 2^m·e^r with |r| ≤ ln2/2 stays a normal number at both ends (the smallest normal is
     * 2^(1 − MAX_EXPONENT), so −(MAX_EXPONENT − 2) is the lowest m that does; one limit serves both
     * signs). Past it e^x stays at about 2^±(MAX_EXPONENT − 2): e^x and e^x − 1 stop growing above
     * MAX_ARG (707.7 in float64, 86.6 in float32; e^x overflows at 709.8 and 88.7), and σ(x) below
     * −MAX_ARG stays at about 2^−(MAX_EXPONENT − 2) (below 1e-307 and 3e-38) where it would shrink
     * further. tanh saturates long before either end.
     */
    private static final double MAX_ARG = (Double.MAX_EXPONENT - 2) * LN2;
    /** The integer lanes of the same shape, for the bits of the arguments. */
    private static final VectorSpecies<Long/*f32:Integer*/> BITS = VectorSpecies.of(long.class/*f32:int.class*/, S.vectorShape());
    /** All bits but the sign. */
    private static final long/*f32:int*/ MAGNITUDE = Long.MAX_VALUE/*f32:Integer.MAX_VALUE*/;
    /** The sign bit alone. */
    private static final long/*f32:int*/ SIGN = Long.MIN_VALUE/*f32:Integer.MIN_VALUE*/;
    /** The highest bit index: an arithmetic shift by it spreads the sign over every bit. */
    private static final int SIGN_SHIFT = 63/*f32:31*/;
    /** The bits of +∞: a magnitude above them is NaN. */
    private static final long/*f32:int*/ INFINITY_BITS = 0x7FF0000000000000L/*f32:0x7F800000*/;
    /**
     * The Taylor polynomial of e^r − 1 runs to r^DEGREE/DEGREE!: for |r| ≤ ln2/2 the first term left
     * out, r^(DEGREE+1)/(DEGREE+1)!, is below a quarter of a unit in the last place.
     */
    private static final int DEGREE = 13/*f32:7*/;
    /** 1/d! for d = 0 .. 13. */
    private static final double[] INV_FACTORIAL = {1.0, 1.0, 1.0 / 2.0, 1.0 / 6.0, 1.0 / 24.0, 1.0 / 120.0,
        1.0 / 720.0, 1.0 / 5040.0, 1.0 / 40320.0, 1.0 / 362880.0, 1.0 / 3628800.0, 1.0 / 39916800.0,
        1.0 / 479001600.0, 1.0 / 6227020800.0};
    /** A vector of −0.0, the addend that leaves every value as it is (x + (−0) = x, −0 and NaN included). */
    private static final double[] NO_ADDEND = negativeZeros(L);

    /** A zero-padded vector's worth of scratch per thread, for the tails. */
    private static final ThreadLocal<double[]> TAIL = ThreadLocal.withInitial(() -> new double[L]);

    /**
     * The functions {@link #apply} computes: {@code y = (α·E + β) / (δ·E + γ)} with
     * {@code E = e^(k·x) − c}, each a few exact operations on the exponential.
     */
    enum Form {
        /** σ(x) = 1 / (e^(−x) + 1). */
        SIGMOID(-1, 0, 0, 1, 1, 1),
        /** tanh(x) = (e^(2x) − 1) / ((e^(2x) − 1) + 2), from e^(2x) − 1 to keep its accuracy near 0. */
        TANH(2, 1, 1, 0, 1, 2),
        /** e^x. */
        EXP(1, 0, 1, 0, 0, 1),
        /** e^x − 1. */
        EXPM1(1, 1, 1, 0, 0, 1);

        final double k;
        final double c;
        final double alpha;
        final double beta;
        final double delta;
        final double gamma;

        Form(double k, double c, double alpha, double beta, double delta, double gamma) {
            this.k = k;
            this.c = c;
            this.alpha = alpha;
            this.beta = beta;
            this.delta = delta;
            this.gamma = gamma;
        }
    }

    private DoubleLanes() {
    }

    /** The start of the scalar tail: the largest multiple of {@code L} not above {@code n}. */
    static int bound(int n) {
        return S.loopBound(n);
    }

    /** {@code a[i] = σ(a[i]) = 1 / (1 + e^(−a[i]))} for {@code i} in {@code [off, off+n)}. Modifies {@code a}. */
    static void sigmoid(double[] a, int off, int n) {
        apply(Form.SIGMOID, a, off, NO_ADDEND, 0, 0, a, off, n);
    }

    /**
     * {@code a[i] = σ(a[i] + add[i])}: the sum and the activation in one pass, so that loading
     * {@code a} (often not in cache) overlaps the arithmetic. Modifies {@code a}.
     */
    static void sigmoidPlus(double[] a, int off, double[] add, int addOff, int n) {
        apply(Form.SIGMOID, a, off, add, addOff, 1, a, off, n);
    }

    /** {@code dst[i] = tanh(src[i])}. Modifies {@code dst[d0 .. d0+n)}; {@code dst} may be {@code src}. */
    static void tanh(double[] src, int s0, double[] dst, int d0, int n) {
        apply(Form.TANH, src, s0, NO_ADDEND, 0, 0, dst, d0, n);
    }

    /** {@code a[i] = tanh(a[i] + add[i])}, as {@link #sigmoidPlus}. Modifies {@code a}. */
    static void tanhPlus(double[] a, int off, double[] add, int addOff, int n) {
        apply(Form.TANH, a, off, add, addOff, 1, a, off, n);
    }

    /**
     * {@code dst[i] = e^src[i]}, or {@code e^src[i] − 1} when {@code minusOne} (accurate near 0):
     * the exponential the activations are built on, on its own for the tests. Modifies
     * {@code dst}; it may be {@code src}.
     */
    static void exp(double[] src, int s0, boolean minusOne, double[] dst, int d0, int n) {
        apply(minusOne ? Form.EXPM1 : Form.EXP, src, s0, NO_ADDEND, 0, 0, dst, d0, n);
    }

    /**
     * {@code dst[i] = f(src[i] + add[addOff + i·addStep])} for {@code n} elements; {@code addStep}
     * is 1, or 0 with the one-vector {@link #NO_ADDEND}. Modifies {@code dst}; it may be {@code src}.
     */
    private static void apply(Form f, double[] src, int s0, double[] add, int addOff, int addStep,
                              double[] dst, int d0, int n) {
        final int nv = bound(n);
        applyVectors(f, src, s0, add, addOff, addStep, dst, d0, nv);
        if (nv < n) {
            final double[] t = TAIL.get();
            java.util.Arrays.fill(t, 0);
            for (int j = nv; j < n; j++) {
                t[j - nv] = src[s0 + j] + add[addOff + j * addStep];
            }
            applyVectors(f, t, 0, NO_ADDEND, 0, 0, t, 0, L);
            System.arraycopy(t, 0, dst, d0 + nv, n - nv);
        }
    }

    /**
     * {@link #apply} over {@code n} elements, a multiple of {@code L}. x = k·(src + add), clamped to
     * [−MAX_ARG, MAX_ARG]; x = m·ln2 + r with |r| ≤ ln2/2; e^r − 1 = r + r²/2! + … + r^DEGREE/DEGREE!
     * (Horner, fused); then e^x = 2^m·(e^r − 1) + 2^m and e^x − 1 = 2^m·(e^r − 1) + (2^m − 1).
     * Relative error about one unit in the last place. Constant operands are vectors made before
     * the loop (an operation given a scalar broadcasts it again at each step); the polynomial's
     * coefficients are read from their table in a loop the JIT unrolls (measured no slower).
     */
    private static void applyVectors(Form f, double[] src, int s0, double[] add, int addOff, int addStep,
                                     double[] dst, int d0, int n) {
        final DoubleVector k = DoubleVector.broadcast(S, f.k);
        final DoubleVector c = DoubleVector.broadcast(S, f.c);
        final DoubleVector alpha = DoubleVector.broadcast(S, f.alpha);
        final DoubleVector beta = DoubleVector.broadcast(S, f.beta);
        final DoubleVector delta = DoubleVector.broadcast(S, f.delta);
        final DoubleVector gamma = DoubleVector.broadcast(S, f.gamma);
        final DoubleVector log2e = DoubleVector.broadcast(S, LOG2E);
        final DoubleVector round = DoubleVector.broadcast(S, ROUND);
        final DoubleVector ln2 = DoubleVector.broadcast(S, LN2);
        final DoubleVector ln2lo = DoubleVector.broadcast(S, LN2_LO);
        final var magnitude = LongVector/*f32:IntVector*/.broadcast(BITS, MAGNITUDE);
        final var sign = LongVector/*f32:IntVector*/.broadcast(BITS, SIGN);
        final var infinity = LongVector/*f32:IntVector*/.broadcast(BITS, INFINITY_BITS);
        final var limit = LongVector/*f32:IntVector*/.broadcast(BITS,
                Double.doubleToRawLongBits/*f32:Float.floatToRawIntBits*/(MAX_ARG));
        // the exponent field of 2^m is m + bias: the bits of t, less those of ROUND, plus the bias
        final var exponent = LongVector/*f32:IntVector*/.broadcast(BITS, Double.MAX_EXPONENT - ROUND_BITS);
        for (int j = 0; j < n; j += L) {
            final DoubleVector x0 = DoubleVector.fromArray(S, src, s0 + j)
                    .add(DoubleVector.fromArray(S, add, addOff + j * addStep)).mul(k);
            // the clamp, on the magnitude's bits (ordered as the magnitudes are), the sign put back:
            // an integer min takes one AVX-512 instruction, a vector min or max with Java's NaN and
            // signed-zero rules several, and the range is symmetric, so one limit does
            final var bits = x0.reinterpretAsLongs/*f32:x0.reinterpretAsInts*/();
            final var size = bits.and(magnitude);
            final DoubleVector x = size.min(limit).or(bits.and(sign)).reinterpretAsDoubles();
            // every bit set where x0 is NaN (its magnitude above +∞'s): OR-ed into the result below
            final var nan = infinity.sub(size).lanewise(ASHR, SIGN_SHIFT);
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
                    .lanewise(LSHL, 52/*f32:23*/)
                    .reinterpretAsDoubles();
            // E = 2^m·(e^r − 1) + (2^m − c): e^x, or e^x − 1 (2^m − 0 is 2^m exactly)
            final DoubleVector e = scale.fma(p, scale.sub(c));
            final DoubleVector y = alpha.fma(e, beta).div(delta.fma(e, gamma));
            y.reinterpretAsLongs/*f32:y.reinterpretAsInts*/().or(nan).reinterpretAsDoubles().intoArray(dst, d0 + j);
        }
    }

    private static double[] negativeZeros(int n) {
        final double[] z = new double[n];
        java.util.Arrays.fill(z, -0.0);
        return z;
    }
}
