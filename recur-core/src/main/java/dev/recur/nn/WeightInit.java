package dev.recur.nn;

/**
 * How a weight matrix is initialised.
 *
 * <p>Immutable and thread-safe.
 */
public enum WeightInit {
    /** PyTorch's default for recurrent layers: every element from U(−1/√H, 1/√H). */
    UNIFORM,
    /** Xavier uniform per gate block: U(−a, a) with a = √(6 / (fan_in + fan_out)). */
    XAVIER,
    /** Each gate block an orthogonal matrix (rows or columns orthonormal). */
    ORTHOGONAL
}
