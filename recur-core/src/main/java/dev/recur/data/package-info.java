/**
 * Text data for character language models: corpus loading, the character vocabulary, the
 * train/validation split and the batching for truncated back-propagation through time.
 *
 * <p>The pipeline, matching the reference protocol of {@code charlm_torch.py} character for
 * character:
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
