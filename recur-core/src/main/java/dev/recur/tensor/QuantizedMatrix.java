package dev.recur.tensor;

import java.util.Locale;
import java.util.Objects;

/**
 * A weight matrix {@code W [rows, cols]} stored in fewer bits than float32, for inference: the
 * products widen each weight to float32 in registers and accumulate in float32.
 *
 * <ul>
 *   <li>{@link Format#BF16}: each weight as bfloat16, the upper 16 bits of its float32 rounded to
 *       nearest, ties to even; 2 bytes a weight.</li>
 *   <li>{@link Format#INT8}: symmetric int8 with one float32 scale per output row:
 *       {@code s_r = max_c |W[r,c]| / 127}, {@code q[r,c] = rint(W[r,c] / s_r)} in {@code [-127, 127]}
 *       (ties to even; an all-zero row has {@code s_r = 0} and {@code q = 0}); {@code W ≈ s_r q};
 *       1 byte a weight.</li>
 * </ul>
 *
 * <p>A matrix may be two matrices of the same rows side by side ({@link #concat}): {@code [A | B]},
 * columns {@code [0, split)} from {@code A} and {@code [split, cols)} from {@code B}, each block
 * with its own row scales. {@link #product} reads each weight once and gives the two blocks'
 * products separately: this is how a recurrent cell's step reads {@code [W_ih | W_hh]} once for
 * {@code W_ih x} and {@code W_hh h}.
 *
 * <p>The weights are kept in panels of {@value #PANEL} rows: panel {@code p} holds rows
 * {@code [16p, 16p + 16)} column by column (a column's 16 weights side by side), the last panel
 * padded with zero rows. A vector kernel then loads the weights of 16 (or 8) rows at one column at
 * once and sums each row in a lane of its own, in column order: no sum across lanes, and every row
 * summed the same way wherever it falls in a range of rows.
 *
 * <p>{@link #product} runs the Vector API kernel where {@link #vectorKernelsAvailable}, {@link #productReference} (a
 * plain loop, the reference the kernel is tested against) otherwise. Both compute, for each block,
 * {@code y_r = bias_r + s_r · Σ_c q[r,c] x_c} (int8: the scale once per row) or
 * {@code y_r = bias_r + Σ_c bf16(W[r,c]) x_c}, the sum as fused multiply-adds in column order from
 * 0, so they give the same bits. Each output is computed whole by one thread, so results do not
 * depend on how rows are split between threads.
 *
 * <p>Immutable after construction and thread-safe.
 */
public final class QuantizedMatrix {

    // the kernels' class is loaded only when the module is there
    private static final boolean VECTOR_KERNELS = Precision.vectorAvailable() && QuantizedVectorKernels.supported();

    /** How the weights are stored. */
    public enum Format {
        /** bfloat16: 8 exponent bits, 7 mantissa bits. */
        BF16,
        /** int8 with one float32 scale per row. */
        INT8;

        /** {@code bf16} or {@code int8}: the command-line and manifest name. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The format of a name.
         *
         * @param id {@code bf16} or {@code int8}
         * @return the format
         * @throws IllegalArgumentException for another name
         */
        public static Format fromId(String id) {
            for (Format f : values()) {
                if (f.id().equals(id)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("expected a weight format bf16 or int8, found \"" + id + "\"");
        }
    }

    /** Rows a panel of the storage holds (see the class comment). */
    static final int PANEL = 16;

    private final Format format;
    private final int rows;
    private final int cols;
    private final int split;
    /** INT8: the weights, in panels ({@link #index}); else null. */
    final byte[] int8;
    /** BF16: the weights' upper 16 bits, in panels ({@link #index}); else null. */
    final short[] bf16;
    /** INT8: the scale of each row of the first block; else null. */
    final float[] scales;
    /** INT8 with two blocks: the scale of each row of the second block; else null. */
    final float[] scales2;

    /** From row-major weights ({@code int8} or {@code bf16}, the other null), which are copied into panels. */
    private QuantizedMatrix(Format format, int rows, int cols, int split, byte[] int8, short[] bf16, float[] scales,
                            float[] scales2) {
        this.format = format;
        this.rows = rows;
        this.cols = cols;
        this.split = split;
        this.int8 = int8 == null ? null : new byte[stored(rows, cols)];
        this.bf16 = bf16 == null ? null : new short[stored(rows, cols)];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (int8 != null) {
                    this.int8[index(r, c, cols)] = int8[r * cols + c];
                } else {
                    this.bf16[index(r, c, cols)] = bf16[r * cols + c];
                }
            }
        }
        this.scales = scales;
        this.scales2 = scales2;
    }

