/**
 * The long-time-lag tasks that show what gated recurrent cells are for, and the experiments that
 * compare the cells on them.
 *
 * <ul>
 *   <li>{@link dev.recur.tasks.Task}: seeded generators of labelled numeric sequences:
 *       {@link dev.recur.tasks.AddingProblem}, {@link dev.recur.tasks.TemporalOrder} (the original
 *       LSTM paper, 1997, experiment 6a) and {@link dev.recur.tasks.LagRecall} (its experiment 2a);
 *       {@link dev.recur.tasks.TaskData}: a task as a training stream;
 *       {@link dev.recur.tasks.Objective}: regression or classification, and its loss.</li>
 *   <li>{@link dev.recur.tasks.Experiment}: trains one cell on one task (a
 *       {@link dev.recur.model.SequenceModel} read at each sequence's last step, trained by the one
 *       {@link dev.recur.train.Trainer}) with the hyper-parameters of
 *       {@link dev.recur.tasks.ExperimentConfig#defaults(Task)}, reporting each
 *       {@link dev.recur.tasks.Evaluation} to a listener.</li>
 * </ul>
 * Nothing here prints; the command line renders the results.
 */
package dev.recur.tasks;
