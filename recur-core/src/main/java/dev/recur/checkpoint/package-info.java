/**
 * Run folders: one checkpoint format for every model ({@code docs/checkpoint-format.md}).
 *
 * <ul>
 *   <li>{@link dev.recur.checkpoint.Manifest} and {@link dev.recur.checkpoint.ManifestFormat}: the
 *       {@code checkpoint.json} of format version 2 (and the reading of version 1);</li>
 *   <li>{@link dev.recur.checkpoint.Checkpoint}: atomic saving, verified loading (of the model alone,
 *       or of everything for a resume), the latest run of a folder;</li>
 *   <li>{@link dev.recur.checkpoint.RunWriter}: a trainer's checkpoints into a run folder, and the
 *       resumption of a run.</li>
 * </ul>
 * Every problem with a file is a {@link dev.recur.io.FormatException} whose one-line message names
 * the file, what was expected, what was found and the likely cause. Java serialization is never used.
 */
package dev.recur.checkpoint;
