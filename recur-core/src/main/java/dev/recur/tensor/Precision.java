package dev.recur.tensor;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A numeric precision: the array type {@code A}, the kernels that compute on it, and conversions to
 * and from {@code double[]}.
 *
 * <p>{@link #F64} ({@code double[]}) is the verification precision: it matches PyTorch's float64
 * results to about 1e-12. {@link #F32} ({@code float[]}) is the speed precision. Both run the same
 * mathematics: the float32 classes are generated from the float64 source at build time.
 *
 * <p>The constants use the vectorised kernels on one thread when the Java Vector API module
 * ({@code jdk.incubator.vector}) is present, else the plain reference kernels
 * ({@link #vectorUnavailableReason()} says why). {@link #withThreads(int)} gives the same
 * precision on more threads, {@link #withTuning(GemmTuning)} with other blocks for the products
 * (the same results); {@link #reference()} the plain kernels, which every fast path is tested
 * against. The constants' tuning is {@link GemmTuningCache#inEffect()}'s.
 *
 * <p>Thread-safe: a precision is immutable, and the thread teams of {@link #withThreads(int)} are
 * shared through a concurrent map (a team serves concurrent callers, see {@link Parallel}).
 *
 * @param <A> the array type
 */
public abstract class Precision<A> {

    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final boolean VECTOR = ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();

    /** float64: {@code double[]} buffers. */
    public static final Precision<double[]> F64 = new Float64(GemmTuningCache.inEffect().tuning(), 1);

    /** float32: {@code float[]} buffers; values are rounded to nearest on the way in. */
    public static final Precision<float[]> F32 = new Float32(GemmTuningCache.inEffect().tuning(), 1);

    private static final Map<Integer, Parallel> TEAMS = new ConcurrentHashMap<>();

    private final String name;
    private final Kernels<A> kernels;
    /** The blocks of the vectorised products (kept where the reference kernels run, for withThreads). */
    private final GemmTuning tuning;

    private Precision(String name, Kernels<A> kernels, GemmTuning tuning) {
        this.name = name;
        this.kernels = kernels;
        this.tuning = tuning;
    }

    /** Whether the vectorised kernels can be used in this JVM. */
    public static boolean vectorAvailable() {
        return VECTOR;
    }

    /** Null when the vectorised kernels are in use; else one line saying why not and how to enable them. */
    public static String vectorUnavailableReason() {
        return VECTOR ? null : "the Java Vector API module is not loaded, so recur runs its plain reference kernels "
                + "(slower); start the JVM with --add-modules " + VECTOR_MODULE;
    }

    /** {@code "float64"} or {@code "float32"}. */
    public final String name() {
        return name;
    }

    /** The kernels of this precision. */
    public final Kernels<A> kernels() {
        return kernels;
    }

    /** Whether the array type is {@code double[]}. */
    public abstract boolean isDouble();

    /** The same precision with the plain reference kernels (single-threaded). */
    public abstract Precision<A> reference();

    /**
     * The same precision with the vectorised kernels splitting large products over {@code threads}
     * threads (the caller included); the reference kernels when the Vector API is unavailable.
     * Teams are shared per thread count.
     */
    public abstract Precision<A> withThreads(int threads);

    /**
     * The same precision and thread count with the products blocked as {@code tuning} says: the
     * same results to the bit, at another speed (see {@link GemmTuning}).
     */
    public abstract Precision<A> withTuning(GemmTuning tuning);

    /** The blocks of the vectorised products. */
    public final GemmTuning tuning() {
        return tuning;
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

    /**
     * The team of {@code threads} threads that every precision and runner of that count shares
     * ({@link Parallel#SERIAL} for one), made on first use and kept for the life of the JVM.
     */
    public static Parallel team(int threads) {
        // the constants are made before the map: one thread needs no team
        return threads == 1 ? Parallel.SERIAL : TEAMS.computeIfAbsent(threads, Parallel::of);
    }

    @Override
    public String toString() {
        return name + (kernels.vectorized() ? "" : " (reference)")
                + (kernels.threads() > 1 ? " x" + kernels.threads() + " threads" : "");
    }

    private static final class Float64 extends Precision<double[]> {
        Float64(Kernels<double[]> kernels, GemmTuning tuning) {
            super("float64", kernels, tuning);
        }

        Float64(GemmTuning tuning, int threads) {
            this(VECTOR ? new DoubleVectorKernels(team(threads), tuning) : DoubleKernels.INSTANCE, tuning);
        }

        @Override public boolean isDouble() { return true; }
        @Override public Precision<double[]> reference() { return new Float64(DoubleKernels.INSTANCE, tuning()); }
        @Override public Precision<double[]> withThreads(int threads) { return new Float64(tuning(), threads); }
        @Override public Precision<double[]> withTuning(GemmTuning tuning) {
            return kernels().vectorized() ? new Float64(tuning, kernels().threads()) : new Float64(kernels(), tuning);
        }
        @Override public double[] fromDoubles(double[] values) { return values.clone(); }
        @Override public double[] toDoubles(double[] a) { return a.clone(); }
        @Override public double get(double[] a, int i) { return a[i]; }
        @Override public void set(double[] a, int i, double v) { a[i] = v; }
    }

    private static final class Float32 extends Precision<float[]> {
        Float32(Kernels<float[]> kernels, GemmTuning tuning) {
            super("float32", kernels, tuning);
        }

        Float32(GemmTuning tuning, int threads) {
            this(VECTOR ? new FloatVectorKernels(team(threads), tuning) : FloatKernels.INSTANCE, tuning);
        }

        @Override public boolean isDouble() { return false; }
        @Override public Precision<float[]> reference() { return new Float32(FloatKernels.INSTANCE, tuning()); }
        @Override public Precision<float[]> withThreads(int threads) { return new Float32(tuning(), threads); }
        @Override public Precision<float[]> withTuning(GemmTuning tuning) {
            return kernels().vectorized() ? new Float32(tuning, kernels().threads()) : new Float32(kernels(), tuning);
        }
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
    }
}
