package dev.recur.nn.recurrent;

/**
 * One time step of a recurrent cell for a whole batch, forward and backward.
 *
 * <p>The sequence runner computes the input projection of every step beforehand (one large matrix
 * product) and the weight gradients afterwards; a cell does only what must happen step by step: the
 * recurrent product, the gate nonlinearities and the state update, and their derivatives.
 *
 * <p>Rows {@code b} with {@code active[b] == false} (a sequence that has ended, or not yet started
 * in the reverse direction) pass their state through unchanged, get zero gate values, and pass
 * their gradient through unchanged.
 *
 * <p>The cells of recur are stateless singletons, thread-safe: everything a pass writes is in its
 * {@link CellCache}.
 *
 * @param <A> the array type
 */
public interface Cell<A> {

    /** The kind of cell. */
    CellKind kind();

    /**
     * Whether this cell expects {@code b_hh} already in the input projection: when true the sequence
     * runner fills {@code cache.gateValues} with {@code W_ih x_t + (b_ih + b_hh)} and the step adds
     * only {@code h_{t-1} W_hhᵀ} (one pass fewer per step); when false ({@code W_ih x_t + b_ih}) the
     * step adds {@code b_hh} itself. The vectorised LSTM and Elman cells fold; the GRU, whose reset
     * gate scales {@code W_hn h + b_hn}, and the plain reference cells do not.
     */
    default boolean foldsHiddenBias() {
        return false;
    }

    /**
     * Forward step {@code t}: reads the input projection in {@code cache.gateValues} row block
     * {@code t} (see {@link #foldsHiddenBias()}) and the state in slot {@code prev}; writes gate
     * activations over that row block and the new state (and cell state) into slot {@code cur}.
     */
    void forward(CellParams<A> p, CellCache<A> cache, int t, int prev, int cur, boolean[] active);

    /**
     * Whether {@link #forwardRange} and {@link #backwardRange} may be used with parameters {@code p}:
     * true where a step, forward and backward, computes each row (sequence) on its own, with nothing
     * that needs the step's other rows at the same time, so that the sequence runner may take one
     * range of rows through every step on one thread while other threads take the other ranges,
     * without meeting at each step. The ranges then run out of step with one another: a range's
     * step may write only its own rows (scratch included) and must add nothing into a weight
     * gradient.
     */
    default boolean runsRowRanges(CellParams<A> p) {
        return false;
    }

    /**
     * {@link #forward} for rows {@code [b0, b1)} only, on the calling thread (a range that is the
     * whole batch may split its products over the team: {@code CellCache.rowKernels}); {@code b0} is
     * a range start from {@link CellCache#rowStart}. Defined only where {@link #runsRowRanges} is true.
     */
    default void forwardRange(CellParams<A> p, CellCache<A> cache, int t, int prev, int cur, boolean[] active,
                              int b0, int b1) {
        throw new UnsupportedOperationException("the " + kind() + " cell " + getClass().getSimpleName()
                + " has no forward step over a range of rows");
    }

    /**
     * {@link #backward} for rows {@code [b0, b1)} only, on the calling thread (as
     * {@link #forwardRange}), with the carry read from {@code dh} and {@code dL/dh_{t-1}} written
     * into {@code dhPrev} (instead of {@code cache.dh} and {@code cache.dhPrev}), so that each range
     * alternates the two buffers on its own; {@code b0} is a range start from
     * {@link CellCache#rowStart}. Defined only where {@link #runsRowRanges} is true.
     */
    default void backwardRange(CellParams<A> p, CellCache<A> cache, int t, int prev, int cur, boolean[] active,
                               int b0, int b1, A dh, A dhPrev) {
        throw new UnsupportedOperationException("the " + kind() + " cell " + getClass().getSimpleName()
                + " has no backward step over a range of rows");
    }

    /**
     * Backward step {@code t}, undoing {@link #forward}: reads the carry {@code cache.dh} (which
     * already includes the upstream gradient of this step's output) and {@code cache.dc}; writes the
     * gate pre-activation gradients of step {@code t} into {@code cache.gateGrads} and
     * {@code cache.hiddenGateGrads}, {@code dL/dh_{t-1}} into {@code cache.dhPrev}, replaces
     * {@code cache.dc} by {@code dL/dc_{t-1}}, and adds into the gradient of {@code weight_hr}.
     * The caller then calls {@link CellCache#swapHiddenGrads()}.
     */
    void backward(CellParams<A> p, CellCache<A> cache, int t, int prev, int cur, boolean[] active);

    /**
     * The cell for {@code kind} in the precision of {@code precision}: the vectorised cell when the
     * precision's kernels are vectorised, else the plain reference cell.
     *
     * @param <A> the array type
     */
    @SuppressWarnings("unchecked")
    static <A> Cell<A> of(CellKind kind, dev.recur.tensor.Precision<A> precision) {
        boolean f64 = precision.isDouble();
        boolean vec = precision.kernels().vectorized();
        Object cell = switch (kind) {
            case LSTM -> vec ? (f64 ? DoubleVectorLstmCell.INSTANCE : FloatVectorLstmCell.INSTANCE)
                    : (f64 ? DoubleLstmCell.INSTANCE : FloatLstmCell.INSTANCE);
            case GRU -> vec ? (f64 ? DoubleVectorGruCell.INSTANCE : FloatVectorGruCell.INSTANCE)
                    : (f64 ? DoubleGruCell.INSTANCE : FloatGruCell.INSTANCE);
            case RNN_TANH -> vec ? (f64 ? DoubleVectorElmanCell.TANH : FloatVectorElmanCell.TANH)
                    : (f64 ? DoubleElmanCell.TANH : FloatElmanCell.TANH);
            case RNN_RELU -> vec ? (f64 ? DoubleVectorElmanCell.RELU : FloatVectorElmanCell.RELU)
                    : (f64 ? DoubleElmanCell.RELU : FloatElmanCell.RELU);
        };
        return (Cell<A>) cell;
    }
}
