/**
 * Loss functions over a model's output rows ({@link dev.recur.nn.Activations}), each exactly its
 * PyTorch 1.13 namesake: {@link dev.recur.nn.loss.CrossEntropy} (class weights, label smoothing, an
 * ignore index), {@link dev.recur.nn.loss.BinaryCrossEntropy} (on logits, multi-label, with
 * {@code pos_weight}), {@link dev.recur.nn.loss.MeanSquaredError}, {@link dev.recur.nn.loss.L1Loss}
 * and {@link dev.recur.nn.loss.HuberLoss}, each with a {@link dev.recur.nn.loss.Reduction}.
 *
 * <p>A loss takes the output rows, one per sequence ({@code [B, C]}) or one per step
 * ({@code [T, B, C]}, where steps past a sequence's length do not count), and
 * {@link dev.recur.nn.loss.Targets}: one class id per row, or {@code C} values per row. It returns a
 * {@link dev.recur.nn.loss.LossValue} (the reduced value and how much the batch counts) and, when
 * asked, overwrites a gradient array with {@code d value / d output}. The arithmetic is written once
 * in float64 ({@code DoubleLossKernels}); the float32 twin is generated from it, and every sum that
 * forms a returned value is accumulated in float64. Results do not depend on the thread count.
 */
package dev.recur.nn.loss;
