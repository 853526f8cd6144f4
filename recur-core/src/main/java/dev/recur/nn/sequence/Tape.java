package dev.recur.nn.sequence;

import dev.recur.nn.recurrent.CellCache;

/**
 * Everything a forward pass keeps for its backward pass: each layer's input, each layer-direction's
 * {@link CellCache}, the dropout masks and the active-step masks. Opaque to users; pass it back to
 * {@link SequenceLayer#backward}, once: back-propagation overwrites the gate values with their
 * gradients (as PyTorch frees its graph), so a tape serves one backward pass. The layer-0 input array is referenced, not copied: do not modify
 * it before calling backward.
 *
 * <p>Not thread-safe: it serves one backward pass, on one thread.
 *
 * @param <A> the array type
 */
public final class Tape<A> {
    final int steps;
    final int batch;
    /** {@code [T][B]}: whether step t of sequence b exists. */
    final boolean[][] active;
    /** Per layer: its input {@code [T, B, In]} (after dropout). */
    final Object[] inputs;
    /** Per layer: the dropout mask {@code [T, B, In]} applied to its input, or null. */
    final Object[] dropoutMasks;
    /** {@code [L][D]}. */
    final CellCache<A>[][] caches;
    /** Per layer, the reusable buffer for the gradient of its output, null until made and for the top layer (see Workspace). */
    final Object[] outputGrads;
    /** Whether backward has run: it overwrites the gate values with their gradients. */
    boolean consumed;

    Tape(int steps, int batch, boolean[][] active, Object[] inputs, Object[] dropoutMasks, CellCache<A>[][] caches,
         Object[] outputGrads) {
        this.steps = steps;
        this.batch = batch;
        this.active = active;
        this.inputs = inputs;
        this.dropoutMasks = dropoutMasks;
        this.caches = caches;
        this.outputGrads = outputGrads;
    }

    /** {@code T}. */
    public int steps() {
        return steps;
    }

    /** {@code B}. */
    public int batch() {
        return batch;
    }

    /** The cache of layer {@code l}, direction {@code d} (0 forward, 1 reverse): gate values and states for inspection. */
    public CellCache<A> cache(int layer, int direction) {
        return caches[layer][direction];
    }

    @SuppressWarnings("unchecked")
    A input(int layer) {
        return (A) inputs[layer];
    }

    @SuppressWarnings("unchecked")
    A dropoutMask(int layer) {
        return (A) dropoutMasks[layer];
    }
}
