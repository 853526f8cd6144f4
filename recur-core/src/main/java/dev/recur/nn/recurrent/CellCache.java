package dev.recur.nn.recurrent;

import dev.recur.tensor.Kernels;
import dev.recur.tensor.PackedMatrix;

/**
 * What one layer-direction keeps from its forward pass for BPTT, plus the small workspaces its
 * backward pass reuses at every step. Allocated once per sequence; nothing is allocated per step.
 *
 * <p>States live in {@code T+1} slots. The forward direction starts from slot 0 and writes step
 * {@code t} to slot {@code t+1}; the reverse direction starts from slot {@code T} and writes step
 * {@code t} to slot {@code t}. Either way the previous states of all steps are {@code T}
 * consecutive slots, which lets BPTT form {@code dW_hh} in one matrix product.
 *
 * <p>Not thread-safe: the working memory of one direction of one pass, used by one caller at a
 * time.
 *
 * @param <A> the array type
 */
public final class CellCache<A> {

    /** The kernels every step computes with. */
    public final Kernels<A> kernels;
    /** Splits a vectorised step's per-row work over the kernels' threads. */
    final RowSplit<A> rowSplit = new RowSplit<>();
    /** Time steps {@code T}. */
    public final int steps;
    /** Batch size {@code B}. */
    public final int batch;
    /** Hidden size {@code H}. */
    public final int hidden;
    /** Output (state) size {@code Hout}. */
    public final int hiddenOut;
    /** Gate blocks {@code G}. */
    public final int gates;

    /**
     * {@code [T, B, G*H]}: before step t, row t holds the input projection {@code W_ih x_t + b_ih}
     * (plus {@code b_hh} for a cell that {@linkplain Cell#foldsHiddenBias() folds it});
     * the step replaces it by the gate activations (post-nonlinearity) that backward needs.
     */
    public final A gateValues;
    /** {@code [T+1, B, Hout]}: the hidden state {@code h} in slots (see the class comment). */
    public final A states;
    /**
     * {@code [T+1, B, H]}: per slot, the LSTM's cell state {@code c}, or the GRU's
     * {@code W_hn h_{t-1} + b_hn}; empty for the Elman RNN.
     */
    public final A cells;
    /**
     * {@code [B, G*H]}: per-step scratch of the forward pass for the recurrent product
     * {@code h_{t-1} W_hhᵀ} (the GRU's with {@code + b_hh}). A small buffer that stays in cache, so
     * the product's output is written there rather than into the large {@link #gateValues}.
     */
    public final A work;
    /** {@code [B, H]}: the LSTM's {@code m_t = o ⊙ tanh(c_t)} before its projection; empty otherwise. */
    public final A projectionInput;

    /** {@code W_hhᵀ} ({@code [Hout, G*H]}) packed for the forward steps' {@code h_{t-1} W_hhᵀ}. */
    public PackedMatrix<A> recurrentT;
    /** {@code W_hrᵀ} ({@code [H, P]}) packed for the forward steps' projection, or null. */
    public PackedMatrix<A> projectionT;
    /** {@code W_hh} ({@code [G*H, Hout]}) packed for the backward steps' {@code da W_hh}. */
    public PackedMatrix<A> recurrent;
    /** {@code W_hr} ({@code [P, H]}) packed for the backward steps' {@code dh W_hr}, or null. */
    public PackedMatrix<A> projection;

    /**
     * {@code [T, B, G*H]}: gradient of the loss with respect to the gate pre-activations (input
     * side). The same array as {@link #gateValues}: the backward step of {@code t} reads the gate
     * values of {@code t} and then overwrites them with their gradients, so BPTT needs no second
     * {@code [T, B, G*H]} buffer, and a cache can be back-propagated once.
     */
    public A gateGrads;
    /** {@code [T, B, G*H]}: the same for the recurrent side; the same array as {@link #gateGrads} except for the GRU. */
    public A hiddenGateGrads;
    /** {@code [B, Hout]}: the running gradient {@code dL/dh} of the step being undone (carry). */
    public A dh;
    /**
     * {@code [B, Hout]}: where a backward step writes {@code dL/dh_{t-1}}; swapped with {@link #dh}
     * after each step (where each thread takes its rows through every step, the threads alternate
     * their rows of the two themselves, and the runner swaps these two once after an odd count).
     */
    public A dhPrev;
    /** {@code [B, H]}: the running gradient {@code dL/dc} (LSTM only), updated in place. */
    public A dc;
    /**
     * {@code [3, B, H]}: per-step scratch of the LSTM's backward pass (empty for the other cells):
     * the projection's {@code m_t} and {@code dm}, then {@code tanh(c_t)}, each region indexed by row,
     * so that threads at different steps touch only their own rows.
     */
    public A backWork;

