package dev.recur.diagnostics;

import dev.recur.diagnostics.UnitActivations.Signal;
import dev.recur.diagnostics.UnitActivations.Trace;
import dev.recur.data.Batch;
import dev.recur.model.Model;
import dev.recur.nn.Embedding;
import dev.recur.nn.recurrent.CellCache;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.recurrent.GruGate;
import dev.recur.nn.recurrent.LstmGate;
import dev.recur.nn.sequence.SequenceLayer;
import dev.recur.nn.sequence.State;
import dev.recur.nn.sequence.Tape;
import dev.recur.tensor.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Runs a model over a text and records what every unit of every layer of its recurrent stack did
 * at every character (the "visualising the units" view of a trained language model).
 *
 * <p>The text is run as one sequence (batch 1, evaluation mode), in chunks of {@link #CHUNK} steps
 * with the state carried across, which gives the same values as one long forward pass.
 *
 * <p>Stateless, but it runs the model it is given: do not use that model from another thread
 * meanwhile.
 */
public final class ActivationRecorder {

    /** Steps per forward pass; the state carries over from one chunk to the next. */
    public static final int CHUNK = 512;

    private ActivationRecorder() {
    }

    /** The signals recorded for a cell kind, in the order they appear in {@link UnitActivations#signals()}. */
    public static List<Signal> signals(CellKind kind) {
        return switch (kind) {
            case LSTM -> List.of(Signal.CELL, Signal.HIDDEN, Signal.INPUT_GATE, Signal.FORGET_GATE,
                    Signal.OUTPUT_GATE, Signal.CANDIDATE);
            case GRU -> List.of(Signal.HIDDEN, Signal.RESET_GATE, Signal.UPDATE_GATE, Signal.NEW_STATE);
            case RNN_TANH -> List.of(Signal.HIDDEN);
            case RNN_RELU -> List.of(Signal.RELU_HIDDEN);
        };
    }

    /**
     * Records the activations of {@code model} over {@code tokens}, starting from the zero state.
     *
     * @param model  a model reading token ids whose one recurrent stack is unidirectional and
     *               without projection, and that carries its state from batch to batch (as the
     *               character model)
     * @param tokens the text as token ids {@code [T]}, {@code T >= 1}
     * @param <A>    the array type
     * @return every signal of every layer, {@code [H, T]} each
     * @throws IllegalArgumentException for an empty text, a token outside the vocabulary or a model
     *                                  this view does not cover (bidirectional, projected)
     */
    public static <A> UnitActivations record(Model<A> model, int[] tokens) {
        @SuppressWarnings("rawtypes")
        Map<String, SequenceLayer<A>> rnns = model.modulesOf(SequenceLayer.class);
        if (rnns.size() != 1) {
            throw new IllegalArgumentException("activation recording: expected a model with one recurrent stack, "
                    + "found " + rnns.size());
        }
        SequenceLayer<A> rnn = rnns.values().iterator().next();
        var rc = rnn.config();
        if (rc.directions() != 1 || rc.outputSize() != rc.hiddenSize()) {
            throw new IllegalArgumentException("activation recording: expected a unidirectional model without "
                    + "projection, found " + rc.directions() + " direction(s), output size " + rc.outputSize()
                    + " for hidden size " + rc.hiddenSize());
        }
        if (tokens.length == 0) {
            throw new IllegalArgumentException("activation recording: expected a text of at least one character, "
                    + "found an empty one");
        }
        Map<String, Embedding<A>> embeddings = model.modulesOf(Embedding.class);
        int vocab = embeddings.size() == 1 ? embeddings.values().iterator().next().vocabSize() : Integer.MAX_VALUE;
        for (int t = 0; t < tokens.length; t++) {
            if (tokens[t] < 0 || tokens[t] >= vocab) {
                throw new IllegalArgumentException("activation recording: expected token ids in 0.." + (vocab - 1)
                        + ", found " + tokens[t] + " at position " + t);
            }
        }
        Precision<A> p = model.precision();
        CellKind kind = rc.cell();
        final int nt = tokens.length;
        final int nl = rc.numLayers();
        final int nh = rc.hiddenSize();
        List<Signal> kinds = signals(kind);
        float[][][] values = new float[nl][kinds.size()][nh * nt];
        model.inEvaluation(() -> {
            State<A> state = null;
            for (int start = 0; start < nt; start += CHUNK) {
                int len = Math.min(CHUNK, nt - start);
                int[] ids = Arrays.copyOfRange(tokens, start, start + len);
                model.forward(Batch.ofTokens(ids, len, 1, null, null), state);
                Tape<A> tape = rnn.lastTape();
                for (int l = 0; l < nl; l++) {
                    CellCache<A> cache = tape.cache(l, 0);
                    double[] h = p.toDoubles(cache.states);
                    double[] c = kind == CellKind.LSTM ? p.toDoubles(cache.cells) : null;
                    double[] gates = p.toDoubles(cache.gateValues);
                    for (int t = 0; t < len; t++) {
                        int at = start + t;
                        // the forward direction writes step t to state slot t + 1
                        int hs = cache.stateOffset(t + 1);
                        int gs = cache.gateOffset(t);
                        for (int s = 0; s < kinds.size(); s++) {
                            float[] v = values[l][s];
                            Signal sig = kinds.get(s);
                            for (int j = 0; j < nh; j++) {
                                double x = switch (sig) {
                                    case CELL -> Math.tanh(c[cache.cellOffset(t + 1) + j]);
                                    case HIDDEN, RELU_HIDDEN -> h[hs + j];
                                    case INPUT_GATE -> gates[gs + LstmGate.INPUT.offset(nh) + j];
                                    case FORGET_GATE -> gates[gs + LstmGate.FORGET.offset(nh) + j];
                                    case OUTPUT_GATE -> gates[gs + LstmGate.OUTPUT.offset(nh) + j];
                                    case CANDIDATE -> gates[gs + LstmGate.CELL.offset(nh) + j];
                                    case RESET_GATE -> gates[gs + GruGate.RESET.offset(nh) + j];
                                    case UPDATE_GATE -> gates[gs + GruGate.UPDATE.offset(nh) + j];
                                    case NEW_STATE -> gates[gs + GruGate.NEW.offset(nh) + j];
                                };
                                v[j * nt + at] = (float) x;
                            }
                        }
                    }
                }
                state = model.finalState();
            }
        });
        List<Trace> traces = new ArrayList<>();
        for (int l = 0; l < nl; l++) {
            for (int s = 0; s < kinds.size(); s++) {
                traces.add(Trace.of(l, kinds.get(s), values[l][s]));
            }
        }
        return new UnitActivations(nt, nl, nh, List.copyOf(traces));
    }
}
