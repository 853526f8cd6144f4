package dev.recur.jmh;

import dev.recur.tensor.Precision;

/** Which float32 kernels a benchmark runs: the {@code kernels} parameter. */
public enum KernelChoice {
    /** {@code Precision.F32.reference()}: the plain scalar kernels and cells, one thread. */
    REFERENCE,
    /** {@code Precision.F32}: the Vector API kernels and cells, one thread. */
    VECTOR,
    /** {@code Precision.F32.withThreads(2)}: the Vector API kernels, products split over two threads. */
    VECTOR_2T;

    /**
     * The precision for this choice.
     *
     * @throws IllegalStateException for a vectorised choice when the Vector API module is not loaded
     *                               (recur would silently fall back to the reference kernels, and the
     *                               result would be mislabelled)
     */
    public Precision<float[]> precision() {
        if (this == REFERENCE) {
            return Precision.F32.reference();
        }
        if (!Precision.vectorAvailable()) {
            throw new IllegalStateException(name() + " kernels requested but " + Precision.vectorUnavailableReason());
        }
        Precision<float[]> p = this == VECTOR ? Precision.F32 : Precision.F32.withThreads(2);
        if (!p.kernels().vectorized()) {
            throw new IllegalStateException(name() + " kernels requested but " + p + " is not vectorised");
        }
        return p;
    }
}
