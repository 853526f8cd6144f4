package dev.recur.diagnostics;

import dev.recur.nn.recurrent.CellKind;
import java.util.List;

/**
 * What the gates of a cell do along a batch of sequences: one {@link GateTrace} per gate, in the
 * order input, forget, output (LSTM) or reset, update (GRU); none for the Elman RNN.
 *
 * <p>Immutable once built (the list is copied); the traces keep their arrays uncopied: do not
 * change them while it is shared between threads.
 *
 * @param cell       the cell kind
 * @param steps      {@code T}
 * @param hiddenSize {@code H}
 * @param thresholds the saturation thresholds used
 * @param gates      the traces
 */
public record GateStatistics(CellKind cell, int steps, int hiddenSize, SaturationThresholds thresholds,
                             List<GateTrace> gates) {

    /** Copies the list. */
    public GateStatistics {
        gates = List.copyOf(gates);
    }
}
