/**
 * Gradient-flow and gate diagnostics of recurrent models: how strongly the loss at the end of a
 * sequence reaches back to each earlier step, and what the gates do along the way.
 *
 * <p>{@link dev.recur.diagnostics.Diagnostics} is the entry point. Given any
 * {@link dev.recur.model.Model} whose recurrent stack is one unidirectional layer, its loss and a
 * batch, it returns plain data:
 * {@link dev.recur.diagnostics.StateGradients} (the exact gradients {@code dL/dh_t},
 * {@code dL/dc_t} and {@code dL/dx_t} of every step, recovered from one backward pass of the core's
 * BPTT), {@link dev.recur.diagnostics.GradientFlowReport} (their norms per step and the ratios
 * between the first and the last step) and {@link dev.recur.diagnostics.GateStatistics} (gate means
 * and saturation per step and unit). Nothing here prints or draws; the command line renders the
 * numbers as CSV and charts.
 *
 * <p>For a trained model (the character model of {@code recur inspect}),
 * {@link dev.recur.diagnostics.ActivationRecorder} records what every unit of every recurrent layer
 * does over a text ({@link dev.recur.diagnostics.UnitActivations}: the
 * LSTM's cell state and gates, the GRU's gates, the hidden state), and
 * {@link dev.recur.diagnostics.UnitCorrelations} finds the units that follow simple
 * {@link dev.recur.diagnostics.TextFeatures} of the text (inside quotes, position in the line);
 * {@code recur inspect} renders both as an HTML page.
 *
 * <p>The gradients are only as exact as the model's precision: for vanishing gradients (norms far
 * below float32's range) diagnose a float64 copy, {@code ModelCodecs.copy(model, Precision.F64)}.
 */
package dev.recur.diagnostics;
