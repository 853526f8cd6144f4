package dev.recur.jmh;

/**
 * The matrix products a recurrent layer runs, at the sizes of the standard workloads
 * ({@code W1}: LSTM, {@code T·B = 100·32 = 3200}, {@code I = 128}, {@code H = 256}, {@code G·H = 1024};
 * {@code W2}: LSTM, {@code T·B = 128·64 = 8192}, {@code I = 512}, {@code H = 512},
 * {@code G·H = 2048}). {@code C} is {@code [m, n]}, the inner dimension is {@code k}, and one
 * product is {@link #flops() 2·m·n·k} FLOPs. Names give either the model sizes (steps) or
 * {@code m x n x k}.
 */
public enum GemmShape {

    /** Recurrent step forward, {@code B = 1, H = 512, G = 4}: {@code h·W_hhᵀ}, {@code [1 × 512]·[512 × 2048]}. */
    STEP_B1_H512(Form.PACKED_BT, 1, 2048, 512),
    /** Recurrent step forward, {@code B = 32, H = 256, G = 4} (W1): {@code [32 × 256]·[256 × 1024]}. */
    STEP_B32_H256(Form.PACKED_BT, 32, 1024, 256),
    /** Recurrent step forward, {@code B = 64, H = 512, G = 4} (W2): {@code [64 × 512]·[512 × 2048]}. */
    STEP_B64_H512(Form.PACKED_BT, 64, 2048, 512),
    /** Recurrent step backward, {@code B = 32, H = 256, G = 4} (W1): {@code dh = da·W_hh}, {@code [32 × 1024]·[1024 × 256]}. */
    STEP_BACK_B32_H256(Form.PACKED_B, 32, 256, 1024),
    /** W1 input projection of all steps: {@code X·W_ihᵀ}, {@code [3200 × 128]·[128 × 1024]}. */
    PROJ_3200x1024x128(Form.PACKED_BT, 3200, 1024, 128),
    /** W1 input-weight gradient: {@code dW_ih += dGᵀ·X}, {@code [1024 × 3200]·[3200 × 128]} (transA). */
    DW_1024x128x3200(Form.TRANS_A, 1024, 128, 3200),
    /** W1 recurrent-weight gradient: {@code dW_hh += dGᵀ·H_prev}, {@code [1024 × 3200]·[3200 × 256]} (transA). */
    DW_1024x256x3200(Form.TRANS_A, 1024, 256, 3200),
    /** W1 input gradient: {@code dX += dG·W_ih}, {@code [3200 × 1024]·[1024 × 128]}. */
    DX_3200x128x1024(Form.PLAIN, 3200, 128, 1024),
    /** W2 input projection (layer 0): {@code [8192 × 512]·[512 × 2048]}; 17.2 GFLOP. */
    PROJ_8192x2048x512(Form.PACKED_BT, 8192, 2048, 512),
    /** W2 input-weight gradient: {@code dW_ih += dGᵀ·X}, {@code [2048 × 8192]·[8192 × 512]} (transA); 17.2 GFLOP. */
    DW_2048x512x8192(Form.TRANS_A, 2048, 512, 8192);

    /** How the product is called, as the layer calls it. */
    public enum Form {
        /**
         * {@code C = A·Bᵀ} with {@code B} a weight held {@code [n, k]} and packed once beforehand
         * ({@code pack(transB = true)}); the timed call is the packed {@code gemm}. The forward
         * step and the input projection.
         */
        PACKED_BT,
        /** {@code C = A·B} with {@code B} held {@code [k, n]} and packed once beforehand. The backward step. */
        PACKED_B,
        /**
         * {@code C += Aᵀ·B} with {@code A} held {@code [k, m]}, unpacked {@code gemm(transA = true)}:
         * the kernels pack {@code B} inside every call, as they do for the weight gradients.
         */
        TRANS_A,
        /** {@code C += A·B}, unpacked {@code gemm}: packing {@code B} is part of every call. */
        PLAIN
    }

    private final Form form;
    private final int m;
    private final int n;
    private final int k;

    GemmShape(Form form, int m, int n, int k) {
        this.form = form;
        this.m = m;
        this.n = n;
        this.k = k;
    }

    /** How the product is called. */
    public Form form() {
        return form;
    }

    /** Rows of {@code C}. */
    public int m() {
        return m;
    }

    /** Columns of {@code C}. */
    public int n() {
        return n;
    }

    /** Inner dimension. */
    public int k() {
        return k;
    }

    /** FLOPs of one product: {@code 2·m·n·k}. */
    public double flops() {
        return 2.0 * m * n * k;
    }
}
