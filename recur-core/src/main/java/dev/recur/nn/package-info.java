/**
 * The module API and the layers every network is built from.
 *
 * <ul>
 *   <li>{@link dev.recur.nn.Module}: a tree of named children and {@link dev.recur.nn.Parameter}s
 *       whose paths are PyTorch's {@code state_dict} names, with train/eval mode and random state;
 *       {@link dev.recur.nn.Layer}: a forward pass that records what its backward pass needs, and the
 *       backward pass;</li>
 *   <li>{@link dev.recur.nn.Activations}: what flows between layers, one row per step of every
 *       sequence with the sequences' lengths, or one row per sequence; {@link dev.recur.nn.Tokens}:
 *       token ids;</li>
 *   <li>layers: {@link dev.recur.nn.Linear}, {@link dev.recur.nn.Embedding},
 *       {@link dev.recur.nn.Dropout}, {@link dev.recur.nn.LayerNorm},
 *       {@link dev.recur.nn.Activation}, {@link dev.recur.nn.Pooling} over the valid steps,
 *       {@link dev.recur.nn.Concat}; the recurrent stack is {@link dev.recur.nn.sequence.SequenceLayer};
 *       the losses are in {@link dev.recur.nn.loss}.</li>
 * </ul>
 * Shapes follow the legend in {@link dev.recur}.
 */
package dev.recur.nn;
