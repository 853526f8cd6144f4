/**
 * Flat numeric buffers and the kernels that compute on them, in two precisions.
 *
 * <p>A buffer is a plain {@code double[]} (float64, used to verify) or {@code float[]} (float32,
 * used for speed). Code above this package is written once against {@link dev.recur.tensor.Kernels
 * Kernels&lt;A&gt;}, where {@code A} is the array type, and gets its precision from a
 * {@link dev.recur.tensor.Precision}. The float32 kernels are generated at build time from the
 * float64 source, so the two cannot drift apart. Shapes follow the legend in {@link dev.recur}.
 */
package dev.recur.tensor;
