package dev.recur.diagnostics;

import dev.recur.nn.recurrent.CellKind;

/**
 * Gradient norms per step: how much of the loss's gradient reaches each step.
 *
 * <p>Each per-step value is the mean, over the sequences that have step {@code t}, of the 2-norm of
 * that sequence's own gradient ({@link StateGradients}); steps no sequence reaches are NaN. The
 * {@code last*} values are the same means taken at each sequence's own last step, so that the
 * ratios compare the first step with the step the loss is read at, also for batches of
 * variable-length sequences. A ratio far below 1 is a vanishing gradient.
 *
 * <p>Immutable once built, but it keeps the arrays it is given: do not change them while it is
 * shared between threads.
 *
 * @param cell          the cell kind
 * @param steps         {@code T}
 * @param loss          the batch's mean loss
 * @param hidden        {@code [T]}: mean {@code ‖∂ℓ/∂h_t‖}
 * @param cellState     {@code [T]}: mean {@code ‖∂ℓ/∂c_t‖} of an LSTM; null for other cells
 * @param input         {@code [T]}: mean {@code ‖∂ℓ/∂x_t‖}
 * @param lastHidden    mean {@code ‖∂ℓ/∂h‖} at each sequence's last step
 * @param lastCell      mean {@code ‖∂ℓ/∂c‖} at each sequence's last step (NaN without a cell state)
 * @param lastInput     mean {@code ‖∂ℓ/∂x‖} at each sequence's last step
 */
public record GradientFlowReport(CellKind cell, int steps, double loss, double[] hidden, double[] cellState,
                                 double[] input, double lastHidden, double lastCell, double lastInput) {

    /** The norms of {@code gradients}. */
    public static GradientFlowReport of(StateGradients gradients) {
        int nt = gradients.steps();
        int nb = gradients.batch();
        boolean lstm = gradients.cellState() != null;
        double[] h = new double[nt];
        double[] c = lstm ? new double[nt] : null;
        double[] x = new double[nt];
        for (int t = 0; t < nt; t++) {
            int n = 0;
            for (int b = 0; b < nb; b++) {
                if (t < gradients.length(b)) {
                    n++;
                    h[t] += gradients.hiddenNorm(t, b);
                    x[t] += gradients.inputNorm(t, b);
                    if (lstm) {
                        c[t] += gradients.cellNorm(t, b);
                    }
                }
            }
            h[t] = n == 0 ? Double.NaN : h[t] / n;
            x[t] = n == 0 ? Double.NaN : x[t] / n;
            if (lstm) {
                c[t] = n == 0 ? Double.NaN : c[t] / n;
            }
        }
        double lh = 0;
        double lc = 0;
        double lx = 0;
        for (int b = 0; b < nb; b++) {
            int t = gradients.length(b) - 1;
            lh += gradients.hiddenNorm(t, b);
            lx += gradients.inputNorm(t, b);
            lc += lstm ? gradients.cellNorm(t, b) : 0;
        }
        return new GradientFlowReport(gradients.cell(), nt, gradients.loss(), h, c, x, lh / nb,
                lstm ? lc / nb : Double.NaN, lx / nb);
    }

    /** {@code ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖} in the paper's 1-based steps: the first step's norm over the last's. */
    public double hiddenRatio() {
        return hidden[0] / lastHidden;
    }

    /** {@code ‖∂L/∂c_1‖ / ‖∂L/∂c_T‖}; NaN without a cell state. */
    public double cellRatio() {
        return cellState == null ? Double.NaN : cellState[0] / lastCell;
    }

    /** {@code ‖∂L/∂x_1‖ / ‖∂L/∂x_T‖}. */
    public double inputRatio() {
        return input[0] / lastInput;
    }
}
