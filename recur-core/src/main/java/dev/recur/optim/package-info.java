/**
 * Training: optimizers that reproduce PyTorch 1.13's single-tensor implementations
 * ({@link dev.recur.optim.Sgd}, {@link dev.recur.optim.Adam}, {@link dev.recur.optim.AdamW},
 * {@link dev.recur.optim.RMSprop}), gradient clipping ({@link dev.recur.optim.GradientClipping}) and
 * learning-rate schedules ({@link dev.recur.optim.LearningRateSchedule}).
 *
 * <p>An optimizer owns its state (moment estimates, momentum buffers), keyed by
 * {@link dev.recur.nn.Parameter} identity; layers hold only values and gradients. The names given
 * with the parameters label the state in exported checkpoints.
 */
package dev.recur.optim;
