package dev.recur.nn.recurrent;

/**
 * The kinds of recurrent cell, with the number of gate blocks {@code G} each stacks into its
 * weight matrices ({@code weight_ih} is {@code [G*H, In]}).
 *
 * <p>Immutable and thread-safe.
 */
public enum CellKind {
    /** Long short-term memory: gates i, f, g, o ({@link LstmGate}); a cell state beside the hidden state. */
    LSTM(4, "lstm"),
    /** Gated recurrent unit in PyTorch's form: gates r, z, n ({@link GruGate}). */
    GRU(3, "gru"),
    /** Elman RNN, {@code h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)}. */
    RNN_TANH(1, "rnn_tanh"),
    /** Elman RNN with relu instead of tanh. */
    RNN_RELU(1, "rnn_relu");

    private final int gates;
    private final String id;

    CellKind(int gates, String id) {
        this.gates = gates;
        this.id = id;
    }

    /** {@code G}: the number of gate blocks of {@code H} rows in the weight matrices. */
    public int gates() {
        return gates;
    }

    /** Whether the cell carries a cell state {@code c} beside {@code h} (LSTM only). */
    public boolean hasCellState() {
        return this == LSTM;
    }

    /** The lower-case name used in files and on the command line: lstm, gru, rnn_tanh, rnn_relu. */
    public String id() {
        return id;
    }

    /**
     * The kind with the given {@link #id()}; also accepts {@code rnn} for {@code rnn_tanh}.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static CellKind fromId(String id) {
        for (CellKind k : values()) {
            if (k.id.equals(id)) {
                return k;
            }
        }
        if ("rnn".equals(id)) {
            return RNN_TANH;
        }
        throw new IllegalArgumentException("unknown cell kind '" + id
                + "': expected one of lstm, gru, rnn (= rnn_tanh), rnn_relu");
    }
}
