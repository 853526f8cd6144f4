package dev.recur.charlm;

import dev.recur.Version;
import dev.recur.checkpoint.Checkpoint;
import dev.recur.checkpoint.Manifest;
import dev.recur.checkpoint.Provenance;
import dev.recur.checkpoint.RunWriter;
import dev.recur.data.CorpusSplit;
import dev.recur.data.StreamBatcher;
import dev.recur.data.TextCorpus;
import dev.recur.data.ValidationStreams;
import dev.recur.data.Vocabulary;
import dev.recur.io.FormatException;
import dev.recur.io.MapFields;
import dev.recur.model.CharLanguageModel;
import dev.recur.model.Preprocessing;
import dev.recur.model.SequenceModel;
import dev.recur.model.SequenceModelConfig;
import dev.recur.tensor.Precision;
import dev.recur.train.TrainConfig;
import dev.recur.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A character language model's training run, as the reference protocol ({@code charlm_torch.py})
 * does it: the corpus's vocabulary is the sorted set of its characters; the first 90% trains, the
 * rest validates ({@link CorpusSplit}); the training text is cut into {@code B} parallel streams
 * read in chunks of {@code seq} steps with the recurrent state carried from chunk to chunk
 * ({@link StreamBatcher}); validation reads the held-out text the same way, every predicted
 * character counted once ({@link ValidationStreams}). The one {@link Trainer} does the rest, and a
 * {@link RunWriter} keeps the run folder.
 *
 * <p>This class only wires the parts: a new model kind is another such wiring of a model and a
 * data source, not another trainer or checkpoint.
 *
 * <p>Not thread-safe: one thread drives a run; only its trainer's {@link Trainer#requestStop()} may
 * be called from another thread.
 *
 * @param <A> the array type
 */
public final class CharModelRun<A> {

    private final Trainer<A> trainer;
    private final CharLanguageModel<A> model;
    private final CharModelSettings settings;
    private final StreamBatcher batcher;
    private final ValidationStreams validation;
    /** What a new run's checkpoints record besides the trainer; null for a resumed run. */
    private final Map<String, Object> data;
    private final Provenance provenance;
    private Path directory;
    /** Where {@link #checkpointInto} sends checkpoints; null before. */
    private RunWriter writer;

    private CharModelRun(Trainer<A> trainer, CharLanguageModel<A> model, CharModelSettings settings,
                         StreamBatcher batcher, ValidationStreams validation, Path directory,
                         Map<String, Object> data, Provenance provenance) {
        this.trainer = trainer;
        this.model = model;
        this.settings = settings;
        this.batcher = batcher;
        this.validation = validation;
        this.directory = directory;
        this.data = data;
        this.provenance = provenance;
    }

    /** The corpus cut into training streams and validation streams. */
    private record Streams(StreamBatcher train, ValidationStreams validation) {
        static Streams of(TextCorpus corpus, Vocabulary vocabulary, int batch, int seq, double trainFraction) {
            CorpusSplit split = CorpusSplit.of(corpus.encode(vocabulary), trainFraction);
            try {
                return new Streams(StreamBatcher.of(split.train(), batch, seq),
                        ValidationStreams.of(split.validation(), batch, seq));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(corpus.source() + " (" + corpus.length() + " characters): "
                        + e.getMessage(), e);
            }
        }
    }

