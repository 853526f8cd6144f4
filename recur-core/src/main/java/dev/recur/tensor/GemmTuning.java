package dev.recur.tensor;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The blocking of the vectorised matrix product, which may be chosen per machine: the inner block
 * {@code KC}, the row block {@code MC}, the height of the register tile, the size from which a
 * product is split over the threads, and from how many panels the rows of {@code A} are copied into
 * strips. {@link #DEFAULT} was measured best on the CPU the kernels were written on (AMD Zen 5,
 * AVX-512); {@code recur tune} measures the candidates on another CPU and caches the winner for it
 * ({@link GemmTuningCache}).
 *
 * <p>No setting changes a result: every element of {@code C} is summed over the inner dimension in
 * the same order whatever the blocks, the tile height, the strips and the thread split (the
 * kernels' Javadoc says how), so tuning only moves the speed. {@code GemmTuningTest} checks that bit
 * for bit with deliberately poor settings.
 *
 * <p>Thread-safe: an immutable record.
 *
 * @param innerBlock    {@code KC}: the inner dimension is walked in blocks of this many terms, so
 *                      that a {@code [KC, NR]} panel block stays in cache while the row tiles pass
 *                      over it; a multiple of 8 in {@code [16, 8192]}
 * @param rowBlock      {@code MC}: rows are walked in blocks of this many, so that an {@code [MC, KC]}
 *                      block of {@code A} stays in cache while the panels pass over it; a multiple of
 *                      {@value #ROW_BLOCK_MULTIPLE} in {@code [4, 8192]}
 * @param tileRows      the height of the register tile: 6 (24 accumulators) or 4 (16)
 * @param parallelFlops products of fewer FLOPs run on one thread; at least 0
 * @param stripPanels   a thread's share of a product of at least this many panels ({@code NR}
 *                      columns each) first copies each block of {@code A}'s rows into strips a
 *                      tile high, which every panel then reads (the tile's loop needs one index
 *                      there, and the copy costs about 1/(2·panels) of the product); 0: never. In
 *                      {@code [0, 65536]}
 */
public record GemmTuning(int innerBlock, int rowBlock, int tileRows, long parallelFlops, int stripPanels) {

    /**
     * Row blocks are whole groups of this many rows: with tiles of 6, 4 and 2 rows inside a block,
     * only the last row of the whole product can be a lone row (which sums its terms as two chains,
     * see the kernels), wherever the blocks fall.
     */
    public static final int ROW_BLOCK_MULTIPLE = 4;

    /** The settings measured best on AMD Zen 5 (AVX-512), and used where nothing else is chosen. */
    public static final GemmTuning DEFAULT = new GemmTuning(512, 192, 6, 1L << 20, 16);

    /** Validates the ranges. */
    public GemmTuning {
        require(innerBlock >= 16 && innerBlock <= 8192 && innerBlock % 8 == 0, "inner block (KC)",
                "a multiple of 8 in [16, 8192]", innerBlock);
        require(rowBlock >= ROW_BLOCK_MULTIPLE && rowBlock <= 8192 && rowBlock % ROW_BLOCK_MULTIPLE == 0,
                "row block (MC)", "a multiple of " + ROW_BLOCK_MULTIPLE + " in [4, 8192]", rowBlock);
        require(tileRows == 4 || tileRows == 6, "tile rows", "4 or 6", tileRows);
        require(parallelFlops >= 0, "parallel threshold", "at least 0 FLOPs", parallelFlops);
        require(stripPanels >= 0 && stripPanels <= 65536, "strip threshold", "a number of panels in [0, 65536]",
                stripPanels);
    }

    /** This blocking with {@link #stripPanels} set as given. */
    public GemmTuning withStripPanels(int panels) {
        return new GemmTuning(innerBlock, rowBlock, tileRows, parallelFlops, panels);
    }

    private static void require(boolean ok, String what, String expected, long found) {
        if (!ok) {
            throw new IllegalArgumentException("GEMM tuning: expected the " + what + " to be " + expected
                    + ", found " + found);
        }
    }

    /**
     * Reads the form {@link #toString()} writes, {@code kc=512,mc=192,tile=6,parallel=1048576,strips=16};
     * keys may be left out (they keep {@link #DEFAULT}'s value). For the {@code recur.gemm} system property,
     * which forces a setting (experiments and tests).
     *
     * @throws IllegalArgumentException naming the part that is not understood or out of range
     */
    public static GemmTuning parse(String text) {
        int kc = DEFAULT.innerBlock;
        int mc = DEFAULT.rowBlock;
        int tile = DEFAULT.tileRows;
        long parallel = DEFAULT.parallelFlops;
        int stripPanels = DEFAULT.stripPanels;
        Set<String> given = new HashSet<>();
        for (String part : text.split(",", -1)) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("GEMM tuning: expected key=value pairs such as kc=512,mc=192,"
                        + "tile=6,parallel=1048576,strips=16, found '" + part.trim() + "'");
            }
            long value;
            try {
                value = Long.parseLong(kv[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("GEMM tuning: expected a whole number for " + kv[0].trim()
                        + ", found '" + kv[1].trim() + "'");
            }
            switch (kv[0].trim().toLowerCase(Locale.ROOT)) {
                case "kc" -> kc = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
                case "mc" -> mc = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
                case "tile" -> tile = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
                case "parallel" -> parallel = value;
                case "strips" -> stripPanels = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
                default -> throw new IllegalArgumentException("GEMM tuning: expected one of the keys kc, mc, tile, "
                        + "parallel, strips, found '" + kv[0].trim() + "'");
            }
            if (!given.add(kv[0].trim().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("GEMM tuning: expected each key once, found '" + kv[0].trim()
                        + "' twice");
            }
        }
        return new GemmTuning(kc, mc, tile, parallel, stripPanels);
    }

    /** {@code kc=512,mc=192,tile=6,parallel=1048576,strips=16}: the form {@link #parse} reads. */
    @Override
    public String toString() {
        return "kc=" + innerBlock + ",mc=" + rowBlock + ",tile=" + tileRows + ",parallel=" + parallelFlops
                + ",strips=" + stripPanels;
    }
}
