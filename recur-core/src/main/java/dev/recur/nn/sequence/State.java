package dev.recur.nn.sequence;

/**
 * Recurrent state of every layer and direction, or its gradient.
 *
 * @param h {@code [L*D, B, Hout]}, layer-major and direction-minor (l0-fwd, l0-rev, l1-fwd, …)
 * @param c {@code [L*D, B, H]} cell state of an LSTM; null for the GRU and the Elman RNN
 * @param <A> the array type
 */
public record State<A>(A h, A c) {
}
