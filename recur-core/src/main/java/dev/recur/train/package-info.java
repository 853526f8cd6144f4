/**
 * The one training loop of recur, for every model.
 *
 * <ul>
 *   <li>{@link dev.recur.train.Trainer}: batches from a {@link dev.recur.data.TrainingData}, a loss,
 *       an optimizer, clipping, a schedule, budgets, validation with metrics, early stopping, the
 *       divergence policy; exact resumption from a {@link dev.recur.train.TrainingState}. It reports
 *       through {@link dev.recur.train.TrainingListener}s, hands checkpoints to a
 *       {@link dev.recur.train.CheckpointSink}, and never prints.</li>
 *   <li>{@link dev.recur.train.TrainConfig} (with {@link dev.recur.train.OptimizerChoice},
 *       {@link dev.recur.train.ScheduleConfig}, {@link dev.recur.train.EarlyStopping},
 *       {@link dev.recur.train.DivergencePolicy}): how to train, validated, its builder holding the
 *       defaults; {@link dev.recur.train.TrainConfig.Changes}: what a resumed run may change.</li>
 * </ul>
 */
package dev.recur.train;
