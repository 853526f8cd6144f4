package dev.recur.jmh;

import dev.recur.tensor.Kernels;
import dev.recur.tensor.PackedMatrix;

/** The operands of one {@link GemmShape} and the call that computes it. */
final class GemmCase {

    private final GemmShape shape;
    private final Kernels<float[]> k;
    private final float[] a;
    private final float[] b;
    private final float[] c;
    private final PackedMatrix<float[]> packed;
    /** GFLOP per call. */
    final double gflop;

    GemmCase(GemmShape shape, KernelChoice kernels) {
        this.shape = shape;
        this.k = kernels.precision().kernels();
        int m = shape.m();
        int n = shape.n();
        int kk = shape.k();
        this.a = Data.uniform(m * kk, 1);
        this.b = Data.uniform(kk * n, 2);
        this.c = new float[m * n];
        this.packed = switch (shape.form()) {
            case PACKED_BT -> k.pack(true, kk, n, b, 0, kk, null);
            case PACKED_B -> k.pack(false, kk, n, b, 0, n, null);
            case TRANS_A, PLAIN -> null;
        };
        this.gflop = shape.flops() / 1e9;
    }

    /** One product; returns {@code C}. */
    float[] run() {
        int m = shape.m();
        int n = shape.n();
        int kk = shape.k();
        switch (shape.form()) {
            case PACKED_BT, PACKED_B -> k.gemm(false, m, n, kk, a, 0, kk, packed, false, c, 0, n);
            case TRANS_A -> k.gemm(true, false, m, n, kk, a, 0, m, b, 0, n, true, c, 0, n);
            case PLAIN -> k.gemm(false, false, m, n, kk, a, 0, kk, b, 0, n, true, c, 0, n);
        }
        return c;
    }
}
