package dev.recur.nn.sequence;

import dev.recur.nn.recurrent.CellCache;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.tensor.Kernels;
import dev.recur.tensor.PackedMatrix;

/**
 * Reusable buffers for {@link SequenceLayer#forward(dev.recur.nn.Activations, State, boolean, Workspace)} and
 * the backward pass of its tape: every layer-direction's {@link CellCache}, the layer outputs, the
 * final states, the packed input weights, and for backward the gradients of the outputs of all
 * layers but the top. A training loop that passes the same workspace to every step allocates its
 * activations once instead of at every step.
 *
 * <p>A forward pass through a workspace overwrites what the previous one left there: its
 * {@link Tape} and its output arrays are valid only until the next forward pass through the same
 * workspace. Buffers are reallocated when {@code T} or {@code B} change.
 *
 * <p>Not thread-safe: a workspace serves one forward/backward at a time; give each thread its own.
 *
 * @param <A> the array type
 */
public final class Workspace<A> {

    final boolean frozenWeights;
    int steps = -1;
    int batch = -1;
    CellCache<A>[][] caches;
    Object[] outputs;
    A finalH;
    A finalC;
    PackedMatrix<A>[][] inputWeights;
    /** Per layer and direction, the bias of the input projection {@code [G*H]} (see Cell#foldsHiddenBias), or null. */
    Object[][] inputBias;
    /**
     * Per layer, the gradient of its output {@code [T, B, D*Hout]} (the input gradient of the layer
     * above), made by the first backward pass that needs it and reused by the next ones; sized with
     * the caches. The top layer's entry stays null (its output gradient is the caller's).
     */
    Object[] outputGrads;
    boolean packed;

    Workspace(boolean frozenWeights) {
        this.frozenWeights = frozenWeights;
    }

    /** Sizes the buffers for {@code T} steps and {@code B} sequences; reports whether they are new. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    boolean ensure(RecurrentConfig config, Kernels<A> k, int nt, int nb) {
        int nl = config.numLayers();
        int nd = config.directions();
        if (inputWeights == null) {
            inputWeights = new PackedMatrix[nl][nd];
            inputBias = new Object[nl][nd];
        }
        if (nt == steps && nb == batch) {
            return false;
        }
        steps = nt;
        batch = nb;
        CellKind kind = config.cell();
        caches = new CellCache[nl][nd];
        outputs = new Object[nl];
        outputGrads = new Object[nl];
        for (int l = 0; l < nl; l++) {
            outputs[l] = k.alloc(nt * nb * nd * config.outputSize());
            for (int d = 0; d < nd; d++) {
                caches[l][d] = new CellCache<>(k, kind, nt, nb, config.hiddenSize(), config.outputSize());
            }
        }
        finalH = k.alloc(nl * nd * nb * config.outputSize());
        finalC = kind.hasCellState() ? k.alloc(nl * nd * nb * config.hiddenSize()) : null;
        return true;
    }
}
