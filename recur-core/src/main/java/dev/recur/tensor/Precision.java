package dev.recur.tensor;

import java.util.Arrays;

/**
 * A numeric precision: the array type {@code A}, its kernels and conversions to and from
 * {@code double[]}.
 *
 * <p>{@link #F64} ({@code double[]}) is the verification precision: it matches PyTorch's float64
 * results to about 1e-12. {@link #F32} ({@code float[]}) is the speed precision. Both run the same
 * mathematics: the float32 classes are generated from the float64 source at build time.
 *
 * @param <A> the array type
 */
public abstract class Precision<A> {

    /** float64: {@code double[]} buffers. */
    public static final Precision<double[]> F64 = new Precision<>("float64", DoubleKernels.INSTANCE) {
        @Override public double[] fromDoubles(double[] values) { return values.clone(); }
        @Override public double[] toDoubles(double[] a) { return a.clone(); }
        @Override public double get(double[] a, int i) { return a[i]; }
        @Override public void set(double[] a, int i, double v) { a[i] = v; }
    };

    /** float32: {@code float[]} buffers; values are rounded to nearest on the way in. */
    public static final Precision<float[]> F32 = new Precision<>("float32", FloatKernels.INSTANCE) {
        @Override public float[] fromDoubles(double[] values) {
            float[] out = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                out[i] = (float) values[i];
            }
            return out;
        }
        @Override public double[] toDoubles(float[] a) {
            double[] out = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                out[i] = a[i];
            }
            return out;
        }
        @Override public double get(float[] a, int i) { return a[i]; }
        @Override public void set(float[] a, int i, double v) { a[i] = (float) v; }
    };

    private final String name;
    private final Kernels<A> kernels;

    private Precision(String name, Kernels<A> kernels) {
        this.name = name;
        this.kernels = kernels;
    }

    /** {@code "float64"} or {@code "float32"}. */
    public final String name() {
        return name;
    }

    /** The kernels for this precision. */
    public final Kernels<A> kernels() {
        return kernels;
    }

    /** A new array holding {@code values} (rounded to nearest for float32); the input is not kept. */
    public abstract A fromDoubles(double[] values);

    /** A new {@code double[]} holding the elements of {@code a} exactly. */
    public abstract double[] toDoubles(A a);

    /** Element {@code i} of {@code a}, as a double (a slow path for tests and initialisation). */
    public abstract double get(A a, int i);

    /** Sets element {@code i} of {@code a} to {@code v} (rounded for float32). Modifies {@code a}. */
    public abstract void set(A a, int i, double v);

    /** A new array of {@code n} elements, all equal to {@code v}. */
    public final A filled(int n, double v) {
        double[] values = new double[n];
        Arrays.fill(values, v);
        return fromDoubles(values);
    }

    @Override
    public String toString() {
        return name;
    }
}
