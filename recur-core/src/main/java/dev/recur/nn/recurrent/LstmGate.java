package dev.recur.nn.recurrent;

/**
 * The LSTM's gate blocks, in PyTorch's row order {@code i, f, g, o}. This enum is the one place the
 * order is defined: block {@code k} occupies rows {@code [k*H, (k+1)*H)} of {@code weight_ih},
 * {@code weight_hh}, {@code bias_ih} and {@code bias_hh}.
 *
 * <pre>
 * a   = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh
 * i   = σ(a_i)   f = σ(a_f)   g = tanh(a_g)   o = σ(a_o)
 * c_t = f ⊙ c_{t-1} + i ⊙ g
 * h_t = o ⊙ tanh(c_t)            (then h_t = W_hr h_t with a projection)
 * </pre>
 *
 * <p>Immutable and thread-safe.
 */
public enum LstmGate {
    /** Input gate {@code i = σ(a_i)}: how much of the candidate enters the cell. */
    INPUT,
    /** Forget gate {@code f = σ(a_f)}: how much of the old cell state is kept. */
    FORGET,
    /** Cell candidate {@code g = c~ = tanh(a_g)}. */
    CELL,
    /** Output gate {@code o = σ(a_o)}: how much of {@code tanh(c)} is shown as {@code h}. */
    OUTPUT;

    /** First row of this gate's block when each block has {@code hidden} rows. */
    public int offset(int hidden) {
        return ordinal() * hidden;
    }
}
