package dev.recur.onnx;

import dev.recur.onnx.proto.Onnx.TensorProto.DataType;
import java.util.Arrays;

/**
 * One tensor of an ONNX file (an initializer or a node attribute), decoded and checked against its
 * declared shape by {@link OnnxFile}: FLOAT values are held as {@code float[]}, DOUBLE as
 * {@code double[]}, INT32 and INT64 as {@code long[]}, row-major.
 *
 * <p>Immutable from the outside: the accessors return copies. Thread-safe.
 */
public final class TensorData {

    private final String name;
    private final DataType type;
    private final long[] dims;
    private final float[] floats;
    private final double[] doubles;
    private final long[] longs;

    TensorData(String name, DataType type, long[] dims, float[] floats, double[] doubles, long[] longs) {
        this.name = name;
        this.type = type;
        this.dims = dims;
        this.floats = floats;
        this.doubles = doubles;
        this.longs = longs;
    }

    /** The tensor's name ({@code ""} for an unnamed attribute tensor). */
    public String name() {
        return name;
    }

    /** The element type: FLOAT, DOUBLE, INT32 or INT64. */
    public DataType type() {
        return type;
    }

    /** The shape ({@code []} for a scalar). */
    public long[] dims() {
        return dims.clone();
    }

    /** The rank. */
    public int rank() {
        return dims.length;
    }

    /**
     * One dimension.
     *
     * @param axis {@code 0 .. rank-1}
     * @return its size
     */
    public long dim(int axis) {
        return dims[axis];
    }

    /** The number of elements: the product of the dimensions. */
    public int size() {
        return floats != null ? floats.length : doubles != null ? doubles.length : longs.length;
    }

    /** Whether the elements are floating point (FLOAT or DOUBLE). */
    public boolean isFloating() {
        return longs == null;
    }

    /**
     * The values as float32 (DOUBLE rounded to nearest, integers converted).
     *
     * @return a new array
     */
    public float[] floats() {
        if (floats != null) {
            return floats.clone();
        }
        float[] out = new float[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = doubles != null ? (float) doubles[i] : (float) longs[i];
        }
        return out;
    }

    /**
     * One value as a double.
     *
     * @param i the flat index
     * @return the value
     */
    public double get(int i) {
        return floats != null ? floats[i] : doubles != null ? doubles[i] : longs[i];
    }

    /**
     * The values of an integer tensor.
     *
     * @return a new array
     * @throws IllegalStateException if the tensor is FLOAT or DOUBLE
     */
    public long[] longs() {
        if (longs == null) {
            throw new IllegalStateException("tensor '" + name + "' holds " + type + " values, not integers");
        }
        return longs.clone();
    }

    @Override
    public String toString() {
        return "tensor '" + name + "' " + type + " " + Arrays.toString(dims);
    }
}
