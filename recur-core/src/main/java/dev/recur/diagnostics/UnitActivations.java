package dev.recur.diagnostics;

import java.util.List;

/**
 * What every unit of a character model's recurrent layers did over one text: for each layer and
 * each signal (the LSTM's cell state and gates, the GRU's gates, the hidden state), one value per
 * unit and character. Produced by {@link ActivationRecorder}.
 *
 * <p>Immutable once built, but it keeps the list and the arrays it is given: do not change them
 * while it is shared between threads.
 *
 * @param steps   {@code T}: characters of the text
 * @param layers  {@code L}: recurrent layers
 * @param hidden  {@code H}: units per layer
 * @param signals every recorded signal, layer by layer in {@link Signal} order
 */
public record UnitActivations(int steps, int layers, int hidden, List<Trace> signals) {

    /**
     * A quantity each unit of a layer has at each step.
     *
     * <p>{@link #lowerBound()} and {@link #upperBound()} are the range the values can take: gates
     * lie in (0, 1), the hidden state, {@code tanh(c)} and the candidates in (−1, 1).
     */
    public enum Signal {
        /** The LSTM's memory {@code tanh(c_t)} (the cell state squashed as the output gate sees it). */
        CELL("cell tanh(c)", -1, 1),
        /** The hidden state {@code h_t} (the layer's output) of the LSTM, the GRU and the tanh RNN. */
        HIDDEN("hidden h", -1, 1),
        /** The hidden state {@code h_t = relu(a)} of the relu RNN: 0 or more, without upper bound. */
        RELU_HIDDEN("hidden h (relu)", 0, Double.POSITIVE_INFINITY),
        /** The LSTM's input gate {@code i_t}. */
        INPUT_GATE("input gate i", 0, 1),
        /** The LSTM's forget gate {@code f_t}. */
        FORGET_GATE("forget gate f", 0, 1),
        /** The LSTM's output gate {@code o_t}. */
        OUTPUT_GATE("output gate o", 0, 1),
        /** The LSTM's candidate {@code c~_t = g_t}. */
        CANDIDATE("candidate c~", -1, 1),
        /** The GRU's reset gate {@code r_t}. */
        RESET_GATE("reset gate r", 0, 1),
        /** The GRU's update gate {@code z_t}. */
        UPDATE_GATE("update gate z", 0, 1),
        /** The GRU's candidate state {@code n_t}. */
        NEW_STATE("candidate n", -1, 1);

        private final String label;
        private final double lowerBound;
        private final double upperBound;

        Signal(String label, double lowerBound, double upperBound) {
            this.label = label;
            this.lowerBound = lowerBound;
            this.upperBound = upperBound;
        }

        /** A short human-readable name, e.g. {@code "forget gate f"}. */
        public String label() {
            return label;
        }

        /** The smallest value the signal can take. */
        public double lowerBound() {
            return lowerBound;
        }

        /** The largest value the signal can take (infinite for the relu RNN's state). */
        public double upperBound() {
            return upperBound;
        }
    }

    /**
     * One signal of one layer.
     *
     * @param layer      the layer, from 0
     * @param signal     what was recorded
     * @param values     {@code [H, T]}: unit-major, so that one unit's trace over the text is
     *                   contiguous ({@code values[j*T + t]})
     * @param lowerBound the low end of the range to display the values in: the signal's own bound
     * @param upperBound the high end: the signal's own bound, or for an unbounded signal the largest
     *                   value recorded in this layer (1 if none is above 0)
     */
    public record Trace(int layer, Signal signal, float[] values, double lowerBound, double upperBound) {

        /** A trace displayed in the signal's own range, or up to its largest value if unbounded. */
        public static Trace of(int layer, Signal signal, float[] values) {
            double hi = signal.upperBound();
            if (Double.isInfinite(hi)) {
                hi = 0;
                for (float v : values) {
                    if (v > hi) {
                        hi = v;
                    }
                }
                hi = hi > 0 ? hi : 1;
            }
            return new Trace(layer, signal, values, signal.lowerBound(), hi);
        }

        /** The value of unit {@code j} at step {@code t}, given {@code T}. */
        public float value(int j, int t, int steps) {
            return values[j * steps + t];
        }
    }

    /** The trace of {@code signal} in {@code layer}, or null if the cell has no such signal. */
    public Trace trace(int layer, Signal signal) {
        for (Trace s : signals) {
            if (s.layer() == layer && s.signal() == signal) {
                return s;
            }
        }
        return null;
    }
}
