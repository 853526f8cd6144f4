package dev.recur.train;

import java.util.Locale;

/**
 * What a training step does when its loss, its gradient norm or the recurrent state it carries
 * forward is NaN or infinite. The same choices for every model. A parameter or optimizer value
 * left NaN or infinite by an update always stops the run (it cannot be skipped: the update is done).
 */
public enum DivergencePolicy {
    /** Stop the run with a {@link TrainingDivergedException}; the step changes nothing. */
    STOP,
    /** Skip the update and go on with the next batch; the step is counted as skipped. */
    SKIP;

    /** The name in files and on the command line: {@code stop} or {@code skip}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The policy of a name.
     *
     * @param id {@code stop} or {@code skip}
     * @return the policy
     * @throws IllegalArgumentException naming the accepted values
     */
    public static DivergencePolicy fromId(String id) {
        for (DivergencePolicy p : values()) {
            if (p.id().equals(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("divergence policy: expected stop or skip, found '" + id + "'");
    }
}
