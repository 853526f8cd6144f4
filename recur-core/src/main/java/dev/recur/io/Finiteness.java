package dev.recur.io;

import dev.recur.nn.Parameter;
import dev.recur.tensor.Precision;
import java.nio.file.Path;

/**
 * NaN and infinity are never part of a valid model, optimizer or trainer state: they are refused
 * when a file is read (naming the file, the tensor and the element) and before anything is written,
 * so that a diverged run cannot replace a good checkpoint.
 *
 * <p>Stateless and thread-safe.
 */
public final class Finiteness {

    /** The likely cause of a NaN or infinity found in a file. */
    private static final String IN_FILE = "the file is corrupt or was edited by hand, or it was saved from a diverged"
            + " training run by an older version of recur";

    private Finiteness() {
    }

    /**
     * Checks that values read from a file are finite.
     *
     * @param file   the file, for the message
     * @param tensor the tensor's name
     * @param shape  its shape
     * @param values its elements
     * @throws FormatException at the first NaN or infinity
     */
    public static void requireFinite(Path file, String tensor, int[] shape, double[] values) throws FormatException {
        int bad = Precision.F64.kernels().firstNonFinite(values, 0, values.length);
        if (bad >= 0) {
            throw new FormatException(file, "finite values in tensor '" + tensor + "'",
                    values[bad] + " at " + Parameter.index(shape, bad), IN_FILE);
        }
    }

    /**
     * Checks that values about to be written are finite.
     *
     * @param target where they were to be written, for the message (a file or run folder), or null
     * @param what   what the tensor is, e.g. {@code model tensor 'head.bias'}
     * @param shape  its shape
     * @param p      the precision of {@code values}
     * @param values its elements (at least {@code size})
     * @param size   the number of elements
     * @param <A>    the array type
     * @throws IllegalArgumentException at the first NaN or infinity; nothing has been written then
     */
    public static <A> void requireFiniteToWrite(Path target, String what, int[] shape, Precision<A> p, A values, int size) {
        int bad = p.kernels().firstNonFinite(values, 0, size);
        if (bad >= 0) {
            throw new IllegalArgumentException((target == null ? "" : target + ": ") + "expected finite values in "
                    + what + ", found " + p.get(values, bad) + " at " + Parameter.index(shape, bad) + "; likely cause:"
                    + " the training run diverged (a learning rate too high, no gradient clipping); nothing was"
                    + " written");
        }
    }
}
