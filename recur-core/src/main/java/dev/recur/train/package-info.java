/**
 * Training character language models: the truncated-BPTT training loop, evaluation, and using a
 * trained model.
 *
 * <ul>
 *   <li>{@link dev.recur.train.TrainConfig} decides a run (model shape, batch shape, optimizer,
 *       clipping, schedule, budgets, seed); its builder holds the defaults.</li>
 *   <li>{@link dev.recur.train.Trainer} runs it on a {@link dev.recur.data.TextCorpus}: B parallel
 *       streams, state carried from chunk to chunk without gradient across chunks, periodic
 *       validation, checkpoints ({@link dev.recur.io.Checkpoint}) and exact resumption. It reports
 *       through a {@link dev.recur.train.TrainingListener} and never prints.</li>
 *   <li>{@link dev.recur.train.Evaluation} measures the loss on a text, as the reference protocol
 *       validates; {@link dev.recur.train.EvalResult} gives it in nats and bits per character and as
 *       perplexity.</li>
 *   <li>{@link dev.recur.train.TrainedModel} predicts, generates and evaluates with a trained or
 *       loaded model.</li>
 * </ul>
 */
package dev.recur.train;