    /** Where weight {@code [r, c]} of a matrix of {@code cols} columns is in the panels. */
    static int index(int r, int c, int cols) {
        return (r / PANEL * cols + c) * PANEL + r % PANEL;
    }

    /** The panels' length: the rows rounded up to whole panels. */
    private static int stored(int rows, int cols) {
        long n = (long) (rows + PANEL - 1) / PANEL * PANEL * cols;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("quantized matrix [" + rows + ", " + cols + "]: expected at most "
                    + (Integer.MAX_VALUE - 8) + " weights in whole panels of " + PANEL + " rows, found " + n);
        }
        return (int) n;
    }

    /** The int8 weights of columns {@code [c0, c0 + nc)}, row-major. */
    private byte[] int8RowMajor(int c0, int nc) {
        byte[] w = new byte[rows * nc];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < nc; c++) {
                w[r * nc + c] = int8[index(r, c0 + c, cols)];
            }
        }
        return w;
    }

    /** The bf16 weights of columns {@code [c0, c0 + nc)}, row-major. */
    private short[] bf16RowMajor(int c0, int nc) {
        short[] w = new short[rows * nc];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < nc; c++) {
                w[r * nc + c] = bf16[index(r, c0 + c, cols)];
            }
        }
        return w;
    }

    /**
     * Quantizes a float32 matrix.
     *
     * @param format the storage
     * @param w      {@code W}, row-major from {@code offset}
     * @param offset index of {@code W[0,0]}
     * @param rows   rows
     * @param cols   columns
     * @return the quantized matrix ({@code w} is not kept)
     * @throws IllegalArgumentException for a weight that is NaN or infinite, or one too large for
     *                                  bf16 (it would round to infinity)
     */
    public static QuantizedMatrix quantize(Format format, float[] w, int offset, int rows, int cols) {
        return quantize(format, "quantize", w, offset, rows, cols);
    }

    /**
     * {@link #quantize(Format, float[], int, int, int)}, its refusals naming the matrix.
     *
     * @param name the matrix, e.g. {@code "weight_hh_l0"}: the first word of a refusal's message
     */
    public static QuantizedMatrix quantize(Format format, String name, float[] w, int offset, int rows, int cols) {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(w, "w");
        if (rows < 0 || cols < 0 || offset < 0 || (long) offset + (long) rows * cols > w.length) {
            throw new IllegalArgumentException(name + ": expected a [" + rows + ", " + cols + "] matrix from index "
                    + offset + " of an array of " + w.length);
        }
        int n = rows * cols;
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(w[offset + i])) {
                throw new IllegalArgumentException(name + ": weight [" + i / cols + ", " + i % cols + "] is "
                        + w[offset + i] + "; expected finite weights");
            }
        }
        if (format == Format.BF16) {
            short[] q = new short[n];
            for (int i = 0; i < n; i++) {
                q[i] = toBf16(w[offset + i]);
                if (!Float.isFinite(fromBf16(q[i]))) {
                    throw new IllegalArgumentException(name + ": weight [" + i / cols + ", " + i % cols + "] = "
                            + w[offset + i] + " is beyond bfloat16's range (it rounds to infinity)");
                }
            }
            return new QuantizedMatrix(format, rows, cols, cols, null, q, null, null);
        }
        byte[] q = new byte[n];
        float[] s = new float[rows];
        for (int r = 0; r < rows; r++) {
            int base = offset + r * cols;
            float max = 0;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, Math.abs(w[base + c]));
            }
            // s_r = max|W_r| / 127
            float scale = max / 127f;
            s[r] = scale;
            for (int c = 0; c < cols && scale > 0; c++) {
                // q = rint(w / s_r), within [-127, 127]
                float v = (float) Math.rint(w[base + c] / scale);
                q[r * cols + c] = (byte) Math.max(-127, Math.min(127, (int) v));
            }
        }
        return new QuantizedMatrix(format, rows, cols, cols, q, null, s, null);
    }

    /**
     * An int8 matrix from its stored parts (as read from a file).
     *
     * @param rows   rows
     * @param cols   columns
     * @param q      {@code [rows, cols]} row-major; copied into panels
     * @param scales one per row, finite and {@code >= 0}; kept, not copied
     * @return the matrix
     * @throws IllegalArgumentException for sizes that do not fit, a scale that is negative or not
     *                                  finite, or a weight of -128
     */
    public static QuantizedMatrix ofInt8(int rows, int cols, byte[] q, float[] scales) {
        if (rows < 0 || cols < 0 || q.length != (long) rows * cols || scales.length != rows) {
            throw new IllegalArgumentException("int8 matrix [" + rows + ", " + cols + "]: expected " + (long) rows * cols
                    + " weights and " + rows + " scales, found " + q.length + " and " + scales.length);
        }
        for (int r = 0; r < rows; r++) {
            if (!(scales[r] >= 0) || !Float.isFinite(scales[r])) {
                throw new IllegalArgumentException("int8 matrix: the scale of row " + r + " is " + scales[r]
                        + "; expected a finite scale >= 0");
            }
        }
        for (int i = 0; i < q.length; i++) {
            if (q[i] == Byte.MIN_VALUE) {
                throw new IllegalArgumentException("int8 matrix: weight " + i + " (row " + i / Math.max(cols, 1)
                        + ") is -128; expected -127..127, as recur quantize writes (symmetric around 0)");
            }
        }
        return new QuantizedMatrix(Format.INT8, rows, cols, cols, q, null, scales, null);
    }

    /**
     * A bf16 matrix from its stored bits (as read from a file).
     *
     * @param rows rows
     * @param cols columns
     * @param bits {@code [rows, cols]} row-major; copied into panels
     * @return the matrix
     * @throws IllegalArgumentException for a size that does not fit, or a NaN or infinite weight
     */
    public static QuantizedMatrix ofBf16(int rows, int cols, short[] bits) {
        if (rows < 0 || cols < 0 || bits.length != (long) rows * cols) {
            throw new IllegalArgumentException("bf16 matrix [" + rows + ", " + cols + "]: expected "
                    + (long) rows * cols + " weights, found " + bits.length);
        }
        for (int i = 0; i < bits.length; i++) {
            if (!Float.isFinite(fromBf16(bits[i]))) {
                throw new IllegalArgumentException("bf16 matrix: weight [" + i / Math.max(1, cols) + ", "
                        + i % Math.max(1, cols) + "] is " + fromBf16(bits[i]) + "; expected finite weights");
            }
        }
        return new QuantizedMatrix(Format.BF16, rows, cols, cols, null, bits, null, null);
    }

    /**
     * Two matrices of the same rows and format side by side, {@code [a | b]}, in one set of panels:
     * columns {@code [0, a.cols)} are {@code a}'s, with its scales, the rest {@code b}'s.
     *
     * @param a the left block (one block)
     * @param b the right block (one block)
     * @return the matrix of two blocks
     * @throws IllegalArgumentException for other formats, row counts, or a matrix of two blocks already
     */
    public static QuantizedMatrix concat(QuantizedMatrix a, QuantizedMatrix b) {
        if (a.format != b.format || a.rows != b.rows || a.split != a.cols || b.split != b.cols) {
            throw new IllegalArgumentException("concat: expected two one-block matrices of one format and row count, "
                    + "found " + a + " and " + b);
        }
        int nc = a.cols + b.cols;
        if (a.format == Format.BF16) {
            short[] w = new short[a.rows * nc];
            short[] wa = a.bf16RowMajor(0, a.cols);
            short[] wb = b.bf16RowMajor(0, b.cols);
            for (int r = 0; r < a.rows; r++) {
                System.arraycopy(wa, r * a.cols, w, r * nc, a.cols);
                System.arraycopy(wb, r * b.cols, w, r * nc + a.cols, b.cols);
            }
            return new QuantizedMatrix(Format.BF16, a.rows, nc, a.cols, null, w, null, null);
        }
        byte[] w = new byte[a.rows * nc];
        byte[] wa = a.int8RowMajor(0, a.cols);
        byte[] wb = b.int8RowMajor(0, b.cols);
        for (int r = 0; r < a.rows; r++) {
            System.arraycopy(wa, r * a.cols, w, r * nc, a.cols);
            System.arraycopy(wb, r * b.cols, w, r * nc + a.cols, b.cols);
        }
        return new QuantizedMatrix(Format.INT8, a.rows, nc, a.cols, w, null, a.scales.clone(), b.scales.clone());
    }

    /**
     * One block of this matrix as a matrix of its own (a copy): block 0 is columns {@code [0, split)},
     * block 1 the rest.
     *
     * @param k 0 or 1
     * @return the block
     * @throws IllegalArgumentException for block 1 of a matrix of one block
     */
    public QuantizedMatrix block(int k) {
        if (k != 0 && (k != 1 || split == cols)) {
            throw new IllegalArgumentException("block " + k + " of " + this + ": no such block");
        }
        int c0 = k == 0 ? 0 : split;
        int nc = k == 0 ? split : cols - split;
        if (format == Format.BF16) {
            return new QuantizedMatrix(format, rows, nc, nc, null, bf16RowMajor(c0, nc), null, null);
        }
        return new QuantizedMatrix(format, rows, nc, nc, int8RowMajor(c0, nc), null, (k == 0 ? scales : scales2).clone(),
                null);
    }

    /**
     * The bfloat16 nearest to {@code f}, ties to even, as its 16 bits: a finite value beyond the
     * largest bfloat16 (about 3.39e38) rounds to infinity, an infinity stays one, and a NaN stays a
     * NaN (made quiet, its sign and upper payload kept).
     *
     * @param f a float
     * @return its bfloat16 bits
     */
    public static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        // round to nearest even on bit 16: add 0x7FFF plus the lowest kept bit, then truncate
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /**
     * The float32 value of bfloat16 bits (exact).
     *
     * @param b the bits
     * @return the value
     */
    public static float fromBf16(short b) {
        return Float.intBitsToFloat(b << 16);
    }

    /** The storage. */
    public Format format() {
        return format;
    }

    /** Rows. */
    public int rows() {
        return rows;
    }

    /** Columns (of both blocks). */
    public int cols() {
        return cols;
    }

    /** The first column of the second block; {@link #cols} for a matrix of one block. */
    public int split() {
        return split;
    }

    /**
     * Weight {@code [r, c]} as the products use it: {@code s_r q[r,c]} (rounded to float32) or the
     * bf16 value.
     *
     * @param r the row
     * @param c the column
     * @return the weight
     */
    public float get(int r, int c) {
        int i = index(r, c, cols);
        if (format == Format.BF16) {
            return fromBf16(bf16[i]);
        }
        return (c < split ? scales[r] : scales2[r]) * int8[i];
    }

    /** The per-row scales of an int8 matrix's first block (a copy), or null for bf16. */
    public float[] scales() {
        return scales == null ? null : scales.clone();
    }

    /** The int8 weights, {@code [rows, cols]} row-major (a copy), or null for bf16. */
    public byte[] int8Weights() {
        return int8 == null ? null : int8RowMajor(0, cols);
    }

    /** The bf16 weights' bits, {@code [rows, cols]} row-major (a copy), or null for int8. */
    public short[] bf16Weights() {
        return bf16 == null ? null : bf16RowMajor(0, cols);
    }

    /** The matrix in float32, {@code [rows, cols]} row-major: each weight as {@link #get}. */
    public float[] dequantize() {
        float[] w = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                w[r * cols + c] = get(r, c);
            }
        }
        return w;
    }

    /**
     * Whether {@link #product} runs the Vector API kernels: the module is loaded and a float vector
     * has 8 or 16 lanes (the int8 weights of a vector are loaded as one vector of as many bytes, the
     * smallest byte vector has 8 lanes, and a vector of rows must lie within one panel of
     * {@value #PANEL}). Otherwise it runs {@link #productReference}.
     */
    public static boolean vectorKernelsAvailable() {
        return VECTOR_KERNELS;
    }

    /**
     * For rows {@code r} in {@code [r0, r1)}: {@code out1[o + r] = bias1_r + s_r Σ_{c < split} W[r,c] x[xOff + c]}
     * and, for a matrix of two blocks, {@code out2[o + r] = bias2_r + s2_r Σ_{c >= split} W[r,c] h[hOff + c - split]}:
     * the fast kernel (Vector API when available). Writes only those outputs.
     *
     * @param r0    first row
     * @param r1    end of the rows
     * @param x     the first block's input, {@code split} values from {@code xOff}
     * @param xOff  index of {@code x_0}
     * @param h     the second block's input ({@code cols - split} values from {@code hOff}); unused with one block
     * @param hOff  index of {@code h_0}
     * @param bias1 added to the first block's product (indexed by row), or null
     * @param bias2 added to the second's, or null
     * @param out1  the first block's product
     * @param out2  the second block's; unused with one block
     * @param o     index of row 0 in {@code out1} and {@code out2}
     */
    public void product(int r0, int r1, float[] x, int xOff, float[] h, int hOff, float[] bias1, float[] bias2,
                        float[] out1, float[] out2, int o) {
        check(r0, r1, x, xOff, h, hOff, bias1, bias2, out1, out2, o);
        if (!VECTOR_KERNELS) {
            productReference(r0, r1, x, xOff, h, hOff, bias1, bias2, out1, out2, o);
            return;
        }
        boolean two = split < cols;
        if (format == Format.INT8) {
            QuantizedVectorKernels.int8(this, r0, r1, 0, split, x, xOff, scales, bias1, out1, o);
            if (two) {
                QuantizedVectorKernels.int8(this, r0, r1, split, cols, h, hOff, scales2, bias2, out2, o);
            }
        } else {
            QuantizedVectorKernels.bf16(this, r0, r1, 0, split, x, xOff, bias1, out1, o);
            if (two) {
                QuantizedVectorKernels.bf16(this, r0, r1, split, cols, h, hOff, bias2, out2, o);
            }
        }
    }

    /**
     * {@link #product} as a plain loop: the reference. Each block's products are added in column
     * order into a float32 sum, each with one rounding (a fused multiply-add), then (int8)
     * multiplied by the row's scale, then the bias is added. ({@link Math#fma} falls back to slow
     * software on a CPU without FMA instructions; x86-64 CPUs since 2013 and ARM64 have them.)
     */
    public void productReference(int r0, int r1, float[] x, int xOff, float[] h, int hOff, float[] bias1,
                                 float[] bias2, float[] out1, float[] out2, int o) {
        check(r0, r1, x, xOff, h, hOff, bias1, bias2, out1, out2, o);
        for (int r = r0; r < r1; r++) {
            float d1 = 0;
            for (int c = 0; c < split; c++) {
                d1 = Math.fma(weightUnscaled(index(r, c, cols)), x[xOff + c], d1);
            }
            // y_r = bias_r + s_r Σ_c q[r,c] x_c   (bf16: s_r = 1)
            out1[o + r] = (bias1 == null ? 0f : bias1[r]) + (format == Format.INT8 ? scales[r] * d1 : d1);
            if (split < cols) {
                float d2 = 0;
                for (int c = split; c < cols; c++) {
                    d2 = Math.fma(weightUnscaled(index(r, c, cols)), h[hOff + c - split], d2);
                }
                out2[o + r] = (bias2 == null ? 0f : bias2[r]) + (format == Format.INT8 ? scales2[r] * d2 : d2);
            }
        }
    }

    private float weightUnscaled(int i) {
        return format == Format.INT8 ? int8[i] : fromBf16(bf16[i]);
    }

    private void check(int r0, int r1, float[] x, int xOff, float[] h, int hOff, float[] bias1, float[] bias2,
                       float[] out1, float[] out2, int o) {
        boolean two = split < cols;
        if (r0 < 0 || r1 > rows || r0 > r1 || xOff < 0 || (long) xOff + split > x.length || o < 0
                || (long) o + rows > out1.length || (bias1 != null && bias1.length < rows)
                || (two && (hOff < 0 || (long) hOff + cols - split > h.length || (long) o + rows > out2.length
                || (bias2 != null && bias2.length < rows)))) {
            throw new IllegalArgumentException("quantized product: rows [" + r0 + ", " + r1 + ") of " + this
                    + " with inputs or outputs out of bounds");
        }
    }

    @Override
    public String toString() {
        return "QuantizedMatrix(" + format.id() + ", [" + rows + ", " + cols + "]"
                + (split < cols ? ", blocks of " + split + " and " + (cols - split) + " columns" : "") + ")";
    }
}
