package dev.recur.nn.sequence;

import dev.recur.tensor.Kernels;

/**
 * Recurrent state of every layer and direction, or its gradient.
 *
 * <p>Immutable once built, but it keeps the arrays it is given: do not change them while it is
 * shared between threads.
 *
 * @param h {@code [L*D, B, Hout]}, layer-major and direction-minor (l0-fwd, l0-rev, l1-fwd, …)
 * @param c {@code [L*D, B, H]} cell state of an LSTM; null for the GRU and the Elman RNN
 * @param <A> the array type
 */
public record State<A>(A h, A c) {

    /**
     * A state with copies of both arrays, e.g. to keep a final state that lives in a workspace the
     * next forward pass overwrites.
     *
     * @param k kernels of the array type
     * @return the copy (null components stay null)
     */
    public State<A> copy(Kernels<A> k) {
        A hc = null;
        A cc = null;
        if (h != null) {
            hc = k.alloc(k.length(h));
            k.copy(h, 0, hc, 0, k.length(hc));
        }
        if (c != null) {
            cc = k.alloc(k.length(c));
            k.copy(c, 0, cc, 0, k.length(cc));
        }
        return new State<>(hc, cc);
    }
}