    /**
     * A new run: a model initialised from the settings' seed, to be trained on {@code corpus}. It
     * writes no checkpoint until {@link #checkpointInto} names a folder.
     *
     * @param settings  the settings
     * @param precision the precision ({@link Precision#F32} for speed); it runs on the settings' threads
     * @param corpus    the corpus
     * @param <A>       the array type
     * @return the run, at step 0
     * @throws IllegalArgumentException if the corpus is too short for the batch shape, or the logits
     *                                  of a chunk would not fit in an array (the message names the corpus)
     */
    public static <A> CharModelRun<A> start(CharModelSettings settings, Precision<A> precision, TextCorpus corpus) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(corpus, "corpus");
        Vocabulary vocabulary = corpus.vocabulary();
        Precision<A> p = precision.withThreads(settings.train().effectiveThreads());
        Streams s = Streams.of(corpus, vocabulary, settings.batch(), settings.seq(), settings.trainFraction());
        SequenceModelConfig config = settings.modelConfig(vocabulary.size());
        // refused before anything is allocated when its training cannot fit the heap
        config.requireTrainable("model (hidden " + settings.hiddenSize() + ", " + settings.layers() + " layers, "
                + "embedding " + settings.embeddingDim() + ")", settings.batch(), settings.seq(),
                p.isDouble() ? 8 : 4);
        SequenceModel<A> model = SequenceModel.create(config, p, settings.train().seed());
        Trainer<A> trainer = Trainer.create(model, CharLanguageModel.LOSS, s.train(), s.validation().batches(),
                settings.train());
        Provenance provenance = new Provenance(Version.get(), settings.train().seed(), corpus.source(),
                corpus.sha256(), corpus.length(), Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(),
                System.getProperty("java.version", "unknown"));
        return new CharModelRun<>(trainer, new CharLanguageModel<>(model, vocabulary), settings, s.train(),
                s.validation(), null, dataSection(settings, s), provenance);
    }

    /**
     * Makes the trainer write its checkpoints into a run folder (a new run's; a resumed run writes into
     * its own).
     *
     * @param folder the run folder
     * @param hook   called inside each checkpoint save before the commit
     * @return this run
     * @throws IllegalStateException for a resumed run
     */
    public CharModelRun<A> checkpointInto(Path folder, Checkpoint.WriteHook hook) {
        if (provenance == null) {
            throw new IllegalStateException("checkpointInto: a resumed run writes into its own folder ("
                    + directory + ")");
        }
        writer = RunWriter.create(folder, Preprocessing.of(model.vocabulary()), data, provenance, hook);
        trainer.checkpointTo(writer);
        this.directory = folder;
        return this;
    }

    /**
     * Saves a checkpoint of the run as it stands, between steps: e.g. at step 0, for a model whose
     * weights came from elsewhere (an ONNX file, a PyTorch state_dict), so that {@code --resume}
     * trains it further.
     *
     * @throws IOException           if writing fails (the previous checkpoint stays current)
     * @throws IllegalStateException before {@link #checkpointInto}
     */
    public void checkpoint() throws IOException {
        if (writer == null) {
            throw new IllegalStateException("checkpoint: give the run a folder first (checkpointInto)");
        }
        writer.save(trainer);
    }

    private static Map<String, Object> dataSection(CharModelSettings settings, Streams s) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("kind", StreamBatcher.KIND);
        data.put("batch", settings.batch());
        data.put("seq", settings.seq());
        data.put("train_fraction", settings.trainFraction());
        data.put("train_characters", s.train().tokenCount());
        data.put("validation_characters", s.validation().tokenCount());
        return data;
    }

    /**
     * The settings a run folder's checkpoint was trained with.
     *
     * @param manifest the checkpoint's manifest
     * @return the settings
     * @throws FormatException if the checkpoint is not a character model's, or its settings are invalid
     */
    public static CharModelSettings savedSettings(Manifest manifest) throws FormatException {
        var model = manifest.sequenceModel().orElse(null);
        String other = model == null ? "a model of type '" + manifest.modelType() + "'"
                : !model.hasTokens() ? "a sequence model without token input"
                : !model.perStep() ? "a sequence model with " + model.pooling().name().toLowerCase(Locale.ROOT)
                        + " pooling (one output per sequence, not per step)"
                : manifest.preprocessing().vocabulary() == null ? "a sequence model without a character vocabulary"
                : null;
        if (other != null) {
            throw new FormatException(manifest.file(), "a character language model's checkpoint", other,
                    "the run was trained by another command or program");
        }
        try {
            MapFields data = manifest.trainingSection("data");
            if (!StreamBatcher.KIND.equals(data.text("kind"))) {
                throw new FormatException(manifest.file(), "training.data.kind \"" + StreamBatcher.KIND + "\" (a "
                        + "character model's text streams)", "\"" + data.text("kind") + "\"",
                        "the run was trained by another command");
            }
            var rnn = model.rnn();
            return new CharModelSettings(rnn.cell(), model.embeddingDim(), rnn.hiddenSize(), rnn.numLayers(),
                    rnn.dropout(), data.integer("batch"), data.integer("seq"), data.number("train_fraction"),
                    RunWriter.savedConfig(manifest));
        } catch (IllegalArgumentException e) {
            throw FormatException.refused(manifest.file(), "valid character model settings", e,
                    "the file was edited by hand");
        }
    }

    /**
     * Continues a run from its checkpoint, exactly where it stopped.
     *
     * @param directory the run folder (or its {@code checkpoint.json})
     * @param changes   what may change: the budgets, the intervals and the threads
     * @param precision the precision; must be that of the checkpoint
     * @param corpus    the corpus the run was trained on (checked by its SHA-256)
     * @param hook      called inside each checkpoint save before the commit
     * @param <A>       the array type
     * @return the run, at the checkpoint's step
     * @throws IllegalArgumentException if the precision or the corpus is another, or the changes are invalid
     * @throws IOException              if the checkpoint cannot be read or is invalid
     */
    public static <A> CharModelRun<A> resume(Path directory, TrainConfig.Changes changes, Precision<A> precision,
                                             TextCorpus corpus, Checkpoint.WriteHook hook) throws IOException {
        Objects.requireNonNull(changes, "changes");
        Objects.requireNonNull(corpus, "corpus");
        Manifest manifest = dev.recur.checkpoint.ManifestFormat.read(directory);
        CharModelSettings saved = savedSettings(manifest);
        TrainConfig config = saved.train().with(changes);
        if (!manifest.dtype().equals(precision.name())) {
            throw new IllegalArgumentException("resume " + manifest.directory() + ": expected precision "
                    + manifest.dtype() + " (that of the checkpoint), found " + precision.name()
                    + "; likely cause: another --dtype than the run was started with");
        }
        Provenance prov = manifest.provenance();
        if (!corpus.sha256().equals(prov.dataSha256())) {
            throw new IllegalArgumentException(corpus.source() + ": expected the corpus the run was trained on ("
                    + prov.dataSource() + ", SHA-256 " + prov.dataSha256() + "), found SHA-256 " + corpus.sha256()
                    + "; likely cause: the corpus file changed since, or another file was given");
        }
        Checkpoint.Restored<A> restored = Checkpoint.load(manifest.directory(),
                precision.withThreads(config.effectiveThreads()));
        Vocabulary vocabulary = restored.manifest().preprocessing().vocabulary();
        if (!vocabulary.equals(corpus.vocabulary())) {
            throw new FormatException(restored.manifest().file(), "the vocabulary of " + corpus.source(),
                    "another vocabulary", "the file was edited by hand");
        }
        Streams s = Streams.of(corpus, vocabulary, saved.batch(), saved.seq(), saved.trainFraction());
        Trainer<A> trainer = RunWriter.resume(restored, s.train(), s.validation().batches(), config, hook);
        return new CharModelRun<>(trainer, new CharLanguageModel<>(restored.model(), vocabulary),
                saved.toBuilder().train(config).build(), s.train(), s.validation(), restored.manifest().directory(),
                null, null);
    }

    /**
     * Loads the character model of a run folder for prediction, reading only its manifest and model
     * file.
     *
     * @param directory the run folder (or its {@code checkpoint.json})
     * @param precision the precision to compute in
     * @param <A>       the array type
     * @return the model with its vocabulary, in evaluation mode
     * @throws IOException if the checkpoint is missing, corrupted or not a character model's
     */
    public static <A> CharLanguageModel<A> load(Path directory, Precision<A> precision) throws IOException {
        Checkpoint.Loaded<A> loaded = Checkpoint.loadModel(directory, precision, false);
        Vocabulary vocabulary = loaded.preprocessing().vocabulary();
        if (vocabulary == null) {
            throw new FormatException(loaded.manifest().file(), "a character model's vocabulary (preprocessing."
                    + "vocabulary)", "none", "the run holds another kind of model");
        }
        try {
            return new CharLanguageModel<>(loaded.model(), vocabulary);
        } catch (IllegalArgumentException e) {
            throw new FormatException(loaded.manifest().file(), "a character language model", e.getMessage(),
                    "the run holds another kind of model, or the file was edited by hand", e);
        }
    }

    /** The trainer. */
    public Trainer<A> trainer() {
        return trainer;
    }

    /** The model with its vocabulary (sharing the trainer's network), to predict and generate. */
    public CharLanguageModel<A> model() {
        return model;
    }

    /** The settings the run trains with (for a resumed run, its saved ones with the changes applied). */
    public CharModelSettings settings() {
        return settings;
    }

    /** The vocabulary. */
    public Vocabulary vocabulary() {
        return model.vocabulary();
    }

    /** {@code B}: the number of parallel streams. */
    public int batch() {
        return batcher.batch();
    }

    /** The chunk length in time steps. */
    public int seq() {
        return batcher.seq();
    }

    /** The number of training characters (before the cut into streams). */
    public int trainCharacters() {
        return batcher.tokenCount();
    }

    /** The number of validation characters. */
    public int validationCharacters() {
        return validation.tokenCount();
    }

    /** The settings the run trains with. */
    public TrainConfig config() {
        return trainer.config();
    }

    /** The run folder, or null without one. */
    public Path directory() {
        return directory;
    }
}
