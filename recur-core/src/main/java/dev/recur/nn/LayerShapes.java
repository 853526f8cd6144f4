package dev.recur.nn;

/**
 * Shape checks shared by the layers of this package that map activations to activations: a
 * gradient must have the shape of what it is the gradient of, and a backward pass needs a forward
 * pass. Each failure is one line naming what was expected, what was found and the likely cause.
 */
final class LayerShapes {

    private LayerShapes() {
    }

    /**
     * Checks that {@code found} has the arrangement, {@code T}, {@code B} and {@code F} of
     * {@code expected} (lengths are not compared: a gradient need not carry them).
     *
     * @param what     the layer and argument, e.g. {@code "layer norm output gradient"}
     * @param expected the activations whose gradient is expected
     * @param found    the gradient given
     * @throws IllegalArgumentException naming both shapes
     */
    static void requireSameShape(String what, Activations<?> expected, Activations<?> found) {
        requireShape(what, expected.steps(), expected.batch(), expected.width(), found);
    }

    /**
     * Checks that {@code found} is shaped {@code [T, B, F]} ({@code steps > 0}) or {@code [B, F]}
     * ({@code steps == 0}); lengths are not compared.
     *
     * @param what  the layer and argument, e.g. {@code "mean pooling output gradient"}
     * @param steps {@code T}, or 0 for one row per sequence
     * @param batch {@code B}
     * @param width {@code F}
     * @param found the activations given
     * @throws IllegalArgumentException naming both shapes
     */
    static void requireShape(String what, int steps, int batch, int width, Activations<?> found) {
        if (found.steps() != steps || found.batch() != batch || found.width() != width) {
            throw new IllegalArgumentException(what + ": expected " + shape(steps, batch, width) + ", found "
                    + shape(found.steps(), found.batch(), found.width())
                    + "; likely cause: the gradient of another forward pass or of another layer");
        }
    }

    /**
     * Throws the error of a backward pass without a forward pass to back-propagate.
     *
     * @param layer the layer in words, e.g. {@code "pooling"}
     * @return never returns; declared so callers can write {@code throw LayerShapes.noForward(...)}
     */
    static IllegalStateException noForward(String layer) {
        return new IllegalStateException(layer + ": backward without a forward pass; likely cause: forward was not "
                + "called, or backward was called twice");
    }

    /** The shape in words without the lengths, e.g. {@code [T, B, F] = [7, 3, 16]} or {@code [B, F] = [3, 16]}. */
    static String shape(int steps, int batch, int width) {
        return steps > 0 ? "[T, B, F] = [" + steps + ", " + batch + ", " + width + "]"
                : "[B, F] = [" + batch + ", " + width + "]";
    }
}
