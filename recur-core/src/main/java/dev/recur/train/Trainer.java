package dev.recur.train;

import dev.recur.data.Batch;
import dev.recur.data.TrainingData;
import dev.recur.model.EvalResult;
import dev.recur.model.Evaluation;
import dev.recur.model.Model;
import dev.recur.nn.Activations;
import dev.recur.nn.Parameter;
import dev.recur.nn.loss.Loss;
import dev.recur.nn.loss.LossValue;
import dev.recur.nn.loss.Metric;
import dev.recur.nn.sequence.SequenceLayer;
import dev.recur.nn.sequence.State;
import dev.recur.optim.GradientClipping;
import dev.recur.optim.LearningRateSchedule;
import dev.recur.optim.Optimizer;
import dev.recur.optim.OptimizerState;
import dev.recur.tensor.Kernels;
import dev.recur.tensor.Precision;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The one training loop of recur, for every {@link Model}: batches from a {@link TrainingData}
 * stream, a {@link Loss}, an optimizer, gradient clipping, a learning-rate schedule, budgets,
 * validation with metrics, early stopping, one divergence policy, and checkpoints through a
 * {@link CheckpointSink}; everything it does is reported to {@link TrainingListener}s.
 *
 * <h2>A step</h2>
 * <ol>
 *   <li>take the next batch; start from the recurrent state the previous batch ended in if the batch
 *       {@link Batch#continues() continues} it (truncated BPTT: the state is a plain value there, so no
 *       gradient crosses the boundary), else from zero;</li>
 *   <li>set the learning rate the schedule gives for the optimizer's step count; zero the gradients;
 *       run the model forward in training mode; compute the loss and its gradient; back-propagate;</li>
 *   <li>clip the global gradient norm; if the loss, the norm or the carried state is NaN or infinite,
 *       stop or skip the update ({@link DivergencePolicy}); else take the optimizer step, and stop if it
 *       left a parameter or optimizer value NaN or infinite.</li>
 * </ol>
 *
 * <h2>Determinism and resuming</h2>
 * The losses depend only on the model's initial weights, the data stream and the configuration, not
 * on the thread count or the machine. {@link #state()} holds everything the next step depends on
 * besides the weights; {@link #restore} takes it back, and the resumed run produces exactly the
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
    private final Model<A> model;
    private final Loss loss;
    private final TrainingData data;
    private final Iterable<Batch> validation;
    private final Precision<A> precision;
    private final List<Parameter<A>> parameters;
    /** The parameters by their state_dict names, for messages naming one. */
    private final Map<String, Parameter<A>> namedParameters;
    private final Optimizer<A> optimizer;
    private final LearningRateSchedule schedule;

    private State<A> carry;
    /** The gradient of the model's output, reused by every step of its size. */
    private A outputGradient;
    private long step;
    private long tokens;
    private long skipped;
    private double smoothedLoss = Double.NaN;
    private double trainSeconds;
    private double[] trainLosses = new double[64];
    private final List<TrainingState.ValidationPoint> validations = new ArrayList<>();
    private EvalResult lastValidation;
    private long lastValidationStep = -1;
    private long lastSavedStep = -1;
    private TrainingState.Best best;
    private CheckpointSink sink;
    /** Where this trainer was restored from (for messages), or null for a fresh run. */
    private String resumedFrom;
    private long resumedAtStep;
    private volatile boolean stopRequested;
    /** Rollbacks stop here: 20 halvings of the learning rate, and the step still diverges. */
    static final double MIN_LEARNING_RATE_SCALE = 0x1p-20;
    /** The factor on the scheduled learning rate: halved by each rollback. */
    private double learningRateScale = 1;
    /** Under {@link DivergencePolicy#ROLLBACK}: what a rollback returns to; else null. */
    private GoodPoint<A> lastGood;

    /** Copies of the parameter values, the optimizer state and the carried state at a good point. */
    private record GoodPoint<A>(List<A> values, OptimizerState optimizer, State<A> carry, long step, long skipped) {
    }

    private Trainer(Model<A> model, Loss loss, TrainingData data, Iterable<Batch> validation, TrainConfig config) {
        this.config = config;
        this.model = model;
        this.loss = loss;
        this.data = data;
        this.validation = validation;
        this.precision = model.precision();
        this.parameters = model.parameters();
        this.namedParameters = model.namedParameters();
        this.optimizer = config.optimizer().create(precision, namedParameters);
        this.schedule = config.schedule().build(config.optimizer().learningRate());
        keepGoodPoint();
        if (validation == null && config.earlyStopping() != null) {
            throw new IllegalArgumentException("early stopping: expected validation data to measure "
                    + config.earlyStopping().metric() + " on, found none; likely cause: validation batches not given "
                    + "to the trainer");
        }
        for (Metric m : config.metrics()) {
            if (m.classTargets() != loss.classTargets()) {
                throw new IllegalArgumentException("metric " + m.id() + ": expected a metric of "
                        + (loss.classTargets() ? "class" : "value") + " targets for the loss " + loss.name()
                        + ", found one of " + (m.classTargets() ? "class" : "value") + " targets");
            }
        }
    }

    /**
     * A trainer at step 0.
     *
     * @param model      the model, freshly initialised (it computes with its own precision and threads)
     * @param loss       the loss to minimise
     * @param data       the training batches, at their start
     * @param validation the validation batches (iterated once per validation), or null for none: then
     *                   {@link #train} validates nothing
     * @param config     how to train
     * @param <A>        the array type
     * @return the trainer
     * @throws IllegalArgumentException if a metric does not fit the loss's targets, or early stopping is
     *                                  configured without validation data
     */
    public static <A> Trainer<A> create(Model<A> model, Loss loss, TrainingData data, Iterable<Batch> validation,
                                        TrainConfig config) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(config, "config");
        return new Trainer<>(model, loss, data, validation, config);
    }

    /**
     * Continues a run: the state of {@link #state()} saved by an earlier trainer of the same model
     * (its weights restored already), data and configuration.
     *
     * @param state the saved state
     * @param from  where it was saved (named in the message of a divergence right after the resume)
     * @return this trainer, at the state's step
     * @throws IllegalArgumentException if the state does not fit this trainer (another optimizer,
     *                                  data position, carried state of another shape)
     */
    public Trainer<A> restore(TrainingState<A> state, String from) {
        Objects.requireNonNull(state, "state");
        if (step != 0) {
            throw new IllegalStateException("restore: expected a trainer at step 0, found one at step " + step);
        }
        optimizer.importState(state.optimizer());
        data.seekToStep(state.step());
        model.setRandomState(state.randomState());
        if (state.carry() != null) {
            requireCarryFits(state.carry());
        }
        carry = state.carry();
        step = state.step();
        tokens = state.tokens();
        skipped = state.skipped();
        trainSeconds = state.trainSeconds();
        double[] history = state.losses();
        trainLosses = Arrays.copyOf(history, Math.max(64, history.length * 2));
        for (double l : history) {
            smooth(l);
        }
        validations.addAll(state.validations());
        if (!validations.isEmpty() && validations.get(validations.size() - 1).step() == step) {
            TrainingState.ValidationPoint v = validations.get(validations.size() - 1);
            // the count of the pass is not saved: NaN until the next validation
            lastValidation = new EvalResult(v.loss(), Double.NaN, v.metrics());
            lastValidationStep = step;
        }
        best = state.best();
        lastSavedStep = step;
        resumedFrom = from;
        resumedAtStep = step;
        learningRateScale = state.learningRateScale();
        keepGoodPoint();
        return this;
    }

    /** Checks that a carried state fits the model's recurrent stack (for any batch size). */
    private void requireCarryFits(State<A> state) {
        Optional<SequenceLayer<A>> rnn = SequenceLayer.of(model);
        if (rnn.isEmpty()) {
            return;
        }
        var rc = rnn.get().config();
        boolean lstm = rc.cell().hasCellState();
        if ((state.c() != null) != lstm) {
            throw new IllegalArgumentException("the carried recurrent state does not fit a " + rc.cell().id()
                    + ": expected " + (lstm ? "carry.c beside carry.h, found none"
                    : "no carry.c (it has no cell state), found one"));
        }
        Kernels<A> k = precision.kernels();
        int[] h = rc.stateShape(1, false);
        int batch = k.length(state.h()) / (h[0] * h[2]);
        if (batch < 1 || k.length(state.h()) != batch * h[0] * h[2]
                || (lstm && k.length(state.c()) != batch * h[0] * rc.hiddenSize())) {
            throw new IllegalArgumentException("the carried recurrent state does not fit [L*D, B, Hout] = [" + h[0]
                    + ", B, " + h[2] + "]: found " + k.length(state.h()) + " values");
        }
    }

    /**
     * Sends a checkpoint to {@code sink} every {@link TrainConfig#checkpointEvery()} steps and at the
     * end of {@link #train}, and the best model whenever early stopping finds one.
     *
     * @param sink where checkpoints go
     * @return this trainer
     * @throws IllegalArgumentException if the sink cannot save this trainer's model ({@link CheckpointSink#check})
     */
    public Trainer<A> checkpointTo(CheckpointSink sink) {
        Objects.requireNonNull(sink, "sink").check(this);
        this.sink = sink;
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
     * Why the run must stop now, or null: a budget spent, or early stopping.
     *
     * @return the reason, or null to go on
     */
    public TrainingEvents.StopReason stopReason() {
        if (config.steps() > 0 && step >= config.steps()) {
            return TrainingEvents.StopReason.STEPS;
        }
        if (config.epochs() > 0 && step >= config.epochs() * data.batchesPerEpoch()) {
            return TrainingEvents.StopReason.EPOCHS;
        }
        if (config.timeBudgetSeconds() > 0 && trainSeconds >= config.timeBudgetSeconds()) {
            return TrainingEvents.StopReason.TIME;
        }
        if (config.earlyStopping() != null && best != null && best.since() >= config.earlyStopping().patience()) {
            return TrainingEvents.StopReason.EARLY_STOPPING;
        }
        return null;
    }

    /**
     * Whether the run is complete: a budget spent, or early stopping.
     *
     * @return true when {@link #stopReason()} is not null
     */
    public boolean budgetReached() {
        return stopReason() != null;
    }

    /**
     * Trains until a budget is spent, early stopping says so, or a stop is requested: steps, with
     * validation every {@link TrainConfig#evalEvery()} steps (none without validation data; then the
     * summary's validation is null), a checkpoint every
     * {@link TrainConfig#checkpointEvery()} steps (with a {@link #checkpointTo sink}), and both at
     * the end.
     *
     * @param listeners receive the events, in order
     * @return the summary
     * @throws IOException               if a checkpoint cannot be written
     * @throws TrainingDivergedException if a step diverges under {@link DivergencePolicy#STOP}, the
     *                                   validation loss is NaN or infinite, or an update leaves a NaN
     *                                   or infinity; nothing of that step is saved, so the last
     *                                   checkpoint stays good
     */
    public TrainingEvents.Summary train(TrainingListener... listeners) throws IOException {
        List<TrainingListener> to = List.of(listeners);
        long first = step;
        TrainingEvents.StopReason reason;
        while (true) {
            reason = stopReason();
            if (reason == null && stopRequested) {
                reason = TrainingEvents.StopReason.REQUESTED;
            }
            if (reason != null) {
                break;
            }
            TrainingEvents.Step e = step();
            to.forEach(l -> l.onStep(e));
            boolean last = budgetReached() || stopRequested;
            if (last || (config.evalEvery() > 0 && step % config.evalEvery() == 0)) {
                validate(to);
            }
            if (sink != null && (last || (config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0))) {
                save(to);
            }
        }
        if (lastValidationStep != step) {
            validate(to);
        }
        if (sink != null && lastSavedStep != step) {
            save(to);
        }
        return new TrainingEvents.Summary(step, step - first, tokens, trainSeconds, lastValidation, reason, skipped);
    }

    private void validate(Collection<TrainingListener> to) throws IOException {
        if (validation == null) {
            return;   // no validation data: train() only trains
        }
        TrainingEvents.Validation v = validate();
        to.forEach(l -> l.onValidation(v));
        if (v.best() && sink != null) {
            sink.saveBest(this);
        }
    }

    private void save(Collection<TrainingListener> to) throws IOException {
        sink.save(this);
        lastSavedStep = step;
        keepGoodPoint();
        TrainingEvents.Saved s = new TrainingEvents.Saved(step);
        to.forEach(l -> l.onCheckpoint(s));
    }

    /**
     * Takes one training step on the next batch.
     *
     * @return what the step did
     * @throws TrainingDivergedException under {@link DivergencePolicy#STOP}, if the loss, the gradient
     *                                   or the carried recurrent state becomes NaN or infinite (the
     *                                   parameters, the optimizer state and the carried state are then
     *                                   left unchanged; the data position and the dropout stream have
     *                                   moved on); under either policy, if the update leaves a
     *                                   parameter or the optimizer state NaN or infinite (then the
     *                                   trainer holds those values, and a checkpoint refuses them)
     */
    public TrainingEvents.Step step() {
        long t0 = System.nanoTime();
        Batch batch = data.next();
        State<A> initial = batch.continues() ? carry : null;
        double lr = schedule.at(optimizer.stepCount()) * learningRateScale;
        optimizer.setLearningRate(lr);
        optimizer.zeroGrad();
        model.setTraining(true);
        Activations<A> out = model.forward(batch, initial);
        // the loss overwrites the whole gradient (Loss.compute), so its array is kept from step to step
        if (outputGradient == null || precision.kernels().length(outputGradient) != out.rows() * out.width()) {
            outputGradient = precision.kernels().alloc(out.rows() * out.width());
        }
        A dOut = outputGradient;
        LossValue value = loss.compute(precision, out, batch.targets(), dOut);
        model.backward(out.with(dOut, out.width()));
        double l = value.value();
        double norm = config.clipNorm() > 0 ? GradientClipping.clipByGlobalNorm(parameters, config.clipNorm())
                : Double.NaN;
        String diverged = null;
        String found = null;
        Optional<String> badGradient;
        if (!Double.isFinite(l)) {
            diverged = "a finite loss";
            found = Double.toString(l);
        } else if ((config.clipNorm() <= 0 || !Double.isFinite(norm))
                && (badGradient = firstNonFiniteGradient()).isPresent()) {
            // named: the first parameter whose gradient holds NaN or infinity, and where
            diverged = "finite gradients";
            found = badGradient.get();
        } else if (data.carriesState()) {
            // the carried state comes from the forward pass: checked before the update, so that a step
            // that diverges here changes nothing
            Optional<String> badCarry = nonFinite(model.finalState(), batch.batch());
            if (badCarry.isPresent()) {
                diverged = "a finite carried state";
                found = badCarry.get();
            }
        }
        if (diverged != null && config.onDivergence() == DivergencePolicy.STOP) {
            throw diverged(step + 1, diverged, found);
        }
        if (diverged == null) {
            optimizer.step();
            // A step with a finite loss can still leave NaN or infinity behind (an overflowing update, a
            // corrupt optimizer state): never saved over a good checkpoint.
            Optional<String> bad = optimizer.firstNonFinite();
            if (bad.isPresent()) {
                if (config.onDivergence() == DivergencePolicy.STOP) {
                    throw diverged(step + 1, "finite parameters and optimizer state after the update", bad.get());
                }
                if (config.onDivergence() == DivergencePolicy.SKIP) {
                    throw new TrainingDivergedException(diverged(step + 1, "finite parameters and optimizer state "
                            + "after the update", bad.get()).getMessage() + " (an update done cannot be skipped; "
                            + "--on-divergence rollback returns to the last good point)");
                }
                diverged = "finite parameters and optimizer state after the update";
                found = bad.get();
            } else {
                carry = data.carriesState() ? model.finalState() : null;
            }
        }
        String divergence = null;
        if (diverged != null) {
            divergence = "expected " + diverged + ", found " + found;
            if (config.onDivergence() == DivergencePolicy.ROLLBACK) {
                if (learningRateScale <= MIN_LEARNING_RATE_SCALE) {
                    throw new TrainingDivergedException(diverged(step + 1, diverged, found).getMessage()
                            + " (still diverging after " + Math.round(-Math.log(learningRateScale) / Math.log(2))
                            + " rollbacks, with the learning rate at " + learningRateScale + " of the schedule's)");
                }
                rollBack();
                divergence += "; rolled back to step " + lastGood.step() + ", learning rate now "
                        + learningRateScale + " of the schedule's";
            } else {
                divergence += "; update skipped";
            }
            skipped++;
            l = Double.NaN;
        }
        step++;
        tokens += batch.validSteps();
        if (trainLosses.length < step) {
            trainLosses = Arrays.copyOf(trainLosses, (int) Math.min(Integer.MAX_VALUE - 8, 2L * step));
        }
        trainLosses[(int) step - 1] = l;
        smooth(l);
        trainSeconds += (System.nanoTime() - t0) * 1e-9;
        return new TrainingEvents.Step(step, config.steps(), diverged == null ? l : value.value(), smoothedLoss, lr,
                norm, tokens, trainSeconds, config.timeBudgetSeconds(), diverged != null, divergence);
    }

    /** The first NaN or infinite gradient, e.g. {@code the gradient of rnn.weight_hh_l0[3, 5] = NaN}. */
    private Optional<String> firstNonFiniteGradient() {
        Kernels<A> k = precision.kernels();
        for (var e : namedParameters.entrySet()) {
            A g = e.getValue().grad();
            int bad = k.firstNonFinite(g, 0, k.length(g));
            if (bad >= 0) {
                return Optional.of("the gradient of " + e.getKey() + Parameter.index(e.getValue().shape(), bad)
                        + " = " + precision.get(g, bad));
            }
        }
        return Optional.empty();
    }

    /**
     * Under {@link DivergencePolicy#ROLLBACK}, after a validation or checkpoint with finite values (and
     * at the start): keeps what a rollback returns to.
     */
    private void keepGoodPoint() {
        if (config.onDivergence() != DivergencePolicy.ROLLBACK) {
            return;
        }
        Kernels<A> k = precision.kernels();
        List<A> values = new ArrayList<>();
        for (Parameter<A> p : parameters) {
            A v = k.alloc(p.size());
            k.copy(p.value(), 0, v, 0, p.size());
            values.add(v);
        }
        lastGood = new GoodPoint<>(values, optimizer.exportState(), carry == null ? null : carry.copy(k), step,
                skipped);
    }

    /**
     * Returns to the last good point and halves the learning rate from now on. The steps since that
     * point no longer count: their losses become NaN and they are counted as skipped, as the diverged
     * step itself (which the caller counts).
     */
    private void rollBack() {
        Kernels<A> k = precision.kernels();
        for (long s = lastGood.step(); s < step; s++) {
            trainLosses[(int) s] = Double.NaN;
        }
        skipped = lastGood.skipped() + (step - lastGood.step());
        for (int i = 0; i < parameters.size(); i++) {
            k.copy(lastGood.values().get(i), 0, parameters.get(i).value(), 0, parameters.get(i).size());
        }
        optimizer.importState(lastGood.optimizer());
        carry = lastGood.carry() == null ? null : lastGood.carry().copy(k);
        learningRateScale *= 0.5;
    }

    private void smooth(double l) {
        if (!Double.isNaN(l)) {
            smoothedLoss = Double.isNaN(smoothedLoss) ? l : SMOOTHING * smoothedLoss + (1 - SMOOTHING) * l;
        }
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
    private Optional<String> nonFinite(State<A> state, int batch) {
        if (state == null) {
            return Optional.empty();
        }
        Kernels<A> k = precision.kernels();
        for (String name : List.of("h", "c")) {
            A a = name.equals("h") ? state.h() : state.c();
            int bad = a == null ? -1 : k.firstNonFinite(a, 0, k.length(a));
            if (bad >= 0) {
                int n = k.length(a);
                int[] shape = SequenceLayer.of(model).map(r -> r.config().stateShape(batch, name.equals("c")))
                        .filter(sh -> (long) sh[0] * sh[1] * sh[2] == n).orElse(new int[] {n});
                return Optional.of("carry." + name + Parameter.index(shape, bad) + " = " + precision.get(a, bad));
            }
        }
        return Optional.empty();
    }

    /**
     * Runs a validation pass and records it in the history (and, under early stopping, whether it is
     * the best so far).
     *
     * @return the result
     * @throws TrainingDivergedException if the validation loss is NaN or infinite (the weights
     *                                   overflow); nothing is recorded then
     * @throws IllegalStateException     without validation data
     */
    public TrainingEvents.Validation validate() {
        if (validation == null) {
            throw new IllegalStateException("validate: this trainer has no validation data");
        }
        long t0 = System.nanoTime();
        EvalResult r = Evaluation.evaluate(model, loss, validation, config.metrics());
        double seconds = (System.nanoTime() - t0) * 1e-9;
        if (!Double.isFinite(r.loss())) {
            throw diverged(step, "a finite validation loss", Double.toString(r.loss()));
        }
        if (lastValidationStep != step) {
            validations.add(new TrainingState.ValidationPoint(step, r.loss(), r.metrics()));
        }
        lastValidation = r;
        lastValidationStep = step;
        keepGoodPoint();
        boolean isBest = false;
        EarlyStopping es = config.earlyStopping();
        if (es != null) {
            double value = es.value(r);
            if (best == null || es.improves(value, best.value(), es.higherIsBetter())) {
                best = new TrainingState.Best(step, value, 0);
                isBest = true;
            } else if (best.step() != step) {
                best = new TrainingState.Best(best.step(), best.value(), best.since() + 1);
            }
        }
        return new TrainingEvents.Validation(step, r, smoothedLoss, tokens, trainSeconds, seconds, isBest);
    }

    /**
     * Everything the next step depends on besides the weights and the configuration, for a checkpoint.
     *
     * @return the state (the carried state is the trainer's own arrays: copy before changing them)
     */
    public TrainingState<A> state() {
        return new TrainingState<>(step, tokens, trainSeconds, skipped, Arrays.copyOf(trainLosses, (int) step),
                validations, carry, model.randomState(), optimizer.exportState(), best, learningRateScale);
    }

    /** The configuration. */
    public TrainConfig config() {
        return config;
    }

    /** The model being trained (shared, not a copy). */
    public Model<A> model() {
        return model;
    }

    /** The loss. */
    public Loss loss() {
        return loss;
    }

    /** The training data. */
    public TrainingData data() {
        return data;
    }

    /** The number of steps done (across resumes). */
    public long stepCount() {
        return step;
    }

    /** Steps skipped so far ({@link DivergencePolicy#SKIP}). */
    public long skipped() {
        return skipped;
    }

    /** Steps of sequences trained on so far (characters, for a language model). */
    public long tokens() {
        return tokens;
    }

    /** Training time so far in seconds (across resumes; without validation and checkpoints). */
    public double trainSeconds() {
        return trainSeconds;
    }

    /** The smoothed training loss (NaN before the first step). */
    public double smoothedLoss() {
        return smoothedLoss;
    }

    /** The loss of every step so far, in order (step 1 first; NaN for a skipped step). */
    public double[] trainLossHistory() {
        return Arrays.copyOf(trainLosses, (int) step);
    }

    /** The validation history: pairs {@code (step, loss)} in order. */
    public double[][] validationHistory() {
        double[][] h = new double[validations.size()][];
        for (int i = 0; i < h.length; i++) {
            h[i] = new double[] {validations.get(i).step(), validations.get(i).loss()};
        }
        return h;
    }

    /** The last validation result, or null (after a resume, until the next validation, its count is NaN). */
    public EvalResult lastValidation() {
        return lastValidation;
    }

    /** The best validation under early stopping so far, or null. */
    public TrainingState.Best best() {
        return best;
    }

    /** The precision the model computes in (with its threads). */
    public Precision<A> precision() {
        return precision;
    }
}