    /**
     * Allocates the forward buffers.
     *
     * @param k      kernels used to allocate
     * @param kind   the cell kind
     * @param steps  {@code T}
     * @param batch  {@code B}
     * @param hidden {@code H}
     * @param hiddenOut {@code Hout}
     */
    public CellCache(Kernels<A> k, CellKind kind, int steps, int batch, int hidden, int hiddenOut) {
        this.kernels = k;
        this.steps = steps;
        this.batch = batch;
        this.hidden = hidden;
        this.hiddenOut = hiddenOut;
        this.gates = kind.gates();
        this.gateValues = k.alloc(steps * batch * gates * hidden);
        this.states = k.alloc((steps + 1) * batch * hiddenOut);
        this.cells = k.alloc(kind == CellKind.LSTM || kind == CellKind.GRU ? (steps + 1) * batch * hidden : 0);
        this.work = k.alloc(batch * gates * hidden);
        this.projectionInput = k.alloc(kind == CellKind.LSTM && hiddenOut != hidden ? batch * hidden : 0);
    }

    /** Packs the weights the forward steps multiply by; call before the first step. */
    public void prepareForward(CellParams<A> p) {
        recurrentT = kernels.pack(true, hiddenOut, gates * hidden, p.weightHh().value(), 0, hiddenOut, recurrentT);
        if (p.weightHr() != null) {
            projectionT = kernels.pack(true, hidden, hiddenOut, p.weightHr().value(), 0, hidden, projectionT);
        }
    }

    /**
     * Allocates the backward buffers (once), zeroes the carries and packs the weights the backward
     * steps multiply by.
     */
    public void prepareBackward(CellParams<A> p, CellKind kind) {
        Kernels<A> k = kernels;
        recurrent = k.pack(false, gates * hidden, hiddenOut, p.weightHh().value(), 0, hiddenOut, recurrent);
        if (p.weightHr() != null) {
            projection = k.pack(false, hiddenOut, hidden, p.weightHr().value(), 0, hidden, projection);
        }
        if (gateGrads == null) {
            // each step's gate gradients overwrite its gate values, which nothing needs after that step
            gateGrads = gateValues;
            hiddenGateGrads = kind == CellKind.GRU ? k.alloc(steps * batch * gates * hidden) : gateGrads;
            dh = k.alloc(batch * hiddenOut);
            dhPrev = k.alloc(batch * hiddenOut);
            dc = k.alloc(kind.hasCellState() ? batch * hidden : 0);
            backWork = k.alloc(kind == CellKind.LSTM ? 3 * batch * hidden : 0);
        } else {
            k.zero(dh, 0, batch * hiddenOut);
            k.zero(dc, 0, k.length(dc));
        }
    }

    /**
     * How many contiguous ranges of rows the per-row work of a step is cut into on the kernels'
     * thread team: one per thread, at most one per group of {@code DoubleVectorKernels.ROW_ALIGN}
     * rows; each starts at a multiple of it, so that a row is computed the same way in whichever
     * range it falls.
     */
    public int rowRanges() {
        return RowSplit.ranges(kernels.parallel(), batch);
    }

    /**
     * The kernels for the products of rows {@code [b0, b1)} of a step. A range that is the whole
     * batch runs alone on the calling thread (a batch of one group of rows, at most
     * {@code DoubleVectorKernels.ROW_ALIGN}, e.g. one sequence when serving; or one thread), so its
     * products may use the whole team, split by columns, which sums each element in the same order;
     * ranges that run side by side on the team use this thread's serial kernels.
     */
    Kernels<A> rowKernels(int b0, int b1) {
        return b0 == 0 && b1 == batch ? kernels : kernels.serial();
    }

    /** The first row of range {@code r} of {@code ranges} (from {@link #rowRanges()}); the batch size for {@code r == ranges}. */
    public int rowStart(int ranges, int r) {
        return RowSplit.start(batch, ranges, r);
    }

    /** Makes the {@code dL/dh_{t-1}} just written the carry for the next (earlier) step. */
    public void swapHiddenGrads() {
        A t = dh;
        dh = dhPrev;
        dhPrev = t;
    }

    /** Offset of slot {@code s} in {@link #states}. */
    public int stateOffset(int slot) {
        return slot * batch * hiddenOut;
    }

    /** Offset of slot {@code s} in {@link #cells}. */
    public int cellOffset(int slot) {
        return slot * batch * hidden;
    }

    /** Offset of step {@code t} in {@link #gateValues} and the gate gradients. */
    public int gateOffset(int t) {
        return t * batch * gates * hidden;
    }
}
