package dev.recur.checkpoint;

import dev.recur.io.FormatException;
import dev.recur.io.MapFields;
import dev.recur.model.ModelCodecs;
import dev.recur.model.Preprocessing;
import dev.recur.model.SequenceModelConfig;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A run folder's {@code checkpoint.json}, parsed and validated ({@link ManifestFormat} reads and
 * writes it). A manifest of {@code format_version} 1 (a character model, before there were other
 * models) is read into this same form: its model becomes the {@code sequence_model} of
 * {@link SequenceModelConfig#charLanguageModel}, its training section the generic one.
 *
 * <p>Immutable and thread-safe: the maps are unmodifiable copies (values nested in them are not
 * copied, and nothing in recur changes them).
 *
 * @param directory     the run folder
 * @param formatVersion the format version of the file as read (1 or 2)
 * @param step          the training step count
 * @param saved         when the checkpoint was written, ISO-8601 UTC
 * @param modelType     the model's type, the key of its {@link dev.recur.model.ModelCodec}
 * @param modelConfig   the model's configuration as its codec writes it; unmodifiable
 * @param dtype         {@code float32} or {@code float64}: the precision of the weights
 * @param preprocessing what prediction needs besides the weights (vocabulary, normalisation, labels)
 * @param optimizer     the optimizer's name, or null when saved without one
 * @param provenance    the provenance
 * @param training      the training section (configuration, loss, data, position, random state,
 *                      time, validation), JSON values as plain Java objects; unmodifiable
 * @param files         the tensor files by role ({@code model}, {@code optimizer}, {@code trainer},
 *                      {@code best})
 * @param quantizedFrom the run a quantized copy was made from, or null (a float run, or a copy
 *                      written before copies recorded it)
 */
public record Manifest(Path directory, int formatVersion, long step, String saved, String modelType,
                       Map<String, Object> modelConfig, String dtype, Preprocessing preprocessing, String optimizer,
                       Provenance provenance, Map<String, Object> training, Map<String, FileRef> files,
                       Source quantizedFrom) {

    /** The name of the manifest in a run folder. */
    public static final String FILE = "checkpoint.json";

    /**
     * Keeps unmodifiable copies of the maps.
     *
     * @param directory     the run folder
     * @param formatVersion the format version
     * @param step          the step
     * @param saved         the time saved
     * @param modelType     the model type
     * @param modelConfig   the model configuration
     * @param dtype         the weights' precision
     * @param preprocessing the preprocessing
     * @param optimizer     the optimizer name, or null
     * @param provenance    the provenance
     * @param training      the training section
     * @param files         the files
     * @param quantizedFrom the run a quantized copy was made from, or null
     */
    public Manifest {
        modelConfig = Collections.unmodifiableMap(new LinkedHashMap<>(modelConfig));
        training = Collections.unmodifiableMap(new LinkedHashMap<>(training == null ? Map.of() : training));
        files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
        preprocessing = preprocessing == null ? Preprocessing.NONE : preprocessing;
    }

    /**
     * One tensor file named by the manifest.
     *
     * @param name   the file name, relative to the run folder
     * @param sha256 its SHA-256, 64 lower-case hex digits
     * @param bytes  its size
     */
    public record FileRef(String name, String sha256, long bytes) {
    }

    /**
     * The run a quantized copy ({@code recur quantize}) was made from, as it was when the copy was
     * made: where to train, export or inspect what the copy only serves.
     *
     * @param run         the run folder, an absolute path
     * @param step        its step
     * @param modelSha256 the SHA-256 of its model file that was quantized, 64 lower-case hex digits
     */
    public record Source(String run, long step, String modelSha256) {
    }

    /** The manifest file itself. */
    public Path file() {
        return directory.resolve(FILE);
    }

    /**
     * The model's configuration, when it is a {@link dev.recur.model.SequenceModel}.
     *
     * @return the configuration, or empty for another model type
     * @throws IllegalArgumentException if the recorded configuration is invalid (the manifest was
     *                                  read without checking it)
     */
    public Optional<SequenceModelConfig> sequenceModel() {
        return modelType.equals(ModelCodecs.SEQUENCE_MODEL)
                ? Optional.of(SequenceModelConfig.fromMap(modelConfig)) : Optional.empty();
    }

    /**
     * An object of the training section, e.g. {@code config} or {@code data}.
     *
     * @param key the key
     * @return its fields
     * @throws IllegalArgumentException if it is missing or not an object
     */
    public MapFields trainingSection(String key) {
        if (training.isEmpty()) {
            throw new IllegalArgumentException("training: expected the training section of a run, found none; likely "
                    + "cause: a checkpoint saved without a trainer (it can be loaded, not resumed), or a file edited by "
                    + "hand");
        }
        return new MapFields("training." + key, new MapFields("training", training).object(key));
    }

    /**
     * A size of the training section's {@code data} object, e.g. the batch size ({@code batch}) or
     * the chunk length ({@code seq}) a run was trained with.
     *
     * @param key the key
     * @return the size, or empty if the run records none
     * @throws FormatException if it is there but not a positive 32-bit integer
     */
    public OptionalInt dataSize(String key) throws FormatException {
        if (!(training.get("data") instanceof Map<?, ?> data) || data.get(key) == null) {
            return OptionalInt.empty();
        }
        long v;
        try {
            v = trainingSection("data").longValue(key);
        } catch (IllegalArgumentException e) {
            throw new FormatException(file(), "the sizes a run was trained with", e.getMessage(),
                    "the file was edited by hand");
        }
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw new FormatException(file(), "training.data." + key + ": a positive 32-bit integer", Long.toString(v),
                    "the file was edited by hand");
        }
        return OptionalInt.of((int) v);
    }
}
