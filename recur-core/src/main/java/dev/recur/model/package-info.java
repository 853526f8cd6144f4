/**
 * Models built from the layers of {@link dev.recur.nn}: the character-level language model
 * {@link dev.recur.model.CharLanguageModel} (embedding → recurrent stack → linear head) and a
 * seeded {@link dev.recur.model.TokenSampler} for generating text from its logits. Shapes follow
 * the legend in {@link dev.recur}.
 */
package dev.recur.model;
