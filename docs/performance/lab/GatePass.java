// Lab code for docs/performance/lab/gate-pass.md: what the LSTM gate pass costs per hidden unit
// (four gate activations and tanh(c), as FloatVectorLstmCell runs them on a thread's 16 rows of W1)
// and which part of the activation that cost comes from. A copy of FloatLanes' activation loop with
// switches; the variants marked "timing only" compute wrong values on purpose. Not part of the build.
// Run: java --add-modules jdk.incubator.vector docs/performance/lab/GatePass.java [units]
import jdk.incubator.vector.*;
import static jdk.incubator.vector.VectorOperators.*;
import java.util.*;

public class GatePass {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final VectorSpecies<Integer> BITS = VectorSpecies.of(int.class, S.vectorShape());
    static final float LOG2E = 1.4426950408889634f, LN2 = 0.6931471805599453f, LN2_LO = -1.9046542e-09f, ROUND = 12582912.0f;
    static final int ROUND_BITS = 0x4B400000;
    static final float MAX_ARG = (Float.MAX_EXPONENT - 2) * LN2;
    static final float[] INV = {1f, 1f, 1f/2, 1f/6, 1f/24, 1f/120, 1f/720, 1f/5040};
    /** Variant bits: ESTRIN polynomial; NO_DIV, NO_CLAMP and NO_POLY leave work out (timing only). */
    static final int ESTRIN = 1, NO_DIV = 4, NO_CLAMP = 16, NO_POLY = 32, HOIST = 64;
    static final String[] NAMES = {"as shipped (Horner)", "Estrin polynomial", "multiply for the division (timing only)",
        "no clamp, no NaN mask (timing only)", "no polynomial (timing only)", "coefficients as constants"};
    static final int[] VARIANTS = {0, ESTRIN, NO_DIV, NO_CLAMP, NO_POLY, HOIST};
    static void apply(int variant, float k0, float c0, float al, float be, float de, float ga,
                      float[] src, int s0, float[] add, int addOff, float[] dst, int d0, int n, int addStep) {
        final FloatVector k = FloatVector.broadcast(S, k0), c = FloatVector.broadcast(S, c0), alpha = FloatVector.broadcast(S, al),
            beta = FloatVector.broadcast(S, be), delta = FloatVector.broadcast(S, de), gamma = FloatVector.broadcast(S, ga);
        final FloatVector log2e = FloatVector.broadcast(S, LOG2E), round = FloatVector.broadcast(S, ROUND),
            ln2 = FloatVector.broadcast(S, LN2), ln2lo = FloatVector.broadcast(S, LN2_LO);
        final IntVector magnitude = IntVector.broadcast(BITS, Integer.MAX_VALUE), sign = IntVector.broadcast(BITS, Integer.MIN_VALUE),
            infinity = IntVector.broadcast(BITS, 0x7F800000), limit = IntVector.broadcast(BITS, Float.floatToRawIntBits(MAX_ARG)),
            exponent = IntVector.broadcast(BITS, Float.MAX_EXPONENT - ROUND_BITS);
        final boolean estrin = (variant & ESTRIN) != 0;
        final boolean hoist = (variant & HOIST) != 0;
        final FloatVector q1 = FloatVector.broadcast(S, INV[1]), q2 = FloatVector.broadcast(S, INV[2]),
            q3 = FloatVector.broadcast(S, INV[3]), q4 = FloatVector.broadcast(S, INV[4]), q5 = FloatVector.broadcast(S, INV[5]),
            q6 = FloatVector.broadcast(S, INV[6]), q7 = FloatVector.broadcast(S, INV[7]);
                for (int j = 0; j < n; j += L) {
            final FloatVector x0 = FloatVector.fromArray(S, src, s0 + j)
                .add(FloatVector.fromArray(S, add, addOff + j * addStep)).mul(k);
            final var bits = x0.reinterpretAsInts();
            final var size = bits.and(magnitude);
            final FloatVector x = (variant & NO_CLAMP) != 0 ? x0 : size.min(limit).or(bits.and(sign)).reinterpretAsFloats();
            final var nan = (variant & NO_CLAMP) != 0 ? magnitude.not() : infinity.sub(size).lanewise(ASHR, 31);
            final FloatVector t = x.fma(log2e, round);
            final FloatVector mm = round.sub(t);
            final FloatVector r = mm.fma(ln2lo, mm.fma(ln2, x));
            FloatVector p;
            if (hoist) {
                p = q7.fma(r, q6).fma(r, q5).fma(r, q4).fma(r, q3).fma(r, q2).fma(r, q1).mul(r);
            } else if ((variant & NO_POLY) != 0) {
                p = r;
            } else if (estrin) {
                FloatVector r2 = r.mul(r);
                FloatVector a = FloatVector.broadcast(S, INV[2]).fma(r, FloatVector.broadcast(S, INV[1]));
                FloatVector b = FloatVector.broadcast(S, INV[4]).fma(r, FloatVector.broadcast(S, INV[3]));
                FloatVector cc = FloatVector.broadcast(S, INV[6]).fma(r, FloatVector.broadcast(S, INV[5]));
                FloatVector r4 = r2.mul(r2);
                p = FloatVector.broadcast(S, INV[7]).fma(r2, cc).fma(r4, b.fma(r2, a)).mul(r);
            } else {
                p = FloatVector.broadcast(S, INV[7]);
                for (int d = 6; d >= 1; d--) p = p.fma(r, FloatVector.broadcast(S, INV[d]));
                p = p.mul(r);
            }
            final FloatVector scale = t.reinterpretAsInts().add(exponent).lanewise(LSHL, 23).reinterpretAsFloats();
            final FloatVector e = scale.fma(p, scale.sub(c));
            final FloatVector y = (variant & NO_DIV) != 0 ? alpha.fma(e, beta).mul(delta.fma(e, gamma))
                    : alpha.fma(e, beta).div(delta.fma(e, gamma));
            y.reinterpretAsInts().or(nan).reinterpretAsFloats().intoArray(dst, d0 + j);
        }
    }
    static final float[] NEG0 = new float[4096];
    static { Arrays.fill(NEG0, -0f); }
    static void gates(int v, float[] a, int ab, float[] rec, int rb, float[] cell, int cb, int nh) {
        apply(v, -1, 0, 0, 1, 1, 1, a, ab, rec, rb, a, ab, nh, 1);
        apply(v, -1, 0, 0, 1, 1, 1, a, ab + nh, rec, rb + nh, a, ab + nh, nh, 1);
        apply(v, 2, 1, 1, 0, 1, 2, a, ab + 2 * nh, rec, rb + 2 * nh, a, ab + 2 * nh, nh, 1);
        apply(v, -1, 0, 0, 1, 1, 1, a, ab + 3 * nh, rec, rb + 3 * nh, a, ab + 3 * nh, nh, 1);
        apply(v, 2, 1, 1, 0, 1, 2, cell, cb, NEG0, 0, cell, cb, nh, 0);
    }
    public static void main(String[] args) {
        int nh = args.length > 0 ? Integer.parseInt(args[0]) : 256, rows = 4096 / nh, ng = 4 * nh;
        int[] variants = VARIANTS;
        SplittableRandom rng = new SplittableRandom(1);
        float[] base = new float[rows * ng]; for (int i = 0; i < base.length; i++) base[i] = (float) rng.nextDouble(-4, 4);
        float[] rec = new float[rows * ng]; for (int i = 0; i < rec.length; i++) rec[i] = (float) rng.nextDouble(-1, 1);
        float[] a = base.clone(); float[] cell = new float[rows * nh];
        double[][] ns = new double[variants.length][15];
        for (int round = -3; round < 15; round++) {
            for (int vi = 0; vi < variants.length; vi++) {
                int v = variants[vi];
                long t0 = System.nanoTime(); long units = 0;
                while (System.nanoTime() - t0 < 200_000_000L) {
                    for (int b = 0; b < rows; b++) gates(v, a, b * ng, rec, b * ng, cell, b * nh, nh);
                    units += rows * nh;
                }
                if (round >= 0) ns[vi][round] = (System.nanoTime() - t0) / (double) units;
            }
        }
        for (int vi = 0; vi < variants.length; vi++) { double[] x = ns[vi].clone(); Arrays.sort(x);
            System.out.printf("%-42s median %.3f ns a unit (%.3f-%.3f)%n", NAMES[vi] + ":", x[7], x[0], x[14]); }
    }
}
