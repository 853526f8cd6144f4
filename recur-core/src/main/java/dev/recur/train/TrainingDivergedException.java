package dev.recur.train;

/**
 * Training produced a loss or a gradient norm that is NaN or infinite, so the run cannot go on
 * meaningfully; the message says at which step and the likely cause (usually a learning rate that
 * is too high).
 */
public final class TrainingDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message a one-line message: what, expected, found, likely cause
     */
    public TrainingDivergedException(String message) {
        super(message);
    }
}
