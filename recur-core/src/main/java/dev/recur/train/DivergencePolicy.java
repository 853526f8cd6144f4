package dev.recur.train;

import java.util.Locale;

/**
 * What a training step does when its loss, a gradient or the recurrent state it carries forward is
 * NaN or infinite. The same choices for every model. A parameter or optimizer value left NaN or
 * infinite by an update stops the run under {@link #STOP} and {@link #SKIP} (the update is done and
 * cannot be skipped) and is rolled back under {@link #ROLLBACK}.
 *
 * <p>Immutable and thread-safe.
 */
public enum DivergencePolicy {
    /** Stop the run with a {@link TrainingDivergedException}; the step changes nothing. */
    STOP,
    /** Skip the update and go on with the next batch; the step is counted as skipped. */
    SKIP,
    /**
     * Return the parameters, the optimizer state and the carried state to those of the last good
     * point (the last validation or checkpoint with finite values, or the start), halve the learning
     * rate from then on, and go on with the next batch; the step is counted as skipped.
     */
    ROLLBACK;

    /** The name in files and on the command line: {@code stop}, {@code skip} or {@code rollback}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The policy of a name.
     *
     * @param id {@code stop}, {@code skip} or {@code rollback}
     * @return the policy
     * @throws IllegalArgumentException naming the accepted values
     */
    public static DivergencePolicy fromId(String id) {
        for (DivergencePolicy p : values()) {
            if (p.id().equals(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("divergence policy: expected stop, skip or rollback, found '" + id + "'");
    }
}
