package dev.recur.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor's entry in a safetensors header: its name, element type, shape and byte range.
 *
 * <p>The shape is copied on the way in and out, so an entry is immutable. An empty shape is a
 * scalar (one element).
 *
 * <p>Immutable and thread-safe (the shape is copied in and out).
 *
 * @param name the tensor name
 * @param dtype the element type
 * @param shape the dimensions, outermost first (C order); every entry is {@code >= 0}
 * @param begin the first byte of the tensor, relative to the start of the data section
 * @param end one past the last byte, relative to the start of the data section;
 *     {@code end - begin == dtype.byteSize() * product(shape)}
 */
public record TensorEntry(String name, DType dtype, int[] shape, long begin, long end) {

    /**
     * Validates and copies the components.
     *
     * @param name the tensor name
     * @param dtype the element type
     * @param shape the dimensions; copied
     * @param begin the first byte, relative to the data section
     * @param end one past the last byte, relative to the data section
     * @throws IllegalArgumentException if a dimension is negative, {@code begin} is negative, or
     *     {@code end - begin} does not match the shape and dtype
     */
    public TensorEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
        long bytes = byteLength(shape, dtype);
        if (begin < 0 || end - begin != bytes) {
            throw new IllegalArgumentException("tensor '" + name + "': " + dtype + " "
                    + Arrays.toString(shape) + " needs " + bytes
                    + " bytes, but data_offsets are [" + begin + ", " + end + "]");
        }
    }

    /**
     * Returns a copy of the shape.
     *
     * @return the dimensions, outermost first
     */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /**
     * Returns the number of elements, the product of the dimensions (1 for a scalar).
     *
     * @return the element count
     */
    public long elementCount() {
        return elementCount(shape);
    }

    /**
     * Returns the size of the tensor's data in bytes.
     *
     * @return {@code end - begin}
     */
    public long byteLength() {
        return end - begin;
    }

    /**
     * Multiplies out a shape.
     *
     * @param shape the dimensions
     * @return their product (1 for an empty shape)
     * @throws IllegalArgumentException if a dimension is negative or the product overflows a long
     */
    public static long elementCount(int[] shape) {
        long count = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            try {
                count = Math.multiplyExact(count, d);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has too many elements", e);
            }
        }
        return count;
    }

    /**
     * Computes the number of bytes a tensor of this shape and dtype occupies.
     *
     * @param shape the dimensions
     * @param dtype the element type
     * @return {@code dtype.byteSize() * product(shape)}
     * @throws IllegalArgumentException if a dimension is negative or the size overflows a long
     */
    static long byteLength(int[] shape, DType dtype) {
        try {
            return Math.multiplyExact(elementCount(shape), (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has too many elements", e);
        }
    }

    /**
     * Compares by value, including the contents of the shape.
     *
     * @param o the other object
     * @return true if {@code o} is an entry with equal components
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof TensorEntry e
                && name.equals(e.name) && dtype == e.dtype && Arrays.equals(shape, e.shape)
                && begin == e.begin && end == e.end;
    }

    /**
     * Hashes by value, including the contents of the shape.
     *
     * @return the hash code
     */
    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
    }

    /**
     * Describes the entry, e.g. {@code x F64 [1, 1, 3] @ [0, 24)}.
     *
     * @return a readable one-line description
     */
    @Override
    public String toString() {
        return name + " " + dtype + " " + Arrays.toString(shape) + " @ [" + begin + ", " + end + ")";
    }
}
