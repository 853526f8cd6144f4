package dev.recur.checkpoint;

import dev.recur.Version;
import dev.recur.data.Batch;
import dev.recur.data.Position;
import dev.recur.data.TrainingData;
import dev.recur.io.FormatException;
import dev.recur.io.MapFields;
import dev.recur.model.ModelCodec;
import dev.recur.model.ModelCodecs;
import dev.recur.model.Preprocessing;
import dev.recur.nn.loss.Loss;
import dev.recur.train.CheckpointSink;
import dev.recur.train.TrainConfig;
import dev.recur.train.Trainer;
import dev.recur.train.TrainingState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a {@link Trainer}'s checkpoints into a run folder ({@link Checkpoint}), and resumes a run
 * from one: the {@link CheckpointSink} of every model kind. What describes the run besides the
 * trainer (the preprocessing, the data section, the provenance) is given once, here.
 *
 * <p>Not thread-safe: the trainer calls it from its training thread, one checkpoint at a time.
 */
public final class RunWriter implements CheckpointSink {

    private final Path directory;
    private Preprocessing preprocessing;
    private final Map<String, Object> data;
    private Provenance provenance;
    private final Checkpoint.WriteHook hook;
    private Manifest.FileRef best;
    /** Whether the folder must stay: it existed when this writer was made, or this writer has written into it. */
    private boolean wrote;
    /** When this writer was made: the start of a run without a given provenance. */
    private final String started = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();

