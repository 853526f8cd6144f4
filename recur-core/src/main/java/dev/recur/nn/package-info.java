/**
 * Building blocks shared by every network: trainable {@link dev.recur.nn.Parameter}s and their
 * initialisers, the feed-forward layers {@link dev.recur.nn.Linear} and
 * {@link dev.recur.nn.Embedding}, {@link dev.recur.nn.Dropout}, and the loss functions of
 * {@link dev.recur.nn.Losses}. Each layer's forward pass writes into an output array and its
 * backward pass adds into its parameters' gradients. Shapes follow the legend in {@link dev.recur}.
 */
package dev.recur.nn;
