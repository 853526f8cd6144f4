package dev.recur.train;

import dev.recur.Version;
import dev.recur.data.Chunk;
import dev.recur.data.CorpusSplit;
import dev.recur.data.StreamBatcher;
import dev.recur.data.TextCorpus;
import dev.recur.data.ValidationStreams;
import dev.recur.data.Vocabulary;
import dev.recur.io.Checkpoint;
import dev.recur.io.FormatException;
import dev.recur.model.CharLanguageModel;
import dev.recur.model.LanguageModelOutput;
import dev.recur.nn.Parameter;
import dev.recur.nn.sequence.State;
import dev.recur.optim.GradientClipping;
import dev.recur.optim.LearningRateSchedule;
import dev.recur.optim.Optimizer;
import dev.recur.tensor.Precision;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Trains a {@link CharLanguageModel} on a corpus with truncated back-propagation through time,
 * char-rnn style, exactly as the reference protocol ({@code charlm_torch.py}):
 * <ul>
 *   <li>the corpus's vocabulary is the sorted set of its characters; the first 90% trains, the rest
 *       validates ({@link CorpusSplit});</li>
 *   <li>the training text is cut into {@code B} parallel streams read in chunks of {@code seq} steps
 *       ({@link StreamBatcher}); each step runs one chunk forward from the state the previous chunk
 *       left (zero at the first chunk of an epoch), takes the mean cross-entropy over all
 *       {@code seq·B} predictions, back-propagates within the chunk only (no gradient crosses the
 *       chunk boundary), clips the global gradient norm and takes one optimizer step;</li>
 *   <li>validation runs over the held-out text cut into {@code B} streams, state carried through,
 *       every predicted character counted once ({@link Evaluation}); its time is not counted as
 *       training time.</li>
 * </ul>
 *
 * <h2>Determinism and resuming</h2>
 * The losses depend only on the configuration, the corpus and the seed, not on the thread count or
 * the machine. {@link #save} writes a {@link Checkpoint} holding everything the next step depends
 * on (weights, optimizer state, data position, carried recurrent state, dropout position, loss
 * history, training time); {@link #resume} restores it, and the resumed run produces exactly the
 * losses of an uninterrupted one.
 *
 * <p>Not thread-safe, except {@link #requestStop()}.
 *
 * @param <A> the array type ({@code float[]} or {@code double[]})
 */
public final class Trainer<A> {

    /** Smoothing of the displayed training loss: {@code run = 0.98·run + 0.02·loss}, as the reference. */
    private static final double SMOOTHING = 0.98;

    private final TrainConfig config;
    private final Precision<A> precision;
    private final Vocabulary vocabulary;
    private final StreamBatcher batcher;
    private final ValidationStreams validation;
    private final CharLanguageModel<A> model;
    private final List<Parameter<A>> parameters;
    private final Optimizer<A> optimizer;
    private final LearningRateSchedule schedule;
    private final String corpusSource;
    private final String corpusSha256;
    private final long corpusCharacters;
    private final String runStarted;

    private State<A> carry;
    private long step;
    private double smoothedLoss = Double.NaN;
    private double trainSeconds;
    private double[] trainLosses = new double[64];
    private final List<Long> valSteps = new ArrayList<>();
    private final List<Double> valLosses = new ArrayList<>();
    private EvalResult lastValidation;
    private long lastValidationStep = -1;
    private long lastSavedStep = -1;

    private Path checkpointDirectory;
    /** The run folder this trainer was resumed from, or null for a fresh run. */
    private Path resumedFrom;
    /** The step count it was resumed at. */
    private long resumedAtStep;
    private Checkpoint.WriteHook writeHook = Checkpoint.WriteHook.NONE;
    private volatile boolean stopRequested;

    private Trainer(TrainConfig config, Precision<A> precision, TextCorpus corpus, Vocabulary vocabulary,
                    CharLanguageModel<A> model, String runStarted) {
        this.config = config;
        this.precision = model == null ? precision.withThreads(config.effectiveThreads()) : model.precision();
        this.vocabulary = vocabulary;
        int[] tokens = corpus.encode(vocabulary);
        CorpusSplit split;
        try {
            split = CorpusSplit.of(tokens, config.trainFraction());
            this.batcher = StreamBatcher.of(split.train(), config.batch(), config.seq());
            this.validation = ValidationStreams.of(split.validation(), config.batch(), config.seq());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(corpus.source() + " (" + corpus.length() + " characters): "
                    + e.getMessage(), e);
        }
        this.model = model != null ? model
                : CharLanguageModel.create(config.modelConfig(vocabulary.size()), this.precision, config.seed());
        this.parameters = this.model.parameters();
        this.optimizer = config.optimizer().create(this.precision, this.model.namedParameters());
        this.schedule = config.schedule().build(config.optimizer().learningRate());
        this.corpusSource = corpus.source();
        this.corpusSha256 = corpus.sha256();
        this.corpusCharacters = corpus.length();
        this.runStarted = runStarted;
    }

    /**
     * A trainer for a fresh model (initialised from {@link TrainConfig#seed()}) on a corpus.
     *
     * @param config    the configuration
     * @param precision the precision ({@link Precision#F32} for speed); it runs on
     *                  {@link TrainConfig#effectiveThreads()} threads
     * @param corpus    the corpus
     * @param <A>       the array type
     * @return the trainer, at step 0
     * @throws IllegalArgumentException if the corpus is too short for the batch shape (the message
     *                                  names the corpus)
     */
    public static <A> Trainer<A> create(TrainConfig config, Precision<A> precision, TextCorpus corpus) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(precision, "precision");
        Objects.requireNonNull(corpus, "corpus");
        return new Trainer<>(config, precision, corpus, corpus.vocabulary(), null,
                Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
    }

    /**
     * The training configuration a checkpoint was saved with.
     *
     * @param manifest the checkpoint's manifest
     * @return the configuration
     * @throws FormatException if the manifest's training section is missing or invalid
     */
    public static TrainConfig savedConfig(Checkpoint.Manifest manifest) throws FormatException {
        Path file = manifest.directory().resolve(Checkpoint.MANIFEST);
        try {
            return TrainConfig.fromMap(new MapFields("training", manifest.training()).object("config"));
        } catch (IllegalArgumentException e) {
            throw refused(file, "a valid training configuration", e,
                    "the file was edited by hand, or the checkpoint holds a model saved without its training state");
        }
    }

    /**
     * Continues a run from its checkpoint.
     *
     * @param directory the run folder (or its {@code checkpoint.json})
     * @param config    the configuration to continue with: {@link #savedConfig} of the checkpoint,
     *                  where only the budgets ({@code steps}, {@code timeBudgetSeconds}), the
     *                  intervals ({@code evalEvery}, {@code checkpointEvery}) and {@code threads} may
     *                  differ
     * @param precision the precision; must be that of the checkpoint ({@code float32} or {@code float64})
     * @param corpus    the corpus the run was trained on (checked by its SHA-256)
     * @param <A>       the array type
     * @return the trainer, at the checkpoint's step
     * @throws IllegalArgumentException if the configuration changes anything else, the precision
     *                                  differs, or the corpus is another one
     * @throws IOException              if the checkpoint cannot be read or is invalid
     */
    public static <A> Trainer<A> resume(Path directory, TrainConfig config, Precision<A> precision,
                                        TextCorpus corpus) throws IOException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(precision, "precision");
        Objects.requireNonNull(corpus, "corpus");
        Checkpoint.Manifest manifest = Checkpoint.readManifest(directory);
        Path file = manifest.directory().resolve(Checkpoint.MANIFEST);
        TrainConfig saved = savedConfig(manifest);
        requireCompatible(saved, config);
        if (!manifest.dtype().equals(precision.name())) {
            throw new IllegalArgumentException("resume " + manifest.directory() + ": expected precision "
                    + manifest.dtype() + " (that of the checkpoint), found " + precision.name()
                    + "; likely cause: another --dtype than the run was started with");
        }
        Checkpoint.Provenance prov = manifest.provenance();
        if (!corpus.sha256().equals(prov.corpusSha256())) {
            throw new IllegalArgumentException(corpus.source() + ": expected the corpus the run was trained on ("
                    + prov.corpusSource() + ", SHA-256 " + prov.corpusSha256() + "), found SHA-256 " + corpus.sha256()
                    + "; likely cause: the corpus file changed since, or another file was given");
        }
        Checkpoint.Contents<A> contents = Checkpoint.load(manifest.directory(),
                precision.withThreads(config.effectiveThreads()));
        if (!contents.vocabulary().equals(corpus.vocabulary())) {
            throw new FormatException(file, "the vocabulary of " + corpus.source(), "another vocabulary",
                    "the file was edited by hand");
        }
        Trainer<A> t = new Trainer<>(config, precision, corpus, contents.vocabulary(), contents.model(),
                prov.runStarted());
        try {
            t.restore(contents);
        } catch (IllegalArgumentException e) {
            throw refused(file, "a consistent training state", e,
                    "the files of the checkpoint do not belong together (edited or mixed up)");
        }
        t.lastSavedStep = t.step;
        t.resumedFrom = manifest.directory();
        t.resumedAtStep = t.step;
        return t;
    }

    private static void requireCompatible(TrainConfig saved, TrainConfig given) {
        TrainConfig normalised = given.toBuilder().steps(saved.steps()).timeBudgetSeconds(saved.timeBudgetSeconds())
                .evalEvery(saved.evalEvery()).checkpointEvery(saved.checkpointEvery()).threads(saved.threads()).build();
        if (normalised.equals(saved)) {
            return;
        }
        Map<String, Object> a = saved.toMap();
        Map<String, Object> b = normalised.toMap();
        for (String key : a.keySet()) {
            if (!Objects.equals(a.get(key), b.get(key))) {
                throw new IllegalArgumentException("resume: " + key + " cannot change when a run is resumed: expected "
                        + a.get(key) + " (the run's), found " + b.get(key)
                        + "; likely cause: a training flag given with --resume (only the budgets, intervals and"
                        + " threads may change)");
            }
        }
        throw new IllegalArgumentException("resume: the configuration differs from the run's");
    }

    private void restore(Checkpoint.Contents<A> c) {
        Map<String, Object> training = c.training();
        MapFields f = new MapFields("training", training);
        MapFields pos = new MapFields("training.position", f.object("position"));
        long s = pos.longValue("step");
        if (s != c.step()) {
            throw new IllegalArgumentException("training.position.step " + s + " differs from step " + c.step());
        }
        if (c.optimizer() == null) {
            throw new IllegalArgumentException("no optimizer state");
        }
        optimizer.importState(c.optimizer());
        if (optimizer.stepCount() != s) {
            throw new IllegalArgumentException("the optimizer has taken " + optimizer.stepCount() + " steps, the run "
                    + s);
        }
        batcher.seekToStep(s);
        StreamBatcher.Position p = batcher.position();
        if (p.epoch() != pos.longValue("epoch") || p.chunk() != pos.integer("chunk")) {
            throw new IllegalArgumentException("training.position (epoch " + pos.longValue("epoch") + ", chunk "
                    + pos.integer("chunk") + ") does not match step " + s + " for this batch shape and corpus");
        }
        MapFields rng = new MapFields("training.rng", f.object("rng"));
        model.setDropoutPasses(rng.longValue("dropout_passes"));
        trainSeconds = f.number("train_seconds");
        step = s;
        double[] history = c.stateTensor("history.train_loss").map(Checkpoint.Tensor::values).orElse(new double[0]);
        if (history.length != s) {
            throw new IllegalArgumentException("the loss history has " + history.length + " entries for " + s
                    + " steps");
        }
        trainLosses = Arrays.copyOf(history, Math.max(64, history.length * 2));
        for (double loss : history) {
            smoothedLoss = Double.isNaN(smoothedLoss) ? loss : SMOOTHING * smoothedLoss + (1 - SMOOTHING) * loss;
        }
        double[] vs = c.stateTensor("history.val_step").map(Checkpoint.Tensor::values).orElse(new double[0]);
        double[] vl = c.stateTensor("history.val_loss").map(Checkpoint.Tensor::values).orElse(new double[0]);
        if (vs.length != vl.length) {
            throw new IllegalArgumentException("the validation history has " + vs.length + " steps and " + vl.length
                    + " losses");
        }
        long predictions = validation.predictionCount();
        for (int i = 0; i < vs.length; i++) {
            valSteps.add((long) vs[i]);
            valLosses.add(vl[i]);
        }
        if (vs.length > 0 && (long) vs[vs.length - 1] == s) {
            lastValidation = new EvalResult(vl[vl.length - 1], predictions);
            lastValidationStep = s;
        }
        Optional<Checkpoint.Tensor> h = c.stateTensor("carry.h");
        if (h.isPresent()) {
            Optional<Checkpoint.Tensor> ct = c.stateTensor("carry.c");
            int[] expected = {config.layers(), config.batch(), config.hiddenSize()};
            if (ct.isPresent() != config.cell().hasCellState()) {
                throw new IllegalArgumentException("the carried recurrent state does not fit a " + config.cell().id()
                        + ": expected " + (ct.isPresent() ? "no carry.c (it has no cell state), found one"
                        : "carry.c beside carry.h, found none"));
            }
            if (!Arrays.equals(h.get().shape(), expected)
                    || (ct.isPresent() && !Arrays.equals(ct.get().shape(), expected))) {
                throw new IllegalArgumentException("the carried recurrent state does not fit [L, B, H] = "
                        + Arrays.toString(expected) + ": found carry.h " + Arrays.toString(h.get().shape())
                        + (ct.isPresent() ? ", carry.c " + Arrays.toString(ct.get().shape()) : ", no carry.c"));
            }
            A hv = precision.fromDoubles(h.get().values());
            A cv = ct.map(t -> precision.fromDoubles(t.values())).orElse(null);
            carry = new State<>(hv, cv);
        }
    }

    /**
     * Makes {@link #train} save a checkpoint into {@code directory} every
     * {@link TrainConfig#checkpointEvery()} steps and at the end.
     *
     * @param directory the run folder
     * @param hook      called inside each save before the commit ({@link Checkpoint.WriteHook#NONE} normally)
     * @return this trainer
     */
    public Trainer<A> checkpointInto(Path directory, Checkpoint.WriteHook hook) {
        this.checkpointDirectory = Objects.requireNonNull(directory, "directory");
        this.writeHook = Objects.requireNonNull(hook, "hook");
        return this;
    }

    /**
     * Asks {@link #train} to stop after the current step (it then validates and saves as at the
     * end). Safe to call from any thread, e.g. a signal handler.
     */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Whether a budget is spent (the run is complete).
     *
     * @return true if the step budget is reached or the time budget spent
     */
    public boolean budgetReached() {
        return (config.steps() > 0 && step >= config.steps())
                || (config.timeBudgetSeconds() > 0 && trainSeconds >= config.timeBudgetSeconds());
    }

    /**
     * Trains until a budget is spent or a stop is requested: steps, with validation every
     * {@link TrainConfig#evalEvery()} steps, a checkpoint every {@link TrainConfig#checkpointEvery()}
     * steps (when a folder is set with {@link #checkpointInto}), and both at the end.
     *
     * @param listener receives the events
     * @return the summary
     * @throws IOException            if a checkpoint cannot be written
     * @throws TrainingDivergedException if the loss, the gradient, the validation loss, a parameter or
     *                                   the optimizer state becomes NaN or infinite; the step that
     *                                   diverged is not saved, so the folder keeps the last good checkpoint
     */
    public TrainingEvents.Summary train(TrainingListener listener) throws IOException {
        Objects.requireNonNull(listener, "listener");
        long first = step;
        TrainingEvents.StopReason reason = null;
        while (true) {
            if (config.steps() > 0 && step >= config.steps()) {
                reason = TrainingEvents.StopReason.STEPS;
            } else if (config.timeBudgetSeconds() > 0 && trainSeconds >= config.timeBudgetSeconds()) {
                reason = TrainingEvents.StopReason.TIME;
            } else if (stopRequested) {
                reason = TrainingEvents.StopReason.REQUESTED;
            }
            if (reason != null) {
                break;
            }
            listener.onStep(step());
            boolean last = budgetReached() || stopRequested;
            if (last || (config.evalEvery() > 0 && step % config.evalEvery() == 0)) {
                listener.onValidation(validate());
            }
            if (checkpointDirectory != null
                    && (last || (config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0))) {
                listener.onCheckpoint(new TrainingEvents.Saved(step, save(checkpointDirectory, writeHook)));
            }
        }
        if (lastValidationStep != step) {
            listener.onValidation(validate());
        }
        if (checkpointDirectory != null && lastSavedStep != step) {
            listener.onCheckpoint(new TrainingEvents.Saved(step, save(checkpointDirectory, writeHook)));
        }
        return new TrainingEvents.Summary(step, step - first, tokens(), trainSeconds, lastValidation, reason);
    }

    /**
     * Takes one training step on the next chunk.
     *
     * @return what the step did
     * @throws TrainingDivergedException if the loss, the gradient or the carried recurrent state becomes
     *                                   NaN or infinite (the parameters, the optimizer state and the
     *                                   carried state are then left unchanged by this step; the data
     *                                   position and the dropout stream have moved on), or the update
     *                                   leaves a parameter or the optimizer state NaN or infinite (then
     *                                   the trainer holds those values and cannot be saved:
     *                                   {@link Checkpoint#save} refuses them)
     */
    public TrainingEvents.Step step() {
        long t0 = System.nanoTime();
        Chunk chunk = batcher.next();
        State<A> initial = chunk.startsEpoch() ? null : carry;
        double lr = schedule.at(optimizer.stepCount());
        optimizer.setLearningRate(lr);
        optimizer.zeroGrad();
        LanguageModelOutput<A> out = model.forward(chunk.inputs(), chunk.steps(), chunk.batch(), initial, true);
        double loss = model.lossAndBackward(out, chunk.targets());
        double norm = config.clipNorm() > 0 ? GradientClipping.clipByGlobalNorm(parameters, config.clipNorm())
                : Double.NaN;
        if (!Double.isFinite(loss) || (config.clipNorm() > 0 && !Double.isFinite(norm))) {
            throw diverged(step + 1, "a finite " + (Double.isFinite(loss) ? "gradient norm" : "loss"),
                    Double.toString(Double.isFinite(loss) ? norm : loss));
        }
        // the carried state comes from the forward pass: checked before the update, so that a step
        // that diverges here changes nothing
        Optional<String> badCarry = nonFinite(out.finalState());
        if (badCarry.isPresent()) {
            throw diverged(step + 1, "a finite carried state", badCarry.get());
        }
        optimizer.step();
        // A step with a finite loss can still leave NaN or infinity behind (an overflowing update, a
        // corrupt optimizer state): stop here, so that it is never saved over a good checkpoint.
        Optional<String> bad = optimizer.firstNonFinite();
        if (bad.isPresent()) {
            throw diverged(step + 1, "finite parameters and optimizer state after the update", bad.get());
        }
        carry = out.finalState();
        step++;
        if (trainLosses.length < step) {
            trainLosses = Arrays.copyOf(trainLosses, (int) Math.min(Integer.MAX_VALUE - 8, 2L * step));
        }
        trainLosses[(int) step - 1] = loss;
        smoothedLoss = Double.isNaN(smoothedLoss) ? loss : SMOOTHING * smoothedLoss + (1 - SMOOTHING) * loss;
        trainSeconds += (System.nanoTime() - t0) * 1e-9;
        return new TrainingEvents.Step(step, config.steps(), loss, smoothedLoss, lr, norm, tokens(), trainSeconds,
                config.timeBudgetSeconds());
    }

    /**
     * A checkpoint refused because a check on its contents failed, with the checkpoint's likely cause:
     * the check's own, written for a value given as an option, is left out of what was found.
     */
    private static FormatException refused(Path file, String expected, IllegalArgumentException e, String likelyCause) {
        String found = String.valueOf(e.getMessage());
        int own = found.indexOf("; likely cause: ");
        return new FormatException(file, expected, own < 0 ? found : found.substring(0, own), likelyCause, e);
    }

    /**
     * The divergence at step {@code at} (1-based): what was expected, what was found, and the likely
     * cause; on the first step after a resume, a corrupt optimizer state in that checkpoint is one.
     */
    private TrainingDivergedException diverged(long at, String expected, String found) {
        return new TrainingDivergedException("training diverged at step " + at + ": expected " + expected + ", found "
                + found + "; likely cause: the learning rate (" + config.optimizer().learningRate() + ") is too high,"
                + " or no gradient clipping" + (resumedFrom == null || at != resumedAtStep + 1 ? ""
                : ", or a corrupt optimizer state in the checkpoint resumed from (" + resumedFrom + ")"));
    }

    /** The first NaN or infinite value of a carried recurrent state, e.g. {@code carry.h[0, 3, 7] = NaN}. */
    private Optional<String> nonFinite(State<A> state) {
        int[] shape = {config.layers(), config.batch(), config.hiddenSize()};
        for (String name : List.of("h", "c")) {
            A a = name.equals("h") ? state.h() : state.c();
            int bad = a == null ? -1 : precision.kernels().firstNonFinite(a, 0, precision.kernels().length(a));
            if (bad >= 0) {
                return Optional.of("carry." + name + Parameter.index(shape, bad) + " = " + precision.get(a, bad));
            }
        }
        return Optional.empty();
    }

    /**
     * Runs a validation pass over the held-out text and records it in the history.
     *
     * @return the result
     * @throws TrainingDivergedException if the validation loss is NaN or infinite (the weights
     *                                   overflow); nothing is recorded then
     */
    public TrainingEvents.Validation validate() {
        long t0 = System.nanoTime();
        EvalResult r = Evaluation.evaluate(model, validation);
        double seconds = (System.nanoTime() - t0) * 1e-9;
        if (!Double.isFinite(r.loss())) {
            throw diverged(step, "a finite validation loss", Double.toString(r.loss()));
        }
        if (lastValidationStep != step) {
            valSteps.add(step);
            valLosses.add(r.loss());
        }
        lastValidation = r;
        lastValidationStep = step;
        return new TrainingEvents.Validation(step, r, smoothedLoss, tokens(), trainSeconds, seconds);
    }

    /**
     * Saves a checkpoint of the current state into a run folder (see {@link Checkpoint}).
     *
     * @param directory the run folder
     * @return the manifest written
     * @throws IOException if writing fails (the folder's previous checkpoint stays valid)
     */
    public Checkpoint.Manifest save(Path directory) throws IOException {
        return save(directory, Checkpoint.WriteHook.NONE);
    }

    /**
     * Saves a checkpoint, calling {@code hook} before the commit; see {@link #save(Path)}.
     *
     * @param directory the run folder
     * @param hook      the hook
     * @return the manifest written
     * @throws IOException if writing fails
     */
    public Checkpoint.Manifest save(Path directory, Checkpoint.WriteHook hook) throws IOException {
        List<Checkpoint.Tensor> state = new ArrayList<>();
        if (carry != null) {
            int[] shape = {config.layers(), config.batch(), config.hiddenSize()};
            state.add(new Checkpoint.Tensor("carry.h", shape, precision.toDoubles(carry.h())));
            if (carry.c() != null) {
                state.add(new Checkpoint.Tensor("carry.c", shape, precision.toDoubles(carry.c())));
            }
        }
        state.add(new Checkpoint.Tensor("history.train_loss", new int[] {(int) step},
                Arrays.copyOf(trainLosses, (int) step)));
        double[] vs = new double[valSteps.size()];
        double[] vl = new double[valSteps.size()];
        for (int i = 0; i < vs.length; i++) {
            vs[i] = valSteps.get(i);
            vl[i] = valLosses.get(i);
        }
        state.add(new Checkpoint.Tensor("history.val_step", new int[] {vs.length}, vs));
        state.add(new Checkpoint.Tensor("history.val_loss", new int[] {vl.length}, vl));

        Map<String, Object> training = new LinkedHashMap<>();
        training.put("config", config.toMap());
        StreamBatcher.Position p = batcher.position();
        Map<String, Object> position = new LinkedHashMap<>();
        position.put("step", step);
        position.put("epoch", p.epoch());
        position.put("chunk", p.chunk());
        position.put("tokens", tokens());
        training.put("position", position);
        Map<String, Object> rng = new LinkedHashMap<>();
        rng.put("seed", config.seed());
        rng.put("dropout_passes", model.dropoutPasses());
        training.put("rng", rng);
        training.put("train_seconds", trainSeconds);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("train_characters", batcher.tokenCount());
        data.put("validation_characters", validation.tokenCount());
        training.put("data", data);
        if (lastValidation != null) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("step", lastValidationStep);
            v.put("loss", lastValidation.loss());
            v.put("bits_per_char", lastValidation.bitsPerChar());
            training.put("last_validation", v);
        }
        Checkpoint.Provenance prov = new Checkpoint.Provenance(Version.get(), config.seed(), corpusSource,
                corpusSha256, corpusCharacters, runStarted, System.getProperty("java.version", "unknown"));
        Checkpoint.Manifest m = Checkpoint.save(directory, new Checkpoint.Contents<>(model, vocabulary, step,
                optimizer.exportState(), state, prov, training), hook);
        lastSavedStep = step;
        return m;
    }

    /**
     * The configuration.
     *
     * @return the configuration
     */
    public TrainConfig config() {
        return config;
    }

    /**
     * The model being trained (shared, not a copy).
     *
     * @return the model
     */
    public CharLanguageModel<A> model() {
        return model;
    }

    /**
     * The vocabulary.
     *
     * @return the vocabulary
     */
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /**
     * The model with its vocabulary, for prediction and generation (sharing the model).
     *
     * @return the trained model
     */
    public TrainedModel<A> trainedModel() {
        return new TrainedModel<>(model, vocabulary);
    }

    /**
     * The number of steps done (across resumes).
     *
     * @return the step count
     */
    public long stepCount() {
        return step;
    }

    /**
     * Characters trained on so far: {@code step·B·seq}.
     *
     * @return the count
     */
    public long tokens() {
        return step * config.batch() * config.seq();
    }

    /**
     * Training time so far in seconds (across resumes; without validation and checkpoints).
     *
     * @return the seconds
     */
    public double trainSeconds() {
        return trainSeconds;
    }

    /**
     * The smoothed training loss (NaN before the first step).
     *
     * @return the loss
     */
    public double smoothedLoss() {
        return smoothedLoss;
    }

    /**
     * The loss of every step so far, in order (step 1 first).
     *
     * @return a new array of {@link #stepCount()} losses
     */
    public double[] trainLossHistory() {
        return Arrays.copyOf(trainLosses, (int) step);
    }

    /**
     * The validation history: pairs {@code (step, loss)} in order.
     *
     * @return a new array of {@code [step, loss]} pairs
     */
    public double[][] validationHistory() {
        double[][] h = new double[valSteps.size()][];
        for (int i = 0; i < h.length; i++) {
            h[i] = new double[] {valSteps.get(i), valLosses.get(i)};
        }
        return h;
    }

    /**
     * The last validation result, if any.
     *
     * @return the result, or null
     */
    public EvalResult lastValidation() {
        return lastValidation;
    }

    /**
     * The number of training characters (before the cut into streams).
     *
     * @return the count
     */
    public int trainCharacters() {
        return batcher.tokenCount();
    }

    /**
     * The number of validation characters.
     *
     * @return the count
     */
    public int validationCharacters() {
        return validation.tokenCount();
    }

    /**
     * The number of trainable parameters.
     *
     * @return the count
     */
    public long parameterCount() {
        long n = 0;
        for (Parameter<A> p : parameters) {
            n += p.size();
        }
        return n;
    }

    /**
     * The precision the model computes in (with its threads).
     *
     * @return the precision
     */
    public Precision<A> precision() {
        return precision;
    }

    /**
     * When the run started (ISO-8601 UTC), kept across resumes.
     *
     * @return the start time
     */
    public String runStarted() {
        return runStarted;
    }
}
