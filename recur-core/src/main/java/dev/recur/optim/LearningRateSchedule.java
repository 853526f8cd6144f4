package dev.recur.optim;

/**
 * A learning rate as a pure function of the step number {@code s = 0, 1, 2, …} (the number of
 * optimizer steps already taken; {@code s = 0} is the first step). Use it as
 * {@code optimizer.setLearningRate(schedule.at(optimizer.stepCount()))} before each step; resuming
 * from a checkpoint needs nothing but the step count.
 *
 * <p>The schedules are records that validate their arguments; combine them with
 * {@link #warmup(long, LearningRateSchedule)}.
 *
 * <p>The schedules are immutable and thread-safe.
 */
public interface LearningRateSchedule {

    /** The learning rate of step {@code step} ({@code >= 0}). */
    double at(long step);

    /** The same learning rate at every step. */
    static LearningRateSchedule constant(double lr) {
        return new Constant(lr);
    }

    /** {@code lr · gamma^⌊s / stepSize⌋}, as PyTorch's {@code StepLR}. */
    static LearningRateSchedule stepDecay(double lr, long stepSize, double gamma) {
        return new StepDecay(lr, stepSize, gamma);
    }

    /**
     * Cosine annealing from {@code lr} at step 0 to {@code minLr} at step {@code totalSteps}, then
     * {@code minLr}: {@code minLr + (lr − minLr)·(1 + cos(π·min(s, T)/T))/2}, the closed form of
     * PyTorch's {@code CosineAnnealingLR} for one half-period.
     */
    static LearningRateSchedule cosine(double lr, long totalSteps, double minLr) {
        return new Cosine(lr, totalSteps, minLr);
    }

    /** Linear warm-up to a constant {@code lr}: {@code warmup(warmupSteps, constant(lr))}. */
    static LearningRateSchedule linearWarmup(double lr, long warmupSteps) {
        return new Warmup(warmupSteps, new Constant(lr));
    }

    /**
     * Linear warm-up, then {@code then} started from its step 0: for {@code s < W},
     * {@code then.at(0)·(s+1)/W}; afterwards {@code then.at(s − W)}.
     */
    static LearningRateSchedule warmup(long warmupSteps, LearningRateSchedule then) {
        return new Warmup(warmupSteps, then);
    }

    private static void step(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, found " + step);
        }
    }

    /**
     * The same learning rate at every step.
     *
     * @param lr the learning rate, finite and {@code >= 0}
     */
    record Constant(double lr) implements LearningRateSchedule {
        /** Validates the learning rate. */
        public Constant {
            Checks.learningRate(lr);
        }

        @Override
        public double at(long step) {
            step(step);
            return lr;
        }
    }

    /**
     * Step decay: {@code lr · gamma^⌊s / stepSize⌋}.
     *
     * @param lr       the initial learning rate
     * @param stepSize steps between decays, {@code >= 1}
     * @param gamma    decay factor in {@code (0, 1]}
     */
    record StepDecay(double lr, long stepSize, double gamma) implements LearningRateSchedule {
        /** Validates the arguments. */
        public StepDecay {
            Checks.learningRate(lr);
            if (stepSize < 1) {
                throw new IllegalArgumentException("step decay: step size must be >= 1, found " + stepSize);
            }
            if (!(gamma > 0 && gamma <= 1)) {
                throw new IllegalArgumentException("step decay: gamma must be in (0, 1], found " + gamma);
            }
        }

        @Override
        public double at(long step) {
            step(step);
            return lr * Math.pow(gamma, (double) (step / stepSize));
        }
    }

    /**
     * Cosine annealing over {@code totalSteps} steps.
     *
     * @param lr         the learning rate at step 0
     * @param totalSteps {@code T >= 1}: the step at which {@code minLr} is reached
     * @param minLr      the final learning rate, {@code 0 <= minLr <= lr}
     */
    record Cosine(double lr, long totalSteps, double minLr) implements LearningRateSchedule {
        /** Validates the arguments. */
        public Cosine {
            Checks.learningRate(lr);
            Checks.learningRate(minLr);
            if (totalSteps < 1) {
                throw new IllegalArgumentException("cosine schedule: total steps must be >= 1, found " + totalSteps);
            }
            if (minLr > lr) {
                throw new IllegalArgumentException("cosine schedule: the minimum learning rate " + minLr
                        + " is above the initial " + lr);
            }
        }

        @Override
        public double at(long step) {
            step(step);
            double progress = (double) Math.min(step, totalSteps) / totalSteps;
            return minLr + (lr - minLr) * (1 + Math.cos(Math.PI * progress)) / 2;
        }
    }

    /**
     * Linear warm-up over {@code warmupSteps} steps, then {@code then}.
     *
     * @param warmupSteps {@code W >= 1}
     * @param then        the schedule after the warm-up, started from its own step 0
     */
    record Warmup(long warmupSteps, LearningRateSchedule then) implements LearningRateSchedule {
        /** Validates the arguments. */
        public Warmup {
            if (warmupSteps < 1) {
                throw new IllegalArgumentException("warm-up: steps must be >= 1, found " + warmupSteps);
            }
            if (then == null) {
                throw new IllegalArgumentException("warm-up: the schedule after the warm-up must be given");
            }
        }

        @Override
        public double at(long step) {
            step(step);
            if (step < warmupSteps) {
                return then.at(0) * (step + 1) / warmupSteps;
            }
            return then.at(step - warmupSteps);
        }
    }
}