    private RunWriter(Path directory, Preprocessing preprocessing, Map<String, Object> data, Provenance provenance,
                      Checkpoint.WriteHook hook, Manifest.FileRef best) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.preprocessing = preprocessing == null ? Preprocessing.NONE : preprocessing;
        this.data = new LinkedHashMap<>(Objects.requireNonNull(data, "data"));
        this.provenance = provenance;
        this.hook = Objects.requireNonNull(hook, "hook");
        this.best = best;
        this.wrote = Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS);   // a folder that exists must stay
    }

    /**
     * A writer for a new run.
     *
     * @param directory     the run folder
     * @param preprocessing what prediction needs besides the weights
     * @param data          the data source's description, for the manifest's {@code training.data}
     *                      (what a resume needs to rebuild it: its kind and settings)
     * @param provenance    the provenance
     * @param hook          called inside each save before the commit ({@link Checkpoint.WriteHook#NONE} normally)
     * @return the writer
     */
    public static RunWriter create(Path directory, Preprocessing preprocessing, Map<String, Object> data,
                                   Provenance provenance, Checkpoint.WriteHook hook) {
        return new RunWriter(directory, preprocessing, data, Objects.requireNonNull(provenance, "provenance"), hook,
                null);
    }

    /**
     * A writer for a run on data held in memory: no preprocessing, the data section
     * {@code {"kind": "in_memory"}}, and a provenance recording recur's and Java's versions, the
     * run's seed and the time this writer was made. (Such a run resumes only with its data rebuilt by
     * its caller.)
     *
     * @param directory the run folder
     * @return the writer
     */
    public static RunWriter create(Path directory) {
        return new RunWriter(directory, Preprocessing.NONE, Map.of("kind", "in_memory"), null,
                Checkpoint.WriteHook.NONE, null);
    }

    /** The run folder. */
    public Path directory() {
        return directory;
    }

    /** What the checkpoints record besides the weights. */
    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /**
     * Sets what later checkpoints record besides the weights: e.g. a calibration measured on the
     * validation data once training has ended, saved by a further {@link #save}.
     *
     * @param value the preprocessing (null for none)
     * @return this writer
     */
    public RunWriter preprocessing(Preprocessing value) {
        this.preprocessing = value == null ? Preprocessing.NONE : value;
        return this;
    }

    /** Refuses a model whose type has no registered codec, or preprocessing that does not fit it. */
    @Override
    public <A> void check(Trainer<A> trainer) {
        ModelCodec codec = ModelCodecs.forModel(trainer.model());
        codec.checkPreprocessing(codec.config(trainer.model()), preprocessing);
    }

    @Override
    public <A> void save(Trainer<A> trainer) throws IOException {
        requireFolder();
        TrainingState<A> s = trainer.state();
        Map<String, Object> base = new LinkedHashMap<>();
        base.put("config", trainer.config().toMap());
        base.put("loss", trainer.loss().toMap());
        base.put("data", data);
        Map<String, Object> training = TrainingStates.section(s, trainer.data().position(), trainer.config().seed(),
                base);
        if (provenance == null) {
            provenance = new Provenance(Version.get(), trainer.config().seed(), "in memory", "", 0, started,
                    System.getProperty("java.version", "unknown"));
        }
        Checkpoint.save(directory, new Checkpoint.Contents<>(trainer.model(), preprocessing, provenance, s.step(),
                s.optimizer(), TrainingStates.tensors(s, trainer.model()), training, best), hook);
        wrote = true;
    }

    @Override
    public <A> void saveBest(Trainer<A> trainer) throws IOException {
        requireFolder();
        best = Checkpoint.saveBest(directory, trainer.model(), trainer.stepCount());
        wrote = true;
    }

    /**
     * Refuses to write once the run folder this writer has written into is gone: a folder deleted or
     * moved during training is not silently made again (with none of the run's earlier files).
     */
    private void requireFolder() throws NoSuchFileException {
        if (wrote && !Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(directory.toString(), null, "expected the run folder this run has been "
                    + "writing, found none; likely cause: it was deleted or moved during training (nothing more is "
                    + "saved)");
        }
    }

    /**
     * The training configuration a checkpoint was saved with.
     *
     * @param manifest the checkpoint's manifest
     * @return the configuration
     * @throws FormatException if the training section is missing or invalid
     */
    public static TrainConfig savedConfig(Manifest manifest) throws FormatException {
        try {
            return TrainConfig.fromMap(manifest.trainingSection("config").map());
        } catch (IllegalArgumentException e) {
            throw FormatException.refused(manifest.file(), "a valid training configuration", e,
                    "the file was edited by hand, or the checkpoint holds a model saved without its training state");
        }
    }

    /**
     * The loss a checkpoint's run trains with.
     *
     * @param manifest the checkpoint's manifest
     * @return the loss
     * @throws FormatException if it is missing or invalid
     */
    public static Loss savedLoss(Manifest manifest) throws FormatException {
        try {
            return Loss.fromMap(manifest.trainingSection("loss").map());
        } catch (IllegalArgumentException e) {
            throw FormatException.refused(manifest.file(), "a valid loss", e, "the file was edited by hand");
        }
    }

    /**
     * Continues a run from its checkpoint: a trainer at the checkpoint's step, with its optimizer
     * state, data position, carried state, random state and histories, writing its checkpoints into
     * the same folder.
     *
     * @param restored   the checkpoint ({@link Checkpoint#load})
     * @param data       the training data, rebuilt from the manifest's data section by the caller
     * @param validation the validation batches, likewise
     * @param changes    what may change: budgets, intervals, threads
     * @param hook       called inside each save before the commit
     * @param <A>        the array type
     * @return the trainer
     * @throws FormatException          if the saved configuration, loss or state is invalid or does not
     *                                  fit the data
     * @throws IllegalArgumentException if the changes make an invalid configuration
     */
    public static <A> Trainer<A> resume(Checkpoint.Restored<A> restored, TrainingData data, Iterable<Batch> validation,
                                        TrainConfig.Changes changes, Checkpoint.WriteHook hook) throws IOException {
        return resume(restored, data, validation, savedConfig(restored.manifest()).with(changes), hook);
    }

    /**
     * Continues a run with a configuration its caller has already derived from the checkpoint's
     * ({@code savedConfig(manifest).with(changes)}); see the other {@code resume}.
     *
     * @param restored   the checkpoint
     * @param data       the training data
     * @param validation the validation batches
     * @param config     the saved configuration with the changes applied
     * @param hook       called inside each save before the commit
     * @param <A>        the array type
     * @return the trainer
     * @throws FormatException if the saved loss or state is invalid or does not fit the data
     * @throws IOException     if the manifest cannot be read
     */
    public static <A> Trainer<A> resume(Checkpoint.Restored<A> restored, TrainingData data, Iterable<Batch> validation,
                                        TrainConfig config, Checkpoint.WriteHook hook) throws IOException {
        Manifest m = restored.manifest();
        Trainer<A> trainer = Trainer.create(restored.model(), savedLoss(m), data, validation, config);
        try {
            trainer.restore(TrainingStates.decode(restored), m.directory().toString());
            MapFields position = m.trainingSection("position");
            Position saved = new Position(position.longValue("epoch"), position.integer("index"));
            if (!saved.equals(data.position())) {
                throw new IllegalArgumentException("training.position (epoch " + saved.epoch() + ", index "
                        + saved.index() + ") does not match step " + m.step() + " for this data ("
                        + data.position() + ")");
            }
        } catch (IllegalArgumentException e) {
            throw FormatException.refused(m.file(), "a consistent training state", e,
                    "the files of the checkpoint do not belong together (edited or mixed up)");
        }
        Manifest.FileRef best = m.files().get("best");
        trainer.checkpointTo(new RunWriter(m.directory(), m.preprocessing(),
                new LinkedHashMap<>(m.trainingSection("data").map()), m.provenance(), hook, best));
        return trainer;
    }
}
