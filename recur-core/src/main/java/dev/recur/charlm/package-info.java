/**
 * The character language model of {@code recur train}, wired from the library's parts:
 * {@link dev.recur.charlm.CharModelSettings} (the model's shape, the stream batching and the
 * trainer's configuration, with the defaults of the command) and {@link dev.recur.charlm.CharModelRun}
 * (a new or resumed run on a corpus: the reference protocol's streams and validation, the one
 * trainer, the run folder), and the loading of a trained character model for prediction.
 */
package dev.recur.charlm;
