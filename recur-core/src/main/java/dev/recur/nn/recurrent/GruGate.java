package dev.recur.nn.recurrent;

/**
 * The GRU's gate blocks, in PyTorch's row order {@code r, z, n}. This enum is the one place the
 * order is defined: block {@code k} occupies rows {@code [k*H, (k+1)*H)} of the weights and biases.
 *
 * <pre>
 * gi = W_ih x_t + b_ih          gh = W_hh h_{t-1} + b_hh
 * r  = σ(gi_r + gh_r)           z = σ(gi_z + gh_z)
 * n  = tanh(gi_n + r ⊙ gh_n)    (the reset gate scales W_hn h + b_hn, bias included)
 * h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}
 * </pre>
 * The update gate {@code z} merges the LSTM's input and forget gates: it keeps {@code z} of the old
 * state and lets in {@code 1 − z} of the new.
 *
 * <p>Immutable and thread-safe.
 */
public enum GruGate {
    /** Reset gate {@code r}. */
    RESET,
    /** Update gate {@code z}. */
    UPDATE,
    /** Candidate state {@code n}. */
    NEW;

    /** First row of this gate's block when each block has {@code hidden} rows. */
    public int offset(int hidden) {
        return ordinal() * hidden;
    }
}
