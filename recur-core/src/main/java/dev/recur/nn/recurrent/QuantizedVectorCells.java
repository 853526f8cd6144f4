package dev.recur.nn.recurrent;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The gate nonlinearities and state updates of one step of a float32 cell, over a range of hidden
 * units, given the step's two products: {@code gi = W_ih x + b_ih} and {@code gh = W_hh h + b_hh}
 * (for the LSTM and the Elman RNN both biases may sit in either; only their sum counts). This is
 * the per-row part of {@code FloatVectorLstmCell}, {@code FloatVectorGruCell} and
 * {@code FloatVectorElmanCell}: the same vectorised activations ({@code FloatLanes}: σ and tanh
 * from one hand-written exponential) and the same update formulas, for callers that form the
 * products themselves, as the weight-quantized inference of {@code dev.recur.nn.sequence.QuantizedStack}
 * does. {@link QuantizedCells} has the same formulas as plain scalar loops on {@link Math#exp} and
 * {@link Math#tanh}: the reference these are tested against, and the path without the Vector API.
 *
 * <pre>
 * LSTM: i,f,o = σ(gi + gh), g = tanh(gi_g + gh_g); c = f c + i g; h = o tanh(c)
 * GRU:  r,z = σ(gi + gh); n = tanh(gi_n + r gh_n); h = (1 − z) n + z h_prev
 * RNN:  h = tanh(gi + gh) or relu(gi + gh)
 * </pre>
 *
 * <p>Gate {@code k} of unit {@code j} is at {@code g0 + k·H + j} of {@code gi} and {@code gh}
 * ({@link LstmGate}, {@link GruGate} order). The methods overwrite {@code gi} (activations) and
 * {@code gh} (GRU: {@code r gh_n}) for the units in range; the new {@code h} goes to its own array,
 * as other threads may still read the previous one. Each unit's result does not depend on the
 * range it falls in (a range's scalar tail runs the same vector code on a padded copy), so results
 * do not depend on how the units are split between threads. Stateless.
 */
public final class QuantizedVectorCells {

    private static final VectorSpecies<Float> S = FloatLanes.S;
    private static final int L = FloatLanes.L;

    private QuantizedVectorCells() {
    }

    /**
     * LSTM step for units {@code [j0, j1)}.
     *
     * @param gi   {@code W_ih x + biases}, {@code [4H]} from {@code g0}; overwritten with the gates
     * @param gh   {@code W_hh h}, {@code [4H]} from {@code g0}
     * @param g0   index of gate 0, unit 0
     * @param nh   H
     * @param j0   first unit
     * @param j1   end of the units
     * @param c    the cell state, {@code [H]} from {@code c0}; updated in place
     * @param c0   index of unit 0 in {@code c}
     * @param hOut the new hidden state, {@code [H]} from {@code h0}
     * @param h0   index of unit 0 in {@code hOut}
     */
    public static void lstm(float[] gi, float[] gh, int g0, int nh, int j0, int j1, float[] c, int c0, float[] hOut,
                            int h0) {
        final int n = j1 - j0;
        final int oi = g0 + LstmGate.INPUT.offset(nh) + j0;
        final int of = g0 + LstmGate.FORGET.offset(nh) + j0;
        final int og = g0 + LstmGate.CELL.offset(nh) + j0;
        final int oo = g0 + LstmGate.OUTPUT.offset(nh) + j0;
        final int cb = c0 + j0;
        final int hb = h0 + j0;
        final int nv = FloatLanes.bound(n);
        // i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o), one pass per gate
        FloatLanes.sigmoidPlus(gi, oi, gh, oi, n);
        FloatLanes.sigmoidPlus(gi, of, gh, of, n);
        FloatLanes.tanhPlus(gi, og, gh, og, n);
        FloatLanes.sigmoidPlus(gi, oo, gh, oo, n);
        // c_t = f ⊙ c_{t-1} + i ⊙ g
        for (int j = 0; j < nv; j += L) {
            final FloatVector i = FloatVector.fromArray(S, gi, oi + j);
            final FloatVector f = FloatVector.fromArray(S, gi, of + j);
            final FloatVector g = FloatVector.fromArray(S, gi, og + j);
            f.mul(FloatVector.fromArray(S, c, cb + j)).add(i.mul(g)).intoArray(c, cb + j);
        }
        for (int j = nv; j < n; j++) {
            c[cb + j] = gi[of + j] * c[cb + j] + gi[oi + j] * gi[og + j];
        }
        // h_t = o ⊙ tanh(c_t)
        FloatLanes.tanh(c, cb, hOut, hb, n);
        for (int j = 0; j < nv; j += L) {
            FloatVector.fromArray(S, gi, oo + j).mul(FloatVector.fromArray(S, hOut, hb + j)).intoArray(hOut, hb + j);
        }
        for (int j = nv; j < n; j++) {
            hOut[hb + j] = gi[oo + j] * hOut[hb + j];
        }
    }

    /**
     * GRU step for units {@code [j0, j1)}.
     *
     * @param gi    {@code W_ih x + b_ih}, {@code [3H]} from {@code g0}; overwritten
     * @param gh    {@code W_hh h + b_hh}, {@code [3H]} from {@code g0}; its n block overwritten with {@code r gh_n}
     * @param g0    index of gate 0, unit 0
     * @param nh    H
     * @param j0    first unit
     * @param j1    end of the units
     * @param hPrev the previous hidden state, {@code [H]} from {@code p0}
     * @param p0    index of unit 0 in {@code hPrev}
     * @param hOut  the new hidden state, {@code [H]} from {@code h0}
     * @param h0    index of unit 0 in {@code hOut}
     */
    public static void gru(float[] gi, float[] gh, int g0, int nh, int j0, int j1, float[] hPrev, int p0,
                           float[] hOut, int h0) {
        final int n = j1 - j0;
        final int or = g0 + GruGate.RESET.offset(nh) + j0;
        final int oz = g0 + GruGate.UPDATE.offset(nh) + j0;
        final int on = g0 + GruGate.NEW.offset(nh) + j0;
        final int pb = p0 + j0;
        final int hb = h0 + j0;
        final int nv = FloatLanes.bound(n);
        // r = σ(gi_r + gh_r), z = σ(gi_z + gh_z)
        FloatLanes.sigmoidPlus(gi, or, gh, or, n);
        FloatLanes.sigmoidPlus(gi, oz, gh, oz, n);
        // n = tanh(gi_n + r ⊙ gh_n)
        for (int j = 0; j < nv; j += L) {
            FloatVector.fromArray(S, gi, or + j).mul(FloatVector.fromArray(S, gh, on + j)).intoArray(gh, on + j);
        }
        for (int j = nv; j < n; j++) {
            gh[on + j] = gi[or + j] * gh[on + j];
        }
        FloatLanes.tanhPlus(gi, on, gh, on, n);
        // h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}
        final FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < nv; j += L) {
            final FloatVector z = FloatVector.fromArray(S, gi, oz + j);
            final FloatVector nn = FloatVector.fromArray(S, gi, on + j);
            one.sub(z).mul(nn).add(z.mul(FloatVector.fromArray(S, hPrev, pb + j))).intoArray(hOut, hb + j);
        }
        for (int j = nv; j < n; j++) {
            final float z = gi[oz + j];
            hOut[hb + j] = (1 - z) * gi[on + j] + z * hPrev[pb + j];
        }
    }

    /**
     * Elman RNN step for units {@code [j0, j1)}: {@code h = φ(gi + gh)}.
     *
     * @param relu relu instead of tanh
     * @param gi   {@code W_ih x + biases}, {@code [H]} from {@code g0}; overwritten
     * @param gh   {@code W_hh h}, {@code [H]} from {@code g0}
     * @param g0   index of unit 0
     * @param j0   first unit
     * @param j1   end of the units
     * @param hOut the new hidden state, {@code [H]} from {@code h0}
     * @param h0   index of unit 0 in {@code hOut}
     */
    public static void rnn(boolean relu, float[] gi, float[] gh, int g0, int j0, int j1, float[] hOut, int h0) {
        final int n = j1 - j0;
        final int ob = g0 + j0;
        if (relu) {
            final int nv = FloatLanes.bound(n);
            final FloatVector zero = FloatVector.zero(S);
            for (int j = 0; j < nv; j += L) {
                FloatVector.fromArray(S, gi, ob + j).add(FloatVector.fromArray(S, gh, ob + j)).max(zero)
                        .intoArray(gi, ob + j);
            }
            for (int j = nv; j < n; j++) {
                gi[ob + j] = Math.max(gi[ob + j] + gh[ob + j], 0);
            }
        } else {
            FloatLanes.tanhPlus(gi, ob, gh, ob, n);
        }
        System.arraycopy(gi, ob, hOut, h0 + j0, n);
    }
}
