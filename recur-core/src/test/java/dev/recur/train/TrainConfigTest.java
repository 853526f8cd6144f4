package dev.recur.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.nn.loss.Metric;
import dev.recur.optim.AdamConfig;
import dev.recur.optim.RMSpropConfig;
import dev.recur.optim.SgdConfig;
import dev.recur.tensor.Parallel;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@link TrainConfig} and what it is made of: the one rule of what a resumed run may change
 * ({@link TrainConfig#with}), and the one-line refusal of every invalid setting, of
 * {@link EarlyStopping}, {@link ScheduleConfig#of}, {@link OptimizerChoice#of} and
 * {@link DivergencePolicy}.
 */
class TrainConfigTest {

    /** A configuration with every field away from its default. */
    private static TrainConfig base() {
        return TrainConfig.builder()
                .optimizer(new OptimizerChoice.AdamWChoice(AdamConfig.adamW().lr(3e-3).beta2(0.99).build()))
                .clipNorm(2.5).schedule(new ScheduleConfig(ScheduleConfig.Kind.COSINE, 3, 1e-4, 97, 0, 1))
                .steps(100).epochs(4).timeBudgetSeconds(60).evalEvery(10).checkpointEvery(20)
                .metrics(List.of(Metric.ACCURACY, Metric.MACRO_F1)).earlyStopping(new EarlyStopping("macro_f1", 3, 0.01))
                .onDivergence(DivergencePolicy.SKIP).seed(42).threads(2).build();
    }

    private static String message(Supplier<?> build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::get);
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void aResumedRunMayChangeOnlyBudgetsIntervalsAndThreads() {
        List<String> changeable = Arrays.stream(TrainConfig.Changes.class.getRecordComponents())
                .map(RecordComponent::getName).toList();
        assertEquals(List.of("steps", "epochs", "timeSeconds", "evalEvery", "checkpointEvery", "threads"), changeable);

        TrainConfig c = base();
        assertEquals(c, c.with(TrainConfig.Changes.NONE));
        assertFalse(TrainConfig.Changes.NONE.budget());

        // intervals and threads, each alone; the budgets stay
        TrainConfig t = c.with(new TrainConfig.Changes(null, null, null, 5, 7, 3));
        assertEquals(c.toBuilder().evalEvery(5).checkpointEvery(7).threads(3).build(), t);
        assertEquals(100, t.steps());
        assertEquals(4, t.epochs());
        assertEquals(60, t.timeBudgetSeconds());
        assertEquals(c.toBuilder().evalEvery(0).build(), c.with(new TrainConfig.Changes(null, null, null, 0, null,
                null)));
    }

    @Test
    void aBudgetGivenReplacesEveryBudgetOfTheRun() {
        TrainConfig c = base();
        TrainConfig steps = c.with(new TrainConfig.Changes(150L, null, null, null, null, null));
        assertTrue(new TrainConfig.Changes(150L, null, null, null, null, null).budget());
        assertEquals(150, steps.steps());
        assertEquals(0, steps.epochs(), "the run's epoch budget is dropped");
        assertEquals(0, steps.timeBudgetSeconds(), "the run's time budget is dropped");
        TrainConfig epochs = c.with(new TrainConfig.Changes(null, 9L, null, null, null, null));
        assertEquals(List.of(0L, 9L, 0.0), List.of(epochs.steps(), epochs.epochs(), epochs.timeBudgetSeconds()));
        TrainConfig time = c.with(new TrainConfig.Changes(null, null, 30.0, null, null, null));
        assertEquals(List.of(0L, 0L, 30.0), List.of(time.steps(), time.epochs(), time.timeBudgetSeconds()));
        TrainConfig two = c.with(new TrainConfig.Changes(120L, null, 5.0, null, null, null));
        assertEquals(List.of(120L, 0L, 5.0), List.of(two.steps(), two.epochs(), two.timeBudgetSeconds()));

        // nothing else changes with them
        for (TrainConfig x : List.of(steps, epochs, time, two)) {
            assertEquals(c.optimizer(), x.optimizer());
            assertEquals(c.clipNorm(), x.clipNorm());
            assertEquals(c.schedule(), x.schedule());
            assertEquals(c.metrics(), x.metrics());
            assertEquals(c.earlyStopping(), x.earlyStopping());
            assertEquals(c.onDivergence(), x.onDivergence());
            assertEquals(c.seed(), x.seed());
            assertEquals(List.of(10, 20, 2), List.of(x.evalEvery(), x.checkpointEvery(), x.threads()));
        }
    }

    @Test
    void changesThatMakeAnInvalidConfigurationAreRefused() {
        TrainConfig c = base();
        assertEquals("budget: expected a step, epoch or time budget, found none",
                message(() -> c.with(new TrainConfig.Changes(0L, null, null, null, null, null))));
        assertEquals("eval every: expected >= 0 steps (0 = only at the end), found -1",
                message(() -> c.with(new TrainConfig.Changes(null, null, null, -1, null, null))));
        assertEquals("checkpoint every: expected >= 0 steps (0 = only at the end), found -2",
                message(() -> c.with(new TrainConfig.Changes(null, null, null, null, -2, null))));
        assertEquals("steps: expected >= 0 (0 = no step budget), found -5",
                message(() -> c.with(new TrainConfig.Changes(-5L, null, null, null, null, null))));
        assertTrue(message(() -> c.with(new TrainConfig.Changes(null, null, null, null, null, -1)))
                .startsWith("threads: expected 0..256 (0 = one per processor), found -1; likely cause: "));
    }

    @Test
    void everyInvalidSettingIsRefusedInOneLineNamingIt() {
        TrainConfig.Builder ok = base().toBuilder();
        assertEquals("optimizer: must be given", message(() -> base().toBuilder().optimizer(null).build()));
        assertEquals("schedule: must be given", message(() -> base().toBuilder().schedule(null).build()));
        assertEquals("divergence policy: must be given (stop or skip)",
                message(() -> base().toBuilder().onDivergence(null).build()));
        for (double clip : new double[] {-1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertEquals("clip norm: expected a finite number >= 0 (0 = no clipping), found " + clip,
                    message(() -> base().toBuilder().clipNorm(clip).build()));
        }
        assertEquals("epochs: expected >= 0 (0 = no epoch budget), found -1",
                message(() -> base().toBuilder().epochs(-1).build()));
        for (double time : new double[] {-1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertEquals("time budget: expected a finite number of seconds >= 0 (0 = none), found " + time,
                    message(() -> base().toBuilder().timeBudgetSeconds(time).build()));
        }
        assertEquals("budget: expected a step, epoch or time budget, found none",
                message(() -> TrainConfig.builder().steps(0).build()));
        assertEquals("early stopping: expected the loss or a metric validation computes (accuracy, macro_f1), found "
                + "'rmse'", message(() -> base().toBuilder().earlyStopping(new EarlyStopping("rmse", 2, 0)).build()));
        assertEquals("early stopping: expected the loss or a metric validation computes (), found 'accuracy'",
                message(() -> TrainConfig.builder().earlyStopping(new EarlyStopping("accuracy", 2, 0)).build()));
        // a schedule that cannot be built for this learning rate
        assertEquals("cosine schedule: the minimum learning rate 0.5 is above the initial 0.003",
                message(() -> base().toBuilder().schedule(new ScheduleConfig(ScheduleConfig.Kind.COSINE, 0, 0.5, 10, 0,
                        1)).build()));
        // the defaults of the builder: Adam at 0.001, no clipping, 1,000 steps, intervals of 100, stop on divergence
        TrainConfig d = TrainConfig.builder().build();
        assertEquals(new OptimizerChoice.AdamChoice(AdamConfig.adam().build()), d.optimizer());
        assertEquals(0.001, d.optimizer().learningRate());
        assertEquals(List.of(0.0, 1000.0, 100.0, 100.0), List.of(d.clipNorm(), (double) d.steps(),
                (double) d.evalEvery(), (double) d.checkpointEvery()));
        assertEquals(DivergencePolicy.STOP, d.onDivergence());
        assertEquals(List.of(), d.metrics());
        assertEquals(ok.build(), base());
    }

    @Test
    void theConfigurationRoundTripsThroughItsMap() {
        TrainConfig c = base();
        Map<String, Object> m = c.toMap();
        assertEquals(c, TrainConfig.fromMap(m));
        assertEquals(List.of("accuracy", "macro_f1"), m.get("metrics"));
        assertEquals("skip", m.get("on_divergence"));
        TrainConfig plain = TrainConfig.builder().build();
        assertEquals(plain, TrainConfig.fromMap(plain.toMap()));
        for (OptimizerChoice o : List.of(new OptimizerChoice.SgdChoice(SgdConfig.builder(0.1).momentum(0.9).build()),
                new OptimizerChoice.RMSpropChoice(RMSpropConfig.builder().build()),
                new OptimizerChoice.AdamChoice(AdamConfig.adam().amsgrad(true).build()))) {
            assertEquals(o, OptimizerChoice.fromMap(o.toMap()));
        }
        // an optimizer's settings under another optimizer's name: the missing and the extra ones named
        Map<String, Object> adamAsSgd = new LinkedHashMap<>(
                new OptimizerChoice.AdamChoice(AdamConfig.adam().build()).toMap());
        adamAsSgd.put("name", "sgd");
        assertEquals("optimizer sgd: expected the settings lr, momentum, dampening, nesterov, weightDecay, maximize,"
                + " found no momentum, dampening, nesterov, and others: beta1, beta2, eps, amsgrad",
                message(() -> OptimizerChoice.fromMap(adamAsSgd)));
        Map<String, Object> noList = new LinkedHashMap<>(m);
        noList.put("metrics", "accuracy");
        assertEquals("training.config.metrics: expected a list, found accuracy",
                message(() -> TrainConfig.fromMap(noList)));
        Map<String, Object> badPolicy = new LinkedHashMap<>(m);
        badPolicy.put("on_divergence", "retry");
        assertEquals("divergence policy: expected stop, skip or rollback, found 'retry'",
                message(() -> TrainConfig.fromMap(badPolicy)));
        Map<String, Object> noSteps = new LinkedHashMap<>(m);
        noSteps.remove("steps");
        assertEquals("training.config.steps: expected a value, found none", message(() -> TrainConfig.fromMap(noSteps)));
    }

    @Test
    void threadsAreCappedAsEverywhereElse() {
        assertEquals(256, TrainConfig.builder().threads(256).build().threads());
        assertEquals("threads: expected 0..256 (0 = one per processor), found 100000; likely cause: a count larger "
                + "than useful (more threads only add overhead, and the results do not depend on the count)",
                message(() -> TrainConfig.builder().threads(100_000).build()));
        // the one rule, which recur's --threads uses too
        assertEquals("threads: expected 0..256 (0 = one per processor), found -1; likely cause: a negative count (0 "
                + "gives one thread per processor)", message(() -> TrainConfig.builder().threads(-1).build()));
        assertEquals("--threads: expected 1..256, found 0; likely cause: 0 or a negative count (the computation runs "
                + "on at least one thread)", message(() -> Parallel.requireThreads("--threads", 0, false)));
        assertEquals(1, Parallel.requireThreads("--threads", 1, false));
        // a run saved before the cap still resumes
        Map<String, Object> saved = new LinkedHashMap<>(base().toMap());
        saved.put("threads", 300);
        assertEquals(256, TrainConfig.fromMap(saved).threads());
        assertEquals(3, TrainConfig.builder().threads(3).build().effectiveThreads());
        assertEquals(Math.max(1, Runtime.getRuntime().availableProcessors()),
                TrainConfig.builder().threads(0).build().effectiveThreads());
    }

    @Test
    void earlyStoppingIsValidatedAndImprovesInTheMetricsDirection() {
        assertEquals("early stopping: expected a metric (loss, accuracy, macro_f1, mae, rmse), found none",
                message(() -> new EarlyStopping(null, 2, 0)));
        assertEquals("early stopping: expected a metric (loss, accuracy, macro_f1, mae, rmse), found none",
                message(() -> new EarlyStopping(" ", 2, 0)));
        assertEquals("early stopping patience: expected >= 1 validations, found 0",
                message(() -> new EarlyStopping("loss", 0, 0)));
        for (double delta : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertEquals("early stopping min delta: expected a finite number >= 0, found " + delta,
                    message(() -> new EarlyStopping("loss", 1, delta)));
        }
        assertEquals(new EarlyStopping("loss", 4, 0), EarlyStopping.onLoss(4));

        EarlyStopping es = new EarlyStopping("loss", 2, 0.1);
        // lower is better by more than min delta
        assertTrue(es.improves(0.85, 1.0, false));
        assertFalse(es.improves(0.9, 1.0, false), "an improvement of exactly min delta does not count");
        assertFalse(es.improves(1.2, 1.0, false));
        // higher is better by more than min delta
        assertTrue(es.improves(0.75, 0.6, true));
        assertFalse(es.improves(0.65, 0.6, true));
        assertFalse(es.improves(0.4, 0.6, true));
        // the first value is always the best so far, unless it is NaN
        assertTrue(es.improves(5, Double.NaN, false));
        assertFalse(es.improves(Double.NaN, Double.NaN, true));
        assertEquals(es, EarlyStopping.fromMap(es.toMap()));
        assertEquals(Map.of("metric", "loss", "patience", 2, "min_delta", 0.1), es.toMap());
    }

    @Test
    void scheduleSettingsGoTogetherOrAreRefused() {
        assertEquals(new ScheduleConfig(ScheduleConfig.Kind.COSINE, 2, 0, 3, 0, 1),
                ScheduleConfig.of(ScheduleConfig.Kind.COSINE, 2, null, null, null, 5));
        assertEquals(new ScheduleConfig(ScheduleConfig.Kind.COSINE, 0, 1e-5, 100, 0, 1),
                ScheduleConfig.of(ScheduleConfig.Kind.COSINE, 0, 1e-5, null, null, 100));
        assertEquals(new ScheduleConfig(ScheduleConfig.Kind.STEP, 1, 0, 0, 10, 0.1),
                ScheduleConfig.of(ScheduleConfig.Kind.STEP, 1, null, 10L, null, 0));
        assertEquals(new ScheduleConfig(ScheduleConfig.Kind.STEP, 0, 0, 0, 10, 0.5),
                ScheduleConfig.of(ScheduleConfig.Kind.STEP, 0, null, 10L, 0.5, 0));
        assertEquals(ScheduleConfig.constant(), ScheduleConfig.of(ScheduleConfig.Kind.CONSTANT, 0, null, null, null, 0));

        assertEquals("warmup: expected >= 0 steps, found -1",
                message(() -> ScheduleConfig.of(ScheduleConfig.Kind.CONSTANT, -1, null, null, null, 10)));
        assertEquals("min_lr: applies to the cosine schedule only, found schedule step; likely cause: a setting of "
                + "another schedule (it would be ignored)",
                message(() -> ScheduleConfig.of(ScheduleConfig.Kind.STEP, 0, 1e-4, 10L, null, 10)));
        assertEquals("decay_every/decay_gamma: apply to the step schedule only, found schedule cosine; likely cause: a "
                + "setting of another schedule (it would be ignored)",
                message(() -> ScheduleConfig.of(ScheduleConfig.Kind.COSINE, 0, null, null, 0.5, 10)));
        assertEquals("schedule: the cosine schedule needs a step budget (steps) to decay over",
                message(() -> ScheduleConfig.of(ScheduleConfig.Kind.COSINE, 0, null, null, null, 0)));
        assertEquals("warmup: expected below the step budget (5) for the cosine schedule, found 5",
                message(() -> ScheduleConfig.of(ScheduleConfig.Kind.COSINE, 5, null, null, null, 5)));
        assertEquals("decay_every: the step schedule needs an interval of steps",
                message(() -> ScheduleConfig.of(ScheduleConfig.Kind.STEP, 0, null, null, 0.5, 10)));
        assertEquals("step schedule: expected gamma in (0, 1], found 1.5",
                message(() -> ScheduleConfig.of(ScheduleConfig.Kind.STEP, 0, null, 10L, 1.5, 10)));
        assertEquals("cosine schedule: expected decay steps >= 1, found 0; likely cause: no step budget to decay over",
                message(() -> new ScheduleConfig(ScheduleConfig.Kind.COSINE, 0, 0, 0, 0, 1)));
        assertEquals("schedule: expected one of constant, cosine, step, found 'linear'",
                message(() -> ScheduleConfig.Kind.fromId("linear")));
        assertEquals(ScheduleConfig.Kind.COSINE, ScheduleConfig.Kind.fromId("Cosine"));
        ScheduleConfig s = ScheduleConfig.of(ScheduleConfig.Kind.STEP, 2, null, 7L, 0.3, 0);
        assertEquals(s, ScheduleConfig.fromMap(s.toMap()));
    }

    @Test
    void optimizerSettingsGoTogetherOrAreRefused() {
        assertEquals(new OptimizerChoice.SgdChoice(SgdConfig.builder(0.1).build()),
                OptimizerChoice.of("sgd", 0.1, null, null, null, null));
        assertEquals(new OptimizerChoice.SgdChoice(SgdConfig.builder(0.1).momentum(0.9).weightDecay(1e-4).build()),
                OptimizerChoice.of("SGD", 0.1, 0.9, 1e-4, null, null));
        assertEquals(new OptimizerChoice.RMSpropChoice(RMSpropConfig.builder().lr(0.01).momentum(0.5).build()),
                OptimizerChoice.of("rmsprop", 0.01, 0.5, null, null, null));
        assertEquals(new OptimizerChoice.AdamWChoice(AdamConfig.adamW().lr(0.002).beta1(0.8).beta2(0.99).build()),
                OptimizerChoice.of("AdamW", 0.002, null, null, 0.8, 0.99));
        OptimizerChoice adam = OptimizerChoice.of("adam", 0.003, null, 0.01, null, null);
        assertEquals(new OptimizerChoice.AdamChoice(AdamConfig.adam().lr(0.003).weightDecay(0.01).build()), adam);
        assertEquals("adam", adam.name());
        assertEquals(0.003, adam.learningRate());

        assertEquals("momentum: applies to sgd and rmsprop only, found optimizer adamw",
                message(() -> OptimizerChoice.of("adamw", 0.1, 0.9, null, null, null)));
        assertEquals("beta1/beta2: apply to adam and adamw only, found optimizer sgd",
                message(() -> OptimizerChoice.of("sgd", 0.1, null, null, null, 0.99)));
        assertEquals("optimizer: expected one of sgd, adam, adamw, rmsprop, found 'lbfgs'",
                message(() -> OptimizerChoice.of("lbfgs", 0.1, null, null, null, null)));
        assertEquals("optimizer: expected one of sgd, adam, adamw, rmsprop, found 'null'",
                message(() -> OptimizerChoice.of(null, 0.1, null, null, null, null)));
    }

    @Test
    void theDivergencePolicyHasOneNameEach() {
        assertEquals("stop", DivergencePolicy.STOP.id());
        assertEquals("skip", DivergencePolicy.SKIP.id());
        assertEquals(DivergencePolicy.SKIP, DivergencePolicy.fromId("skip"));
        assertEquals(DivergencePolicy.ROLLBACK, DivergencePolicy.fromId("rollback"));
        assertEquals("divergence policy: expected stop, skip or rollback, found 'Skip'",
                message(() -> DivergencePolicy.fromId("Skip")));
    }
}
