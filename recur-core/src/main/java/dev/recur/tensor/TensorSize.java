package dev.recur.tensor;

import java.util.Locale;

/**
 * The largest tensor recur can hold, and the check that configurations use to refuse sizes whose
 * tensors cannot exist: a tensor is one Java array, so it holds at most {@link #MAX_ELEMENTS}
 * elements however much memory there is.
 *
 * <p>Stateless and thread-safe.
 */
public final class TensorSize {

    /** The most elements one tensor holds: the longest array a Java virtual machine allocates. */
    public static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private TensorSize() {
    }

    /**
     * Checks that a tensor of the given shape fits in one array.
     *
     * @param field  the setting the size comes from, as messages name it (e.g. {@code hidden_size})
     * @param value  its value (e.g. {@code 100000}, or {@code "32 and 100"} for two settings)
     * @param tensor the tensor, as messages name it (e.g. {@code weight_hh_l0})
     * @param shape  the tensor's shape; each extent at least 0
     * @throws IllegalArgumentException naming the setting, its value, the tensor, its element count
     *                                  and the limit, if the tensor holds more than {@link #MAX_ELEMENTS}
     */
    public static void requireFits(String field, Object value, String tensor, long... shape) {
        long elements = 1;
        boolean overflow = false;
        StringBuilder dims = new StringBuilder("[");
        for (long d : shape) {
            dims.append(dims.length() > 1 ? " x " : "").append(d);
            if (!overflow) {
                try {
                    elements = Math.multiplyExact(elements, d);
                } catch (ArithmeticException e) {
                    overflow = true;
                }
            }
        }
        if (overflow || elements > MAX_ELEMENTS) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: expected a size whose tensors fit in a "
                    + "Java array (at most %,d elements each), found %s, which makes %s %s] %s elements; likely "
                    + "cause: a typo, or a model too large for one machine", field,
                    MAX_ELEMENTS, value, tensor, dims, overflow
                            ? String.format(Locale.ROOT, "> %,d", Long.MAX_VALUE)
                            : String.format(Locale.ROOT, "= %,d", elements)));
        }
    }
}
