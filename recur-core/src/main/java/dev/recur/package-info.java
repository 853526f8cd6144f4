/**
 * recur: recurrent neural networks (LSTM, GRU, Elman RNN) with hand-written back-propagation
 * through time.
 *
 * <h2>Shape legend</h2>
 * Every shape in recur's Javadoc and comments uses these letters:
 * <ul>
 *   <li>{@code B} batch size</li>
 *   <li>{@code T} time steps (sequence length)</li>
 *   <li>{@code I} input width of the first layer; {@code In} the input width of the layer at hand
 *       ({@code I} for layer 0, {@code D*Hout} above it)</li>
 *   <li>{@code H} hidden size (cell width)</li>
 *   <li>{@code P} projection size of an LSTM ({@code 0} = none); {@code Hout} = {@code P} if
 *       {@code P > 0}, else {@code H}</li>
 *   <li>{@code G} gates per cell: 4 (LSTM), 3 (GRU), 1 (Elman RNN)</li>
 *   <li>{@code L} layers, {@code D} directions (2 if bidirectional, else 1)</li>
 *   <li>{@code V} vocabulary size, {@code E} embedding width</li>
 * </ul>
 * Tensors are flat row-major (C order) arrays; {@code [T, B, I]} means element {@code (t, b, i)}
 * is at index {@code (t*B + b)*I + i}. Sequences are time-major, as in PyTorch with
 * {@code batch_first=false}.
 */
package dev.recur;
