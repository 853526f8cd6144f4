package dev.recur.nn.loss;

/**
 * How a loss turns its per-row (or per-element) terms into one number, as PyTorch's
 * {@code reduction} argument ({@code "none"} is not offered: a loss here is one number per batch).
 *
 * <p>Immutable and thread-safe.
 */
public enum Reduction {

    /** The (weighted) mean: the sum of the terms divided by the batch's {@link LossValue#weight()}. */
    MEAN("mean"),

    /** The plain sum of the terms. */
    SUM("sum");

    private final String id;

    Reduction(String id) {
        this.id = id;
    }

    /**
     * The name PyTorch gives this reduction.
     *
     * @return {@code "mean"} or {@code "sum"}
     */
    public String id() {
        return id;
    }

    /**
     * The reduction of a PyTorch name.
     *
     * @param id {@code "mean"} or {@code "sum"}
     * @return the reduction
     * @throws IllegalArgumentException for any other name
     */
    public static Reduction fromId(String id) {
        for (Reduction r : values()) {
            if (r.id.equals(id)) {
                return r;
            }
        }
        throw new IllegalArgumentException("reduction: expected one of mean, sum, found "
                + (id == null ? "nothing" : "'" + id + "'") + "; likely cause: "
                + ("none".equals(id) ? "PyTorch's 'none', which is not offered (a loss here is one number per batch)"
                : "a misspelt name (names are lower case)"));
    }
}
