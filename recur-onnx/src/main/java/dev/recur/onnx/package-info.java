/**
 * recur models in and out of ONNX: export of a {@link dev.recur.model.SequenceModel} as a standard
 * ONNX graph (one {@code LSTM}/{@code GRU}/{@code RNN} node per layer), import of the graphs
 * {@code torch.onnx.export} writes for {@code nn.Embedding}/{@code nn.LSTM}/{@code nn.GRU}/{@code nn.RNN}/{@code nn.Linear}
 * stacks, and a reader that treats every file as untrusted input. The ONNX classes are compiled
 * from {@code src/main/proto/onnx.proto} at build time; no native library is needed.
 */
package dev.recur.onnx;
