/**
 * Recurrent cells: one time step of an LSTM, GRU or Elman RNN, forward and backward.
 *
 * <p>A {@link dev.recur.nn.recurrent.Cell} advances a whole batch by one step; time, stacking,
 * direction and variable lengths live in {@link dev.recur.nn.sequence.SequenceLayer}. Parameters are
 * laid out exactly as PyTorch's {@code nn.LSTM}, {@code nn.GRU} and {@code nn.RNN}, so weights move
 * between the two without reshaping. The gate order of each cell is defined once, by
 * {@link dev.recur.nn.recurrent.LstmGate} and {@link dev.recur.nn.recurrent.GruGate}.
 *
 * <p>The cell arithmetic is written once, in float64 ({@code DoubleLstmCell}, {@code DoubleGruCell},
 * {@code DoubleElmanCell}); the float32 twins are generated from that source at build time.
 * Shapes follow the legend in {@link dev.recur}.
 */
package dev.recur.nn.recurrent;
