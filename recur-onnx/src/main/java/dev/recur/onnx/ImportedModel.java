package dev.recur.onnx;

import dev.recur.model.Preprocessing;
import dev.recur.model.SequenceModel;

/**
 * What {@link OnnxImporter} made of an ONNX file: a float32 {@link SequenceModel} in evaluation mode,
 * ready to run, and how the graph's inputs and outputs map to it.
 *
 * <p>Run it with {@code model.forward(batch, initialState)}: the batch holds the graph input
 * {@link #inputName} (token ids when {@link #tokens}, else numeric features); the initial state is
 * null (zeros) unless {@link #takesInitialState}, when it holds the graph inputs {@link #h0Name}
 * (and {@link #c0Name}) as {@code State(h [L*D,B,H], c)}. The forward pass returns the graph output
 * {@link #outputName}; {@code model.finalState()} then holds {@link #hnName} and {@link #cnName}.
 *
 * <p>The model is not thread-safe (one forward pass at a time); this record is immutable otherwise.
 *
 * @param model      the model, float32, in evaluation mode
 * @param inputName  the graph input holding the sequence: {@code x [T,B,I]} or {@code tokens [T,B]}
 * @param tokens     whether that input is token ids (the model starts with an embedding)
 * @param outputName the graph output the model's forward pass computes: {@code y [T,B,D*H]} or the
 *                   head's {@code [T,B,K]}
 * @param hnName     the graph output holding the final hidden state {@code [L*D,B,H]}, or null
 * @param cnName     the graph output holding the LSTM's final cell state, or null
 * @param h0Name     the graph input holding the initial hidden state {@code [L*D,B,H]}, or null
 *                   when the graph starts from zeros
 * @param c0Name     the graph input holding the LSTM's initial cell state, or null
 * @param headAdded  whether the graph has no linear head and the model got an exact identity
 *                   {@code Linear(D*H, D*H)} (weight I, bias 0), so that its output equals {@code y}
 * @param opset      the default domain's opset version the file imports
 * @param producer   the producer the file names, e.g. {@code pytorch 1.13.0}, or {@code ""}
 * @param preprocessing what the file's metadata says prediction needs besides the weights (a file
 *                   recur exported keeps its vocabulary, normalisation and labels); {@link Preprocessing#NONE}
 *                   for a graph from elsewhere
 */
public record ImportedModel(SequenceModel<float[]> model, String inputName, boolean tokens, String outputName,
                            String hnName, String cnName, String h0Name, String c0Name, boolean headAdded,
                            long opset, String producer, Preprocessing preprocessing) {

    /** Whether the graph reads its initial state from inputs ({@link #h0Name}, {@link #c0Name}). */
    public boolean takesInitialState() {
        return h0Name != null;
    }
}
