package dev.recur.diagnostics;

/**
 * Gradient flow and gate statistics of one model on one batch.
 *
 * @param gradients the per-step gradient norms
 * @param gates     the per-step gate statistics
 */
public record Diagnosis(GradientFlowReport gradients, GateStatistics gates) {
}
