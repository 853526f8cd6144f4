package dev.recur.diagnostics;

/**
 * Gradient flow and gate statistics of one model on one batch.
 *
 * <p>Immutable once built; the reports it holds keep their arrays uncopied: do not change them
 * while it is shared between threads.
 *
 * @param gradients the per-step gradient norms
 * @param gates     the per-step gate statistics
 */
public record Diagnosis(GradientFlowReport gradients, GateStatistics gates) {
}
