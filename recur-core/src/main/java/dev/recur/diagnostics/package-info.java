/**
 * Gradient-flow and gate diagnostics of recurrent models: how strongly the loss at the end of a
 * sequence reaches back to each earlier step, and what the gates do along the way.
 *
 * <p>{@link dev.recur.diagnostics.Diagnostics} is the entry point. Given a
 * {@link dev.recur.tasks.ManyToOneModel} and a batch it returns plain data:
 * {@link dev.recur.diagnostics.StateGradients} (the exact gradients {@code dL/dh_t},
 * {@code dL/dc_t} and {@code dL/dx_t} of every step, recovered from one backward pass of the core's
 * BPTT), {@link dev.recur.diagnostics.GradientFlowReport} (their norms per step and the ratios
 * between the first and the last step) and {@link dev.recur.diagnostics.GateStatistics} (gate means
 * and saturation per step and unit). Nothing here prints or draws; the command line renders the
 * numbers as CSV and charts.
 *
 * <p>The gradients are only as exact as the model's precision: for vanishing gradients (norms far
 * below float32's range) diagnose a float64 copy, {@code model.copyTo(Precision.F64)}.
 */
package dev.recur.diagnostics;
