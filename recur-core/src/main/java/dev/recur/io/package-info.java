/**
 * File input and output: the safetensors tensor format, the state dicts of module trees, atomic
 * file replacement, and typed reads of saved configurations.
 *
 * <ul>
 *   <li>{@link dev.recur.io.SafetensorsFile} reads and strictly validates a safetensors file;
 *       {@link dev.recur.io.SafetensorsWriter} writes one in canonical form (sorted names,
 *       compact JSON, header padded to 8 bytes).</li>
 *   <li>{@link dev.recur.io.StateDicts} writes and loads a module tree's parameters under their
 *       PyTorch {@code state_dict} names.</li>
 *   <li>{@link dev.recur.io.AtomicFiles} replaces a file so that readers never see a partial
 *       write.</li>
 *   <li>Malformed content is reported as a {@link dev.recur.io.FormatException}, an
 *       {@link java.io.IOException} whose message names the file, what was expected, what was
 *       found and the likely cause. Misuse of a valid file (an unknown tensor name, the wrong
 *       accessor for a dtype) and invalid writer arguments are
 *       {@link java.lang.IllegalArgumentException}s.</li>
 * </ul>
 *
 * <p>Java serialization is never used.
 */
package dev.recur.io;
