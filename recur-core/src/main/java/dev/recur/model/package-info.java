/**
 * Models: networks that map a {@link dev.recur.data.Batch} to outputs, and what is done with them.
 *
 * <ul>
 *   <li>{@link dev.recur.model.Model}: the root module of a network, a forward/backward pair (a
 *       custom model extends it);</li>
 *   <li>{@link dev.recur.model.SequenceModel} with {@link dev.recur.model.SequenceModelConfig}: the
 *       common recurrent stacks (classifier, regressor, tagger, the character language model);</li>
 *   <li>{@link dev.recur.model.ModelCodec} and {@link dev.recur.model.ModelCodecs}: how a checkpoint
 *       records and rebuilds each model type; {@link dev.recur.model.Preprocessing}: what prediction
 *       needs besides the weights;</li>
 *   <li>{@link dev.recur.model.Evaluation}: the mean loss and the metrics over a data set;
 *       {@link dev.recur.model.Predictions}: classes and probabilities;
 *       {@link dev.recur.model.CharLanguageModel} and {@link dev.recur.model.TokenSampler}: text
 *       from a character model.</li>
 * </ul>
 * Shapes follow the legend in {@link dev.recur}.
 */
package dev.recur.model;
