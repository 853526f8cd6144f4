/**
 * The standard recurrent workloads (W1–W7 of {@code workloads.json}, bundled) and a harness that
 * times them: {@code forward} (the recurrent stack, no gradient) and {@code train_step} (stack,
 * a linear head to 65 classes on every step, softmax cross-entropy, backward, plain SGD update).
 * The harness returns measurements; the CLI prints them.
 */
package dev.recur.bench;
