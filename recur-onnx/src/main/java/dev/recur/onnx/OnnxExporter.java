package dev.recur.onnx;

import dev.recur.checkpoint.ManifestFormat;
import dev.recur.io.AtomicFiles;
import dev.recur.model.Preprocessing;
import dev.recur.model.SequenceModel;
import dev.recur.model.SequenceModelConfig;
import dev.recur.nn.LayerNorm;
import dev.recur.nn.Parameter;
import dev.recur.nn.Pooling;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.sequence.RecurrentConfig;
import dev.recur.onnx.proto.Onnx.AttributeProto;
import dev.recur.onnx.proto.Onnx.GraphProto;
import dev.recur.onnx.proto.Onnx.ModelProto;
import dev.recur.onnx.proto.Onnx.NodeProto;
import dev.recur.onnx.proto.Onnx.OperatorSetIdProto;
import dev.recur.onnx.proto.Onnx.StringStringEntryProto;
import dev.recur.onnx.proto.Onnx.TensorProto;
import dev.recur.onnx.proto.Onnx.TensorShapeProto;
import dev.recur.onnx.proto.Onnx.TypeProto;
import dev.recur.onnx.proto.Onnx.ValueInfoProto;
import dev.recur.tensor.Precision;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a {@link SequenceModel} as a standard ONNX graph (opset {@value #OPSET}, float32), which
 * ONNX Runtime and every other ONNX engine runs without anything of recur's.
 *
 * <p>The graph, with {@code T} and {@code B} dynamic ({@code W = D·Hout} the recurrent width):
 * <pre>
 * inputs    tokens [T, B] int64        (a model with an embedding)
 *           features [T, B, F] float   (a model with numeric features)
 *           lengths [B] int32          the valid steps of each sequence, 1..T
 *           h0 [L·D, B, H], c0         (with {@link Options#initialState}) the state to start from
 * x       = Gather(embedding.weight, tokens) ‖ features                         [T, B, E+F]
 * layer l:  Y, Y_h, Y_c = LSTM | GRU | RNN(x, W, R, B, lengths, Slice(h0), Slice(c0))
 *           x = Squeeze(Y, 1) (D = 1)  or  Reshape(Transpose(Y, 0 2 1 3), [0, 0, -1]) (D = 2)
 * y       = LayerNormalization(x)                                               (optional)
 * z       = pool(y) over the valid steps, masked by lengths                      (optional)
 * z       = act(z · hidden.weightᵀ + hidden.bias)                                (optional)
 * outputs   output = z · head.weightᵀ + head.bias     [B, K] pooled, or [T, B, K] per step
 *           h_n = Concat(Y_h) [L·D, B, H], c_n = Concat(Y_c) (LSTM): the final state, from which a
 *           server continues a stream
 * </pre>
 * Recurrent weights are reordered to ONNX's gate order ({@link OnnxGates}) with {@code B = [Wb, Rb]};
 * a GRU node has {@code linear_before_reset = 1} (PyTorch's and recur's GRU). The model's type,
 * configuration and the preprocessing given are kept in the model's metadata
 * ({@value #META_CONFIG}, {@value #META_PREPROCESSING}), so that recur can import its own export as
 * the same model. Dropout is left out (inference).
 *
 * <p>Stateless and thread-safe.
 */
public final class OnnxExporter {

    /** The opset written: 17, the first with {@code LayerNormalization}. */
    public static final int OPSET = 17;
    /** The IR version of opset 17. */
    static final int IR_VERSION = 8;
    /** Metadata key of the model's configuration, as JSON ({@link SequenceModelConfig#toMap()}). */
    public static final String META_CONFIG = "recur.model.config";
    /** Metadata key of the model's preprocessing, as the JSON of a checkpoint manifest. */
    public static final String META_PREPROCESSING = "recur.preprocessing";
    /** Metadata key of the model's type. */
    public static final String META_TYPE = "recur.model.type";

    /**
     * What to add to the graph.
     *
     * @param initialState whether the graph takes the initial state as inputs {@code h0} (and
     *                     {@code c0}), so that a caller can carry the state between calls
     * @param producer     the producer version written into the file (recur's version)
     */
    public record Options(boolean initialState, String producer) {
        /** Checks the producer. */
        public Options {
            Objects.requireNonNull(producer, "producer");
        }
    }

    private OnnxExporter() {
    }

    /**
     * Builds the ONNX model of a recur model.
     *
     * @param model              the model (float32 or float64; written as float32)
     * @param preprocessingJson  the model's preprocessing as checkpoint JSON, kept as metadata; null for none
     * @param options            what to add
     * @param <A>                the array type
     * @return the ONNX model
     * @throws IllegalArgumentException for a model ONNX cannot express (an LSTM projection), naming why
     */
    public static <A> ModelProto export(SequenceModel<A> model, String preprocessingJson, Options options) {
        SequenceModelConfig config = model.config();
        RecurrentConfig rnn = config.rnn();
        if (rnn.projSize() > 0) {
            throw new IllegalArgumentException("ONNX export: expected an LSTM without projection, found proj_size = "
                    + rnn.projSize() + "; ONNX's LSTM operator has no projection (no weight_hr), so this model "
                    + "cannot be expressed; likely cause: a model trained with --proj-size");
        }
        Graph g = new Graph(model);
        Map<String, Parameter<A>> params = model.namedParameters();

        // x = embedding(tokens) ‖ features                               [T, B, E+F]
        String x;
        String features = null;
        if (config.features() > 0) {
            features = g.input("features", TensorProto.DataType.FLOAT, "T", "B", config.features());
        }
        if (config.hasTokens()) {
            String tokens = g.input("tokens", TensorProto.DataType.INT64, "T", "B");
            String table = g.weight(params.get("embedding.weight"));
            x = g.node("Gather", "embedding", List.of(table, tokens), 1, attr("axis", 0)).get(0);
            if (features != null) {
                x = g.node("Concat", "concat_features", List.of(x, features), 1, attr("axis", 2)).get(0);
            }
        } else {
            x = features;
        }
        String lengths = g.input("lengths", TensorProto.DataType.INT32, "B");
        int nd = rnn.directions();
        int nh = rnn.hiddenSize();
        String h0 = null;
        String c0 = null;
        if (options.initialState()) {
            h0 = g.input("h0", TensorProto.DataType.FLOAT, rnn.numLayers() * nd, "B", nh);
            if (rnn.cell().hasCellState()) {
                c0 = g.input("c0", TensorProto.DataType.FLOAT, rnn.numLayers() * nd, "B", nh);
            }
        }

        // layer l: Y, Y_h, Y_c = cell(x, W, R, B, lengths, h0[l], c0[l]);  x = Y as [T, B, D*H]
        String[] finalH = new String[rnn.numLayers()];
        String[] finalC = new String[rnn.numLayers()];
        for (int l = 0; l < rnn.numLayers(); l++) {
            String suffix = "_l" + l;
            String w = g.initializer("rnn.W" + suffix, recurrentWeights(model, l, "weight_ih"),
                    nd, rnn.cell().gates() * nh, rnn.layerInputSize(l));
            String r = g.initializer("rnn.R" + suffix, recurrentWeights(model, l, "weight_hh"),
                    nd, rnn.cell().gates() * nh, nh);
            String b = rnn.bias() ? g.initializer("rnn.B" + suffix, recurrentBiases(model, l),
                    nd, 2 * rnn.cell().gates() * nh) : "";
            String hl = h0 == null ? "" : g.slice0(h0, l * nd, (l + 1) * nd, "h0" + suffix);
            String cl = c0 == null ? "" : g.slice0(c0, l * nd, (l + 1) * nd, "c0" + suffix);
            List<String> in = rnn.cell().hasCellState() ? List.of(x, w, r, b, lengths, hl, cl)
                    : List.of(x, w, r, b, lengths, hl);
            NodeProto.Builder node = NodeProto.newBuilder().setOpType(opType(rnn.cell())).setName("rnn" + suffix)
                    .addAllInput(in)
                    .addAttribute(attr("hidden_size", nh))
                    .addAttribute(attr("direction", nd == 2 ? "bidirectional" : "forward"));
            if (rnn.cell() == CellKind.GRU) {
                node.addAttribute(attr("linear_before_reset", 1));
            }
            if (rnn.cell() == CellKind.RNN_RELU) {
                node.addAttribute(AttributeProto.newBuilder().setName("activations")
                        .setType(AttributeProto.AttributeType.STRINGS)
                        .addAllStrings(nd == 2 ? List.of(ByteString.copyFromUtf8("Relu"), ByteString.copyFromUtf8("Relu"))
                                : List.of(ByteString.copyFromUtf8("Relu"))));
            }
            List<String> out = g.node(node, rnn.cell().hasCellState() ? 3 : 2);
            finalH[l] = out.get(1);
            finalC[l] = rnn.cell().hasCellState() ? out.get(2) : null;
            if (nd == 1) {
                // [T, 1, B, H] -> [T, B, H]
                x = g.node("Squeeze", "rnn" + suffix + "_y", List.of(out.get(0), g.ints("axes_1", 1)), 1).get(0);
            } else {
                // [T, 2, B, H] -> [T, B, 2, H] -> [T, B, 2H]
                String t = g.node("Transpose", "rnn" + suffix + "_yt", List.of(out.get(0)), 1,
                        ints("perm", 0, 2, 1, 3)).get(0);
                x = g.node("Reshape", "rnn" + suffix + "_y", List.of(t, g.ints("shape_00m1", 0, 0, -1)), 1).get(0);
            }
        }
        String y = x;
        if (config.layerNorm()) {
            // y = (y - mean) / sqrt(var + eps) * weight + bias, over the last axis
            y = g.node("LayerNormalization", "norm", List.of(y, g.weight(params.get("norm.weight")),
                    g.weight(params.get("norm.bias"))), 1, attr("axis", -1), attr("epsilon", (float) LayerNorm.EPS))
                    .get(0);
        }
        String z = config.pooling() == null ? y : pool(g, config, params, y, lengths);
        if (config.hiddenUnits() > 0) {
            z = g.linear(z, params.get("hidden.weight"), params.get("hidden.bias"), "hidden");
            String act = switch (config.hiddenActivation()) {
                case TANH -> "Tanh";
                case RELU -> "Relu";
                case SIGMOID -> "Sigmoid";
            };
            z = g.node(act, "hidden_activation", List.of(z), 1).get(0);
        }
        String output = g.linear(z, params.get("head.weight"), params.get("head.bias"), "head");
        g.output(g.rename(output, "output"), config.pooling() == null ? new Object[]{"T", "B", config.outputs()}
                : new Object[]{"B", config.outputs()});
        g.output(g.concat0(finalH, "h_n"), rnn.numLayers() * nd, "B", nh);
        if (rnn.cell().hasCellState()) {
            g.output(g.concat0(finalC, "c_n"), rnn.numLayers() * nd, "B", nh);
        }

        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("recur")
                .setProducerVersion(options.producer())
                .setGraph(g.graph.setName("recur_sequence_model"))
                .addMetadataProps(entry(META_TYPE, "sequence_model"))
                .addMetadataProps(entry(META_CONFIG, OnnxJson.write(config.toMap())));
        if (preprocessingJson != null) {
            m.addMetadataProps(entry(META_PREPROCESSING, preprocessingJson));
        }
        return m.build();
    }

    /**
     * Writes the ONNX file of a recur model, atomically (never through a path that is not a regular file).
     *
     * @param model         the model
     * @param preprocessing its preprocessing (kept as metadata), or null
     * @param file          the file to write
     * @param options       what to add
     * @param <A>           the array type
     * @return the number of bytes written
     * @throws IOException              if writing fails
     * @throws IllegalArgumentException for a model ONNX cannot express
     */
    public static <A> long write(SequenceModel<A> model, Preprocessing preprocessing, Path file, Options options)
            throws IOException {
        byte[] bytes = export(model, preprocessing == null ? null : ManifestFormat.writePreprocessing(preprocessing),
                options).toByteArray();
        AtomicFiles.writeBytes(file, bytes);
        return bytes.length;
    }

    /**
     * Pools {@code y [T, B, W]} over the valid steps into {@code [B, W]}, as {@link Pooling} does.
     */
    private static <A> String pool(Graph g, SequenceModelConfig config, Map<String, Parameter<A>> params, String y,
                                   String lengths) {
        // valid[t, b] = t < len_b                                        [T, B, 1]
        String steps = g.node("Shape", "pool_shape", List.of(y), 1, attr("start", 0), attr("end", 1)).get(0);
        String t = g.node("Squeeze", "pool_steps", List.of(steps, g.ints("axes_0", 0)), 1).get(0);
        String range = g.node("Range", "pool_range", List.of(g.scalar("zero_i64", 0), t, g.scalar("one_i64", 1)), 1)
                .get(0);
        String len = g.node("Cast", "pool_lengths", List.of(lengths), 1, attr("to", TensorProto.DataType.INT64_VALUE))
                .get(0);
        String column = g.node("Unsqueeze", "pool_range_tb", List.of(range, g.ints("axes_1", 1)), 1).get(0);
        String row = g.node("Unsqueeze", "pool_lengths_tb", List.of(len, g.ints("axes_0", 0)), 1).get(0);
        String valid = g.node("Less", "pool_valid", List.of(column, row), 1).get(0);
        String valid3 = g.node("Unsqueeze", "pool_valid_tb1", List.of(valid, g.ints("axes_2", 2)), 1).get(0);
        return switch (config.pooling()) {
            case LAST -> {
                // forward half: y[len-1];  backward half (D = 2): y[0]
                String lastStep = g.node("Sub", "pool_last_index", List.of(row, g.scalar("one_i64", 1)), 1).get(0);
                String isLast = g.node("Equal", "pool_is_last", List.of(column, lastStep), 1).get(0);
                String forward = g.selectStep(y, isLast, "pool_last_fwd");
                if (config.rnn().directions() == 1) {
                    yield forward;
                }
                String isFirst = g.node("Equal", "pool_is_first", List.of(column, g.scalar("zero_i64", 0)), 1)
                        .get(0);
                String backward = g.selectStep(y, isFirst, "pool_last_bwd");
                int half = config.rnnWidth() / 2;
                String f = g.node("Slice", "pool_fwd_half", List.of(forward, g.ints("start_0", 0),
                        g.ints("end_" + half, half), g.ints("axes_1", 1)), 1).get(0);
                String b = g.node("Slice", "pool_bwd_half", List.of(backward, g.ints("start_" + half, half),
                        g.ints("end_" + 2 * half, 2 * half), g.ints("axes_1", 1)), 1).get(0);
                yield g.node("Concat", "pool_last", List.of(f, b), 1, attr("axis", 1)).get(0);
            }
            case MEAN -> {
                // Σ_{t<len} y_t / len
                String mask = g.node("Cast", "pool_mask", List.of(valid3), 1,
                        attr("to", TensorProto.DataType.FLOAT_VALUE)).get(0);
                String masked = g.node("Mul", "pool_masked", List.of(y, mask), 1).get(0);
                String sum = g.node("ReduceSum", "pool_sum", List.of(masked, g.ints("axes_0", 0)), 1,
                        attr("keepdims", 0)).get(0);
                String count = g.node("Cast", "pool_count", List.of(lengths), 1,
                        attr("to", TensorProto.DataType.FLOAT_VALUE)).get(0);
                String count2 = g.node("Unsqueeze", "pool_count_b1", List.of(count, g.ints("axes_1", 1)), 1).get(0);
                yield g.node("Div", "pool_mean", List.of(sum, count2), 1).get(0);
            }
            case MAX -> {
                // max_{t<len} y_t
                String masked = g.node("Where", "pool_masked", List.of(valid3, y, g.floatScalar("minus_inf",
                        Float.NEGATIVE_INFINITY)), 1).get(0);
                yield g.node("ReduceMax", "pool_max", List.of(masked), 1, ints("axes", 0), attr("keepdims", 0))
                        .get(0);
            }
            case ATTENTION -> {
                // u = tanh(y proj.weightᵀ + proj.bias) [T,B,A];  s = u·q [T,B,1];  α = softmax over valid t
                String u = g.node("Tanh", "pool_u", List.of(g.linear(y, params.get("pool.proj.weight"),
                        params.get("pool.proj.bias"), "pool_proj")), 1).get(0);
                Parameter<A> q = params.get("pool.query");
                String query = g.initializer("pool.query", floats(q), q.size(), 1);
                String s = g.node("MatMul", "pool_scores", List.of(u, query), 1).get(0);
                String masked = g.node("Where", "pool_masked_scores", List.of(valid3, s,
                        g.floatScalar("minus_inf", Float.NEGATIVE_INFINITY)), 1).get(0);
                String alpha = g.node("Softmax", "pool_alpha", List.of(masked), 1, attr("axis", 0)).get(0);
                String weighted = g.node("Mul", "pool_weighted", List.of(y, alpha), 1).get(0);
                yield g.node("ReduceSum", "pool_attention", List.of(weighted, g.ints("axes_0", 0)), 1,
                        attr("keepdims", 0)).get(0);
            }
        };
    }

    private static String opType(CellKind cell) {
        return switch (cell) {
            case LSTM -> "LSTM";
            case GRU -> "GRU";
            case RNN_TANH, RNN_RELU -> "RNN";
        };
    }

    /** {@code W} or {@code R} of layer {@code l}: {@code [D, G*H, cols]}, each direction in ONNX's gate order. */
    private static <A> float[] recurrentWeights(SequenceModel<A> model, int l, String which) {
        RecurrentConfig rnn = model.config().rnn();
        Map<String, Parameter<A>> params = model.namedParameters();
        int nh = rnn.hiddenSize();
        int cols = which.equals("weight_ih") ? rnn.layerInputSize(l) : nh;
        int per = rnn.cell().gates() * nh * cols;
        float[] out = new float[rnn.directions() * per];
        for (int d = 0; d < rnn.directions(); d++) {
            float[] v = floats(params.get("rnn." + which + "_l" + l + (d == 1 ? "_reverse" : "")));
            OnnxGates.toOnnx(rnn.cell(), nh, cols, v, 0, out, d * per);
        }
        return out;
    }

    /** {@code B} of layer {@code l}: {@code [D, 2*G*H]} = {@code [Wb, Rb]} per direction, in ONNX's gate order. */
    private static <A> float[] recurrentBiases(SequenceModel<A> model, int l) {
        RecurrentConfig rnn = model.config().rnn();
        Map<String, Parameter<A>> params = model.namedParameters();
        int nh = rnn.hiddenSize();
        int gh = rnn.cell().gates() * nh;
        float[] out = new float[rnn.directions() * 2 * gh];
        for (int d = 0; d < rnn.directions(); d++) {
            String rev = d == 1 ? "_reverse" : "";
            OnnxGates.toOnnx(rnn.cell(), nh, 1, floats(params.get("rnn.bias_ih_l" + l + rev)), 0, out, d * 2 * gh);
            OnnxGates.toOnnx(rnn.cell(), nh, 1, floats(params.get("rnn.bias_hh_l" + l + rev)), 0, out, d * 2 * gh + gh);
        }
        return out;
    }

    /** A parameter's values as float32: its own array for a float32 model, else rounded (float64). */
    private static <A> float[] floats(Parameter<A> p) {
        Object v = p.value();
        return v instanceof float[] f ? f : Precision.F32.fromDoubles((double[]) v);
    }

    static AttributeProto attr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto attr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    static AttributeProto attr(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }

    static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            b.addInts(v);
        }
        return b.build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    /** The graph being built: nodes in order, initializers by name, inputs and outputs. */
    private static final class Graph {
        final GraphProto.Builder graph = GraphProto.newBuilder();
        private final java.util.Set<String> initializers = new java.util.HashSet<>();
        private final SequenceModel<?> model;

        Graph(SequenceModel<?> model) {
            this.model = model;
        }

        String input(String name, TensorProto.DataType type, Object... dims) {
            graph.addInput(valueInfo(name, type, dims));
            return name;
        }

        void output(String name, Object... dims) {
            graph.addOutput(valueInfo(name, TensorProto.DataType.FLOAT, dims));
        }

        private static ValueInfoProto valueInfo(String name, TensorProto.DataType type, Object... dims) {
            TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
            for (Object d : dims) {
                TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
                if (d instanceof Integer i) {
                    dim.setDimValue(i);
                } else {
                    dim.setDimParam((String) d);
                }
                shape.addDim(dim);
            }
            return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                    TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape))).build();
        }

        /** Adds a node with {@code outputs} outputs named after it; returns their names. */
        List<String> node(String op, String name, List<String> inputs, int outputs, AttributeProto... attributes) {
            NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs);
            for (AttributeProto a : attributes) {
                n.addAttribute(a);
            }
            return node(n, outputs);
        }

        List<String> node(NodeProto.Builder n, int outputs) {
            String[] names = new String[outputs];
            for (int i = 0; i < outputs; i++) {
                names[i] = n.getName() + (outputs == 1 ? "" : "_" + i);
                n.addOutput(names[i]);
            }
            graph.addNode(n);
            return List.of(names);
        }

        /** Renames the output of the last node, e.g. to a graph output's name. */
        String rename(String value, String name) {
            int last = graph.getNodeCount() - 1;
            NodeProto.Builder n = graph.getNodeBuilder(last);
            if (!n.getOutput(0).equals(value)) {
                throw new IllegalStateException("rename: " + value + " is not the last node's output");
            }
            n.setOutput(0, name);
            return name;
        }

        /** {@code Concat(values, axis 0)} named {@code name}. */
        String concat0(String[] values, String name) {
            return node(NodeProto.newBuilder().setOpType("Concat").setName(name).addAllInput(List.of(values))
                    .addAttribute(attr("axis", 0)), 1).get(0);
        }

        /** {@code x[from:to]} along axis 0. */
        String slice0(String x, int from, int to, String name) {
            return node("Slice", name, List.of(x, ints("start_" + from, from), ints("end_" + to, to),
                    ints("axes_0", 0)), 1).get(0);
        }

        /** {@code x · weightᵀ + bias} for {@code x [..., in]}; the weight stored transposed, {@code [in, out]}. */
        String linear(String x, Parameter<?> weight, Parameter<?> bias, String name) {
            int out = weight.shape()[0];
            int in = weight.shape()[1];
            float[] w = floats(weight);
            float[] wt = new float[w.length];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    wt[i * out + o] = w[o * in + i];
                }
            }
            String wName = initializer(stateDictName(weight) + "_t", wt, in, out);
            String y = node("MatMul", name + "_matmul", List.of(x, wName), 1).get(0);
            return node("Add", name, List.of(y, weight(bias)), 1).get(0);
        }

        /** {@code Σ_t y_t · [select_t]}: the row of each sequence whose {@code select [T, B]} is true. */
        String selectStep(String y, String select, String name) {
            String s3 = node("Unsqueeze", name + "_tb1", List.of(select, ints("axes_2", 2)), 1).get(0);
            String mask = node("Cast", name + "_mask", List.of(s3), 1, attr("to", TensorProto.DataType.FLOAT_VALUE))
                    .get(0);
            String masked = node("Mul", name + "_masked", List.of(y, mask), 1).get(0);
            return node("ReduceSum", name, List.of(masked, ints("axes_0", 0)), 1, attr("keepdims", 0)).get(0);
        }

        /** A parameter of the model, stored under its {@code state_dict} name. */
        String weight(Parameter<?> p) {
            String name = stateDictName(p);
            return initializer(name, floats(p), p.shape());
        }

        private String stateDictName(Parameter<?> p) {
            for (Map.Entry<String, ? extends Parameter<?>> e : model.namedParameters().entrySet()) {
                if (e.getValue() == p) {
                    return e.getKey();
                }
            }
            throw new IllegalStateException("parameter " + p.name() + " is not the model's");
        }

        String initializer(String name, float[] values, int... dims) {
            if (initializers.add(name)) {
                ByteBuffer buf = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(values);
                TensorProto.Builder t = TensorProto.newBuilder().setName(name)
                        .setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(buf.array()));
                for (int d : dims) {
                    t.addDims(d);
                }
                graph.addInitializer(t);
            }
            return name;
        }

        /** An int64 vector constant, e.g. axes or a shape. */
        String ints(String name, long... values) {
            if (initializers.add(name)) {
                TensorProto.Builder t = TensorProto.newBuilder().setName(name)
                        .setDataType(TensorProto.DataType.INT64_VALUE).addDims(values.length);
                for (long v : values) {
                    t.addInt64Data(v);
                }
                graph.addInitializer(t);
            }
            return name;
        }

        /** An int64 scalar constant. */
        String scalar(String name, long value) {
            if (initializers.add(name)) {
                graph.addInitializer(TensorProto.newBuilder().setName(name)
                        .setDataType(TensorProto.DataType.INT64_VALUE).addInt64Data(value));
            }
            return name;
        }

        /** A float scalar constant. */
        String floatScalar(String name, float value) {
            if (initializers.add(name)) {
                graph.addInitializer(TensorProto.newBuilder().setName(name)
                        .setDataType(TensorProto.DataType.FLOAT_VALUE).addFloatData(value));
            }
            return name;
        }
    }
}
