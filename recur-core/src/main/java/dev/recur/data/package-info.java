/**
 * Data: what a model reads and the streams a trainer draws from.
 *
 * <ul>
 *   <li>{@link dev.recur.data.Batch}: sequences of token ids and/or numeric features, padded, with
 *       their lengths and targets; {@link dev.recur.data.TrainingData}: an endless, deterministic
 *       stream of batches whose position is its step count.</li>
 *   <li>{@link dev.recur.data.Example} and {@link dev.recur.data.ExampleBatches}: labelled sequences
 *       of their own lengths, shuffled per epoch, bucketed by length, split for validation;
 *       {@link dev.recur.data.Normalization}: feature standardisation.</li>
 * </ul>
 *
 * <p>Text for character language models, matching the reference protocol of
 * {@code charlm_torch.py} character for character:
 * <ol>
 *   <li>{@link dev.recur.data.TextCorpus} reads a file, stream or resource as strict UTF-8 (a
 *       leading byte-order mark dropped, line ends normalised as Python's text mode does) into
 *       Unicode code points, with the SHA-256 of the raw bytes; {@link dev.recur.data.BundledCorpus}
 *       ships tinyshakespeare.</li>
 *   <li>{@link dev.recur.data.Vocabulary} is the sorted set of the corpus's code points; a token is
 *       one code point (a character outside the BMP is one token, not two {@code char}s).</li>
 *   <li>{@link dev.recur.data.CorpusSplit}: the first {@code (int) (N * 0.9)} characters train, the
 *       rest validate.</li>
 *   <li>{@link dev.recur.data.StreamBatcher} cuts the training tokens into {@code B} parallel
 *       streams and serves {@link dev.recur.data.Chunk}s of {@code seq} steps, inputs and targets
 *       {@code [T, B]} time-major, epoch after epoch, with a resumable position;
 *       {@link dev.recur.data.ValidationStreams} serves every chunk of the validation streams once,
 *       the last one possibly shorter.</li>
 * </ol>
 * Problems with a corpus's content are {@link dev.recur.data.CorpusFormatException}s (an
 * {@link java.io.IOException}); invalid arguments (an unknown character, a text too short for the
 * batch shape) are {@link java.lang.IllegalArgumentException}s.
 */
package dev.recur.data;
