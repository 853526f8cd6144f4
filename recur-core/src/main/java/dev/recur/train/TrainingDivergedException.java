package dev.recur.train;

/**
 * Training produced a loss, a gradient norm, a validation loss, a parameter, an optimizer state or a
 * carried recurrent state that is NaN or infinite, so the run cannot go on meaningfully; the message
 * says at which step, what was found (naming the tensor and element) and the likely cause (usually a
 * learning rate that is too high). It is thrown before anything of the diverged step is saved.
 *
 * <p>Its fields are final: safe to hand to another thread once thrown.
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
