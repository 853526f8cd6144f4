package dev.recur.optim;

/**
 * The per-element arithmetic of the optimizers and of gradient clipping, for one array type.
 * Implemented once in float64 by {@code DoubleOptimKernels}; the float32 twin is generated from it.
 * Hyper-parameters arrive as {@code double} and are rounded to the array's precision where they
 * meet its elements, as PyTorch does with Python scalars. Every method works on elements
 * {@code [0, n)} and modifies only the arrays its description names.
 *
 * @param <A> the array type
 */
interface OptimKernels<A> {

    /** The kernels for arrays like {@code array} ({@code double[]} or {@code float[]}). */
    @SuppressWarnings("unchecked")
    static <A> OptimKernels<A> forArray(A array) {
        if (array instanceof double[]) {
            return (OptimKernels<A>) DoubleOptimKernels.INSTANCE;
        }
        if (array instanceof float[]) {
            return (OptimKernels<A>) FloatOptimKernels.INSTANCE;
        }
        throw new IllegalArgumentException("unsupported array type " + (array == null ? "null" : array.getClass())
                + ": expected double[] or float[]");
    }

    /** {@code Σ a[i]²}, accumulated in float64. Modifies nothing. */
    double sumOfSquares(A a, int n);

    /** {@code a[i] *= factor}. Modifies {@code a}. */
    void scale(A a, int n, double factor);

    /** {@code a[i] = min(max(a[i], lo), hi)}. Modifies {@code a}. */
    void clamp(A a, int n, double lo, double hi);

    /**
     * One SGD step (PyTorch 1.13 {@code _single_tensor_sgd}). Modifies {@code param} and
     * {@code buf}. {@code buf} is only read when {@code firstStep} is false, and is null when
     * {@code momentum == 0}.
     */
    void sgd(A param, A grad, A buf, int n, boolean firstStep, double lr, SgdConfig c);

    /**
     * One Adam ({@code decoupled = false}) or AdamW ({@code decoupled = true}) step, step number
     * {@code step >= 1} (PyTorch 1.13 {@code _single_tensor_adam(w)}). Modifies {@code param},
     * {@code expAvg}, {@code expAvgSq} and {@code maxExpAvgSq} (null without AMSGrad).
     */
    void adam(A param, A grad, A expAvg, A expAvgSq, A maxExpAvgSq, int n, long step, double lr, AdamConfig c,
              boolean decoupled);

    /**
     * One RMSprop step (PyTorch 1.13 {@code _single_tensor_rmsprop}). Modifies {@code param},
     * {@code squareAvg}, {@code gradAvg} (null unless centered) and {@code buf} (null without
     * momentum).
     */
    void rmsprop(A param, A grad, A squareAvg, A gradAvg, A buf, int n, double lr, RMSpropConfig c);
}
