package dev.recur.train;

import dev.recur.io.MapFields;
import dev.recur.optim.LearningRateSchedule;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The learning-rate schedule of a training run, as data (so that a checkpoint can record it); see
 * {@link #build(double)} for the {@link LearningRateSchedule} it stands for.
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind        the shape of the schedule after the warm-up
 * @param warmupSteps linear warm-up over this many steps first (0 = none)
 * @param minLr       {@link Kind#COSINE}: the learning rate reached at the end of the decay
 * @param decaySteps  {@link Kind#COSINE}: the number of steps of the decay, after the warm-up
 * @param stepSize    {@link Kind#STEP}: steps between decays
 * @param gamma       {@link Kind#STEP}: the decay factor, in {@code (0, 1]}
 */
public record ScheduleConfig(Kind kind, long warmupSteps, double minLr, long decaySteps, long stepSize,
                             double gamma) {

    /** The shape of a schedule. */
    public enum Kind {
        /** The same learning rate at every step (the reference's choice). */
        CONSTANT,
        /** Cosine annealing from the learning rate to {@code minLr} over {@code decaySteps}. */
        COSINE,
        /** Multiplied by {@code gamma} every {@code stepSize} steps, as PyTorch's {@code StepLR}. */
        STEP;

        /**
         * The lower-case name used on the command line and in files.
         *
         * @return {@code constant}, {@code cosine} or {@code step}
         */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * Parses {@link #id()} (case-insensitive).
         *
         * @param id the name
         * @return the kind
         * @throws IllegalArgumentException naming the accepted values
         */
        public static Kind fromId(String id) {
            for (Kind k : values()) {
                if (k.id().equalsIgnoreCase(id)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("schedule: expected one of constant, cosine, step, found '" + id + "'");
        }
    }

    /**
     * Validates the fields that the kind uses.
     *
     * @param kind the shape of the schedule after the warm-up
     * @param warmupSteps linear warm-up over this many steps first (0 = none)
     * @param minLr {@link Kind#COSINE}: the learning rate reached at the end of the decay
     * @param decaySteps {@link Kind#COSINE}: the number of steps of the decay, after the warm-up
     * @param stepSize {@link Kind#STEP}: steps between decays
     * @param gamma {@link Kind#STEP}: the decay factor, in {@code (0, 1]}
     */
    public ScheduleConfig {
        if (kind == null) {
            throw new IllegalArgumentException("schedule: the kind must be given (constant, cosine or step)");
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("schedule warm-up: expected >= 0 steps, found " + warmupSteps);
        }
        if (kind == Kind.COSINE) {
            if (decaySteps < 1) {
                throw new IllegalArgumentException("cosine schedule: expected decay steps >= 1, found " + decaySteps
                        + "; likely cause: no step budget to decay over");
            }
            if (!(minLr >= 0) || Double.isInfinite(minLr)) {
                throw new IllegalArgumentException("cosine schedule: expected a minimum learning rate >= 0, found "
                        + minLr);
            }
        }
        if (kind == Kind.STEP) {
            if (stepSize < 1) {
                throw new IllegalArgumentException("step schedule: expected a step size >= 1, found " + stepSize);
            }
            if (!(gamma > 0 && gamma <= 1)) {
                throw new IllegalArgumentException("step schedule: expected gamma in (0, 1], found " + gamma);
            }
        }
    }

    /**
     * A constant learning rate, no warm-up.
     *
     * @return the schedule
     */
    public static ScheduleConfig constant() {
        return new ScheduleConfig(Kind.CONSTANT, 0, 0, 0, 0, 1);
    }

    /**
     * A schedule from user settings, with the rules of which settings go together: the minimum
     * learning rate is the cosine schedule's, the decay interval and factor the step schedule's
     * (given with another kind they would be ignored, so they are refused); the cosine schedule
     * decays over the steps after the warm-up, so it needs a step budget above the warm-up. Messages
     * start with the setting's name ({@code min_lr}, {@code decay_every}, {@code warmup}, …) so that
     * a command line can put its option there.
     *
     * @param kind       the kind
     * @param warmup     warm-up steps, {@code >= 0}
     * @param minLr      the cosine schedule's final learning rate, or null (0)
     * @param decayEvery the step schedule's interval, or null (required for it)
     * @param decayGamma the step schedule's factor, or null (0.1)
     * @param stepBudget the run's step budget (0 = none)
     * @return the schedule
     * @throws IllegalArgumentException naming the setting
     */
    public static ScheduleConfig of(Kind kind, long warmup, Double minLr, Long decayEvery, Double decayGamma,
                                    long stepBudget) {
        if (warmup < 0) {
            throw new IllegalArgumentException("warmup: expected >= 0 steps, found " + warmup);
        }
        if (kind != Kind.COSINE && minLr != null) {
            throw new IllegalArgumentException("min_lr: applies to the cosine schedule only, found schedule " + kind.id()
                    + "; likely cause: a setting of another schedule (it would be ignored)");
        }
        if (kind != Kind.STEP && (decayEvery != null || decayGamma != null)) {
            throw new IllegalArgumentException("decay_every/decay_gamma: apply to the step schedule only, found schedule "
                    + kind.id() + "; likely cause: a setting of another schedule (it would be ignored)");
        }
        return switch (kind) {
            case CONSTANT -> new ScheduleConfig(kind, warmup, 0, 0, 0, 1);
            case COSINE -> {
                if (stepBudget == 0) {
                    throw new IllegalArgumentException("schedule: the cosine schedule needs a step budget (steps) to "
                            + "decay over");
                }
                if (stepBudget <= warmup) {
                    throw new IllegalArgumentException("warmup: expected below the step budget (" + stepBudget
                            + ") for the cosine schedule, found " + warmup);
                }
                yield new ScheduleConfig(kind, warmup, minLr == null ? 0 : minLr, stepBudget - warmup, 0, 1);
            }
            case STEP -> {
                if (decayEvery == null) {
                    throw new IllegalArgumentException("decay_every: the step schedule needs an interval of steps");
                }
                yield new ScheduleConfig(kind, warmup, 0, 0, decayEvery, decayGamma == null ? 0.1 : decayGamma);
            }
        };
    }

    /**
     * The schedule as a function of the step, for base learning rate {@code lr}:
     * {@code constant(lr)}, {@code cosine(lr, decaySteps, minLr)} or
     * {@code stepDecay(lr, stepSize, gamma)}, preceded by {@code warmup(warmupSteps, ...)} when
     * {@code warmupSteps > 0}.
     *
     * @param lr the base learning rate
     * @return the schedule
     * @throws IllegalArgumentException if {@code minLr > lr} for a cosine schedule
     */
    public LearningRateSchedule build(double lr) {
        LearningRateSchedule s = switch (kind) {
            case CONSTANT -> LearningRateSchedule.constant(lr);
            case COSINE -> LearningRateSchedule.cosine(lr, decaySteps, minLr);
            case STEP -> LearningRateSchedule.stepDecay(lr, stepSize, gamma);
        };
        return warmupSteps > 0 ? LearningRateSchedule.warmup(warmupSteps, s) : s;
    }

    /**
     * The fields as JSON-compatible values.
     *
     * @return a new map
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind.id());
        m.put("warmup_steps", warmupSteps);
        m.put("min_lr", minLr);
        m.put("decay_steps", decaySteps);
        m.put("step_size", stepSize);
        m.put("gamma", gamma);
        return m;
    }

    /**
     * Restores a schedule from {@link #toMap()}.
     *
     * @param m the map
     * @return the schedule
     * @throws IllegalArgumentException if a field is missing or invalid
     */
    public static ScheduleConfig fromMap(Map<String, ?> m) {
        MapFields f = new MapFields("schedule", m);
        return new ScheduleConfig(Kind.fromId(f.text("kind")), f.longValue("warmup_steps"), f.number("min_lr"),
                f.longValue("decay_steps"), f.longValue("step_size"), f.number("gamma"));
    }
}
