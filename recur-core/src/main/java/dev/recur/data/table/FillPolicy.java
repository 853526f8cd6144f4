package dev.recur.data.table;

import java.util.Locale;

/**
 * What {@link Table#numbers(String, FillPolicy)} does with a missing value: an empty cell, or one of
 * the markers {@code NaN}, {@code NA}, {@code N/A} and {@code null} (in any case), or, in a JSON
 * Lines file, a JSON {@code null} or an absent key.
 *
 * <p>Whatever the policy, a column with no value at all is refused, as is an infinite value. For the
 * column {@code [1, _, _, 4]}: {@link #PREVIOUS} gives {@code [1, 1, 1, 4]}, {@link #LINEAR}
 * {@code [1, 2, 3, 4]}, {@link #ZERO} {@code [1, 0, 0, 4]}, and {@link #NONE} refuses it.
 *
 * <p>The constants are immutable and thread-safe.
 */
public enum FillPolicy {
    /** A missing value is refused, naming its line: the default, so that no value is made up silently. */
    NONE("none"),
    /** A missing value takes the last value above it; a missing value in the first row is refused. */
    PREVIOUS("previous"),
    /**
     * A missing value is interpolated linearly (by row) between the nearest values above and below it;
     * a run of missing values at the start takes the first value, one at the end the last value.
     */
    LINEAR("linear"),
    /** A missing value becomes 0. */
    ZERO("zero");

    private final String id;

    FillPolicy(String id) {
        this.id = id;
    }

    /**
     * The name on the command line and in configurations: {@code none}, {@code previous},
     * {@code linear} or {@code zero}.
     *
     * @return the name
     */
    public String id() {
        return id;
    }

    /**
     * The policy named {@code id}.
     *
     * @param id {@code none}, {@code previous}, {@code linear} or {@code zero} (case-insensitive)
     * @return the policy
     * @throws IllegalArgumentException for any other name, listing the names
     */
    public static FillPolicy fromId(String id) {
        for (FillPolicy policy : values()) {
            if (policy.id.equals(id == null ? null : id.toLowerCase(Locale.ROOT))) {
                return policy;
            }
        }
        throw new IllegalArgumentException("fill policy: expected one of none, previous, linear, zero, found '"
                + id + "'; likely cause: a misspelt name");
    }
}
