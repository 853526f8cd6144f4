package dev.recur.diagnostics;

import dev.recur.nn.recurrent.CellKind;

/**
 * The exact gradients of a loss with respect to every step's state and input, for one batch.
 *
 * <p>The loss is {@code L = Σ_b ℓ_b}, the sum of the sequences' own losses (each sequence's squared
 * error averaged over its outputs, or its cross-entropy), so row {@code b} of each array is the
 * gradient of sequence {@code b}'s own loss. {@code h_t} and {@code c_t} are the state after step
 * {@code t} (steps counted from 0; the paper's {@code h_1} is {@code t = 0}). Each gradient is the
 * total one, through every later step and the readout:
 * <ul>
 *   <li>{@code ∂ℓ/∂h_t}: the gradient of an additive perturbation of the state {@code h_t} (with an
 *       LSTM's {@code c_t} held), which is what the core's BPTT returns as the initial-state gradient
 *       of a run started from step {@code t};</li>
 *   <li>{@code ∂ℓ/∂c_t} (LSTM): the gradient of an additive perturbation of {@code c_t} with
 *       {@code h_t = o_t ⊙ tanh(c_t)} following it: the error the constant error carousel carries,
 *       {@code f_{t+1} ⊙ ∂ℓ/∂c_{t+1} + ∂ℓ/∂h_t ⊙ o_t ⊙ (1 − tanh² c_t)};</li>
 *   <li>{@code ∂ℓ/∂x_t}: the core's input gradient.</li>
 * </ul>
 * Rows past a sequence's length are 0.
 *
 * <p>Immutable once built, but it keeps the arrays it is given: do not change them while it is
 * shared between threads.
 *
 * @param cell          the cell kind
 * @param steps         {@code T}
 * @param batch         {@code B}
 * @param hiddenSize    {@code H}: width of {@code h} and {@code c}
 * @param inputSize     {@code I}
 * @param lengths       per-sequence lengths, or null when all are {@code T}
 * @param loss          the batch's mean loss (the model's objective)
 * @param hidden        {@code [T, B, H]}: {@code ∂ℓ_b/∂h_t}
 * @param cellState     {@code [T, B, H]}: {@code ∂ℓ_b/∂c_t} of an LSTM; null for other cells
 * @param input         {@code [T, B, I]}: {@code ∂ℓ_b/∂x_t}
 * @param initialHidden {@code [B, H]}: {@code ∂ℓ_b/∂h_{−1}}, the gradient of the (zero) initial state
 * @param initialCell   {@code [B, H]}: {@code ∂ℓ_b/∂c_{−1}} of an LSTM (the initial {@code h} held, as
 *                      the core's initial-state gradient); null for other cells
 */
public record StateGradients(CellKind cell, int steps, int batch, int hiddenSize, int inputSize, int[] lengths,
                             double loss, double[] hidden, double[] cellState, double[] input, double[] initialHidden,
                             double[] initialCell) {

    /** The length of sequence {@code b}. */
    public int length(int b) {
        return lengths == null ? steps : lengths[b];
    }

    /** {@code ‖∂ℓ_b/∂h_t‖₂}. */
    public double hiddenNorm(int t, int b) {
        return norm(hidden, (t * batch + b) * hiddenSize, hiddenSize);
    }

    /** {@code ‖∂ℓ_b/∂c_t‖₂}, or NaN for a cell without a cell state. */
    public double cellNorm(int t, int b) {
        return cellState == null ? Double.NaN : norm(cellState, (t * batch + b) * hiddenSize, hiddenSize);
    }

    /** {@code ‖∂ℓ_b/∂x_t‖₂}. */
    public double inputNorm(int t, int b) {
        return norm(input, (t * batch + b) * inputSize, inputSize);
    }

    /** {@code ‖∂ℓ_b/∂h_{−1}‖₂}. */
    public double initialHiddenNorm(int b) {
        return norm(initialHidden, b * hiddenSize, hiddenSize);
    }

    static double norm(double[] a, int offset, int n) {
        // scaled, so that norms near the ends of the double range neither overflow nor underflow
        double max = 0;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, Math.abs(a[offset + i]));
        }
        if (max == 0 || Double.isNaN(max) || Double.isInfinite(max)) {
            return max;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double v = a[offset + i] / max;
            sum += v * v;
        }
        return max * Math.sqrt(sum);
    }
}
