package dev.recur.nn.loss;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The exponentials of the float32 softmax, several at a time, bit for bit those of the scalar code
 * ({@code FloatLossKernels.expSum}: {@code e_j = (float) Math.exp(z_j − m)}, {@code s = Σ_j e_j}
 * added in index order in float32), which every float32 character model was trained on.
 *
 * <p>Each {@code x = z_j − m} (a float32 subtraction, as there) is widened to float64 and its
 * exponential {@code d} computed in float64 lanes to within a few units in the last place (ulps) of
 * float64; {@code (float) d} is then {@code (float) Math.exp(x)} unless {@code d} lies near a
 * boundary between two float32 values. {@code Math.exp} is within 1 ulp of {@code e^x} (its
 * specification), {@code d} within a few, so both round to the same float32 whenever {@code d} is
 * more than {@link #MARGIN} float64 ulps from the midpoint of two float32 values: its 29 low
 * significand bits (those float32 drops) more than {@code MARGIN} from {@code 2^28}. The lanes that
 * are not (about 4·10⁻⁶ of them), and those whose {@code d} is outside the normal float32 range or
 * NaN, are computed again by the scalar expression. The sum stays a float32 sum in index order.
 *
 * <p>Only the exponential is vector code, in the one vector type float64 (with its bits as long
 * lanes). A first version that also converted in float32 vectors of half width, beside the GEMM's
 * full-width ones, and took the row maxima with vector maxima left the JIT compiling the GEMM's
 * tiles and BPTT without their intrinsics in each of the 3 JVMs tried (the head's weight-gradient
 * product 1.3–1.5 s instead of 27 ms); see docs/performance.md on the Vector API's pitfalls.
 */
final class ExpSumF32 {

    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> BITS = VectorSpecies.of(long.class, D.vectorShape());
    private static final int L = D.length();
    /** Values taken through the float64 array at a time. */
    private static final int CHUNK = 64;

    /** Taylor polynomial of e^r to r^DEGREE/DEGREE! on |r| ≤ ln2/2: truncation below 2·10⁻¹⁶. */
    private static final int DEGREE = 12;
    private static final double[] INV_FACTORIAL = new double[DEGREE + 1];

    static {
        INV_FACTORIAL[0] = 1;
        for (int i = 1; i <= DEGREE; i++) {
            INV_FACTORIAL[i] = INV_FACTORIAL[i - 1] / i;
        }
    }

    private static final double LOG2E = 1.4426950408889634;
    private static final double LN2 = 0.6931471805599453;
    /** ln 2 − {@link #LN2}. */
    private static final double LN2_LO = 2.3190468138462996e-17;
    /** 1.5·2^52: {@code x/ln2 + ROUND} holds round(x/ln2) in the low bits of its significand. */
    private static final double ROUND = 0x1.8p52;
    /** The clamp of x: below −104 e^x is 0 in float32, above 100 infinite (both lanes redone). */
    private static final double MIN_ARG = -104;
    private static final double MAX_ARG = 100;
    /** Below: subnormal or zero in float32, rounded differently; redone. */
    private static final long LOW = Double.doubleToRawLongBits(0x1p-125);
    /** Above: at or beyond float32's overflow; redone. */
    private static final long HIGH = Double.doubleToRawLongBits(0x1p127);
    /** The 29 significand bits float32 drops, and their value at a midpoint. */
    private static final long DROPPED = (1L << 29) - 1;
    private static final long MIDPOINT = 1L << 28;
    /** The distance to a midpoint, in float64 ulps, below which a lane is redone (2^10 ≫ 1 + a few). */
    static final long MARGIN = 1 << 10;

    private ExpSumF32() {
    }

    /**
     * {@code Σ_j (float) Math.exp(z[o + j] − m)} over {@code n} values, added in order; each term
     * also written to {@code dz[o + j]} when it is not null. Bit for bit the scalar code's result.
     * Only the exponential is vector code (in float64 lanes, the one vector type of this class): the
     * float32 values go in and out through plain loops over a small float64 array.
     */
    static float expSum(float[] z, int o, int n, float m, float[] dz) {
        final double[] x = new double[CHUNK];
        final DoubleVector min = DoubleVector.broadcast(D, MIN_ARG);
        final DoubleVector max = DoubleVector.broadcast(D, MAX_ARG);
        final DoubleVector log2e = DoubleVector.broadcast(D, LOG2E);
        final DoubleVector round = DoubleVector.broadcast(D, ROUND);
        final DoubleVector ln2 = DoubleVector.broadcast(D, LN2);
        final DoubleVector ln2lo = DoubleVector.broadcast(D, LN2_LO);
        final LongVector exponent = LongVector.broadcast(BITS, Double.MAX_EXPONENT - Double.doubleToRawLongBits(ROUND));
        float s = 0;
        int j = 0;
        while (n - j >= L) {
            final int c = Math.min(CHUNK, (n - j) / L * L);
            // x = z − m in float32, as the scalar code, then widened (exactly)
            for (int i = 0; i < c; i++) {
                x[i] = z[o + j + i] - m;
            }
            for (int i = 0; i < c; i += L) {
                exp(DoubleVector.fromArray(D, x, i).max(min).min(max), log2e, round, ln2, ln2lo, exponent)
                        .intoArray(x, i);
            }
            for (int i = 0; i < c; i++) {
                final long b = Double.doubleToRawLongBits(x[i]);
                // near a float32 midpoint, outside the normal float32 range or NaN: the scalar expression
                final float e = b < LOW || b > HIGH || Math.abs((b & DROPPED) - MIDPOINT) <= MARGIN
                        ? (float) Math.exp(z[o + j + i] - m) : (float) x[i];
                if (dz != null) {
                    dz[o + j + i] = e;
                }
                s += e;
            }
            j += c;
        }
        for (; j < n; j++) {
            final float e = (float) Math.exp(z[o + j] - m);
            if (dz != null) {
                dz[o + j] = e;
            }
            s += e;
        }
        return s;
    }

    /**
     * {@code e^x} in float64 lanes for x in [−104, 100]: x = k·ln2 + r with |r| ≤ ln2/2 (t holds k in
     * the low bits of its significand, −k = ROUND − t exactly, each product exact inside the fused
     * multiply-add); e^r = 1 + r·(1 + r/2·(1 + …)) to r^12/12! (Horner, fused; a loop of constant
     * length the JIT unrolls); 2^k from k + bias in the exponent field. Within a few float64 ulps.
     */
    private static DoubleVector exp(DoubleVector x, DoubleVector log2e, DoubleVector round, DoubleVector ln2,
                                    DoubleVector ln2lo, LongVector exponent) {
        final DoubleVector tt = x.fma(log2e, round);
        final DoubleVector mk = round.sub(tt);
        final DoubleVector r = mk.fma(ln2lo, mk.fma(ln2, x));
        DoubleVector p = DoubleVector.broadcast(D, INV_FACTORIAL[DEGREE]);
        for (int d = DEGREE - 1; d >= 0; d--) {
            p = p.fma(r, DoubleVector.broadcast(D, INV_FACTORIAL[d]));
        }
        final DoubleVector scale = tt.reinterpretAsLongs().add(exponent).lanewise(VectorOperators.LSHL, 52)
                .reinterpretAsDoubles();
        return p.mul(scale);
    }

    /**
     * {@link #exp} on its own, for the tests: {@code out[i] = e^x[i]} for {@code x[i]} in [−104, 100]
     * ({@code x.length} a multiple of {@link #lanes()}).
     */
    static void exp(double[] x, double[] out) {
        final LongVector exponent = LongVector.broadcast(BITS, Double.MAX_EXPONENT - Double.doubleToRawLongBits(ROUND));
        for (int j = 0; j < x.length; j += L) {
            exp(DoubleVector.fromArray(D, x, j), DoubleVector.broadcast(D, LOG2E), DoubleVector.broadcast(D, ROUND),
                    DoubleVector.broadcast(D, LN2), DoubleVector.broadcast(D, LN2_LO), exponent).intoArray(out, j);
        }
    }

    /** The lane count of the vectors above. */
    static int lanes() {
        return L;
    }
}
