package dev.recur.onnx;

import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.recurrent.GruGate;
import dev.recur.nn.recurrent.LstmGate;

/**
 * The order ONNX stacks a cell's gate blocks in, against recur's (PyTorch's): the one place the
 * mapping is written. A block is {@code H} rows of {@code W [G*H, In]}, {@code R [G*H, H]} or a bias.
 *
 * <pre>
 * cell   recur (PyTorch)   ONNX
 * LSTM   i f g o           i o f c      (c = the candidate g)
 * GRU    r z n             z r h        (h = the candidate n; linear_before_reset = 1 is PyTorch's GRU)
 * RNN    one block         one block
 * </pre>
 */
final class OnnxGates {

    private OnnxGates() {
    }

    /**
     * For each ONNX block {@code k}, the recur block it holds.
     *
     * @param cell the cell
     * @return {@code G} block indices
     */
    static int[] recurBlockOf(CellKind cell) {
        return switch (cell) {
            case LSTM -> new int[]{LstmGate.INPUT.ordinal(), LstmGate.OUTPUT.ordinal(), LstmGate.FORGET.ordinal(),
                    LstmGate.CELL.ordinal()};
            case GRU -> new int[]{GruGate.UPDATE.ordinal(), GruGate.RESET.ordinal(), GruGate.NEW.ordinal()};
            case RNN_TANH, RNN_RELU -> new int[]{0};
        };
    }

    /**
     * Reorders one matrix or bias from recur's block order to ONNX's.
     * Writes {@code out[outOffset .. outOffset + G*H*cols)}; reads {@code in[inOffset ..]}.
     *
     * @param cell      the cell ({@code G} blocks)
     * @param hidden    {@code H}: rows per block
     * @param cols      columns per row (1 for a bias)
     * @param in        recur's layout
     * @param inOffset  where it starts in {@code in}
     * @param out       ONNX's layout
     * @param outOffset where it starts in {@code out}
     */
    static void toOnnx(CellKind cell, int hidden, int cols, float[] in, int inOffset, float[] out, int outOffset) {
        int block = hidden * cols;
        int[] from = recurBlockOf(cell);
        for (int k = 0; k < from.length; k++) {
            System.arraycopy(in, inOffset + from[k] * block, out, outOffset + k * block, block);
        }
    }

    /**
     * Reorders one matrix or bias from ONNX's block order to recur's; undoes {@link #toOnnx}.
     * Writes {@code out[outOffset .. outOffset + G*H*cols)}; reads {@code in[inOffset ..]}.
     *
     * @param cell      the cell ({@code G} blocks)
     * @param hidden    {@code H}: rows per block
     * @param cols      columns per row (1 for a bias)
     * @param in        ONNX's layout
     * @param inOffset  where it starts in {@code in}
     * @param out       recur's layout
     * @param outOffset where it starts in {@code out}
     */
    static void fromOnnx(CellKind cell, int hidden, int cols, float[] in, int inOffset, float[] out, int outOffset) {
        int block = hidden * cols;
        int[] from = recurBlockOf(cell);
        for (int k = 0; k < from.length; k++) {
            System.arraycopy(in, inOffset + k * block, out, outOffset + from[k] * block, block);
        }
    }
}
