/**
 * The sequence runner: unrolls a {@link dev.recur.nn.recurrent.Cell} over time, stacks layers, runs
 * both directions, handles per-sequence lengths and inter-layer dropout, and back-propagates
 * through all of it (BPTT). {@link dev.recur.nn.sequence.SequenceLayer} is the entry point, the
 * equivalent of PyTorch's {@code nn.LSTM} / {@code nn.GRU} / {@code nn.RNN}. Shapes follow the
 * legend in {@link dev.recur}.
 */
package dev.recur.nn.sequence;
