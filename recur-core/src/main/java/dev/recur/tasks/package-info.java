/**
 * Sequence regression and classification, and the long-time-lag tasks that show what gated
 * recurrent cells are for.
 *
 * <ul>
 *   <li>{@link dev.recur.tasks.ManyToOneModel}: a recurrent stack read out at one step per sequence
 *       (the last step, or each sequence's own last step) by a linear head, trained with mean squared
 *       error ({@link dev.recur.tasks.Objective#REGRESSION}) or softmax cross-entropy
 *       ({@link dev.recur.tasks.Objective#CLASSIFICATION}).</li>
 *   <li>{@link dev.recur.tasks.Task}: seeded generators of labelled sequences:
 *       {@link dev.recur.tasks.AddingProblem}, {@link dev.recur.tasks.TemporalOrder} (the
 *       original LSTM paper, 1997, experiment 6a) and {@link dev.recur.tasks.LagRecall} (its experiment 2a).</li>
 *   <li>{@link dev.recur.tasks.Experiment}: trains one cell on one task with the hyper-parameters of
 *       {@link dev.recur.tasks.ExperimentConfig#defaults(Task)}, reporting each
 *       {@link dev.recur.tasks.Evaluation} to a listener.</li>
 * </ul>
 * Nothing here prints; the command line renders the results.
 */
package dev.recur.tasks;
