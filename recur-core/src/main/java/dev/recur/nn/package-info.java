/**
 * Building blocks shared by every network: trainable {@link dev.recur.nn.Parameter}s and their
 * initialisers. Shapes follow the legend in {@link dev.recur}.
 */
package dev.recur.nn;
