package dev.recur.nn.recurrent;

/**
 * {@link QuantizedVectorCells} as plain scalar loops of the same formulas on {@link Math#exp} and
 * {@link Math#tanh}: the reference the vector methods are tested against, and the path of
 * {@code QuantizedStack} without the Vector API (this class uses no vector type, so it loads
 * without the module). Arguments, what is overwritten and the gate layout are those of
 * {@link QuantizedVectorCells}. Stateless.
 */
public final class QuantizedCells {

    private QuantizedCells() {
    }

    /** {@link QuantizedVectorCells#lstm} as a plain scalar loop. */
    public static void lstm(float[] gi, float[] gh, int g0, int nh, int j0, int j1, float[] c, int c0,
                            float[] hOut, int h0) {
        final int oi = g0 + LstmGate.INPUT.offset(nh);
        final int of = g0 + LstmGate.FORGET.offset(nh);
        final int og = g0 + LstmGate.CELL.offset(nh);
        final int oo = g0 + LstmGate.OUTPUT.offset(nh);
        for (int j = j0; j < j1; j++) {
            float i = sigmoid(gi[oi + j] + gh[oi + j]);
            float f = sigmoid(gi[of + j] + gh[of + j]);
            float g = (float) Math.tanh(gi[og + j] + gh[og + j]);
            float o = sigmoid(gi[oo + j] + gh[oo + j]);
            gi[oi + j] = i;
            gi[of + j] = f;
            gi[og + j] = g;
            gi[oo + j] = o;
            c[c0 + j] = f * c[c0 + j] + i * g;
            hOut[h0 + j] = o * (float) Math.tanh(c[c0 + j]);
        }
    }

    /** {@link QuantizedVectorCells#gru} as a plain scalar loop. */
    public static void gru(float[] gi, float[] gh, int g0, int nh, int j0, int j1, float[] hPrev, int p0,
                           float[] hOut, int h0) {
        final int or = g0 + GruGate.RESET.offset(nh);
        final int oz = g0 + GruGate.UPDATE.offset(nh);
        final int on = g0 + GruGate.NEW.offset(nh);
        for (int j = j0; j < j1; j++) {
            float r = sigmoid(gi[or + j] + gh[or + j]);
            float z = sigmoid(gi[oz + j] + gh[oz + j]);
            gh[on + j] = r * gh[on + j];
            float nn = (float) Math.tanh(gi[on + j] + gh[on + j]);
            gi[or + j] = r;
            gi[oz + j] = z;
            gi[on + j] = nn;
            hOut[h0 + j] = (1 - z) * nn + z * hPrev[p0 + j];
        }
    }

    /** {@link QuantizedVectorCells#rnn} as a plain scalar loop. */
    public static void rnn(boolean relu, float[] gi, float[] gh, int g0, int j0, int j1, float[] hOut,
                           int h0) {
        for (int j = j0; j < j1; j++) {
            float a = gi[g0 + j] + gh[g0 + j];
            gi[g0 + j] = relu ? Math.max(a, 0) : (float) Math.tanh(a);
            hOut[h0 + j] = gi[g0 + j];
        }
    }

    private static float sigmoid(float a) {
        return (float) (1 / (1 + Math.exp(-a)));
    }
}
