package dev.recur.onnx;

import static dev.recur.io.FormatException.quote;

import dev.recur.checkpoint.ManifestFormat;
import dev.recur.io.FormatException;
import dev.recur.model.Preprocessing;
import dev.recur.model.SequenceModel;
import dev.recur.model.SequenceModelConfig;
import dev.recur.nn.Parameter;
import dev.recur.nn.sequence.RecurrentConfig;
import dev.recur.onnx.proto.Onnx.GraphProto;
import dev.recur.onnx.proto.Onnx.StringStringEntryProto;
import dev.recur.onnx.proto.Onnx.TensorProto;
import dev.recur.tensor.Precision;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads back what {@link OnnxExporter} wrote: the model is rebuilt from the configuration in the
 * file's metadata, its weights are taken from the initializers (undoing the exporter's gate
 * reordering and transposes), and the file is accepted only if its graph is, node for node, the
 * graph recur exports for that model; so the imported model computes what the file computes.
 *
 * <p>Stateless and thread-safe.
 */
final class RecurExportReader {

    private RecurExportReader() {
    }

    /** Whether the file says it was written by {@link OnnxExporter}. */
    static boolean isRecurExport(OnnxFile file) {
        return metadata(file).containsKey(OnnxExporter.META_CONFIG);
    }

    /**
     * The model of a file {@link #isRecurExport}.
     *
     * @param file the file, read and checked
     * @return the model, float32, in evaluation mode, with its preprocessing
     * @throws FormatException if the metadata or the graph is not what recur exports
     */
    static ImportedModel read(OnnxFile file) throws FormatException {
        Map<String, String> meta = metadata(file);
        String type = meta.getOrDefault(OnnxExporter.META_TYPE, "");
        if (!type.equals("sequence_model")) {
            throw file.error("metadata " + OnnxExporter.META_TYPE + " = sequence_model", "'" + type + "'",
                    "a file of a newer recur, or edited metadata");
        }
        SequenceModelConfig config;
        try {
            config = SequenceModelConfig.fromMap(OnnxJson.read(meta.get(OnnxExporter.META_CONFIG)));
        } catch (IllegalArgumentException e) {
            throw file.error("metadata " + OnnxExporter.META_CONFIG + " to hold a valid model configuration",
                    String.valueOf(e.getMessage()).replaceAll("\\p{Cntrl}", "?"), "edited metadata");
        }
        if (config.rnn().projSize() > 0) {
            throw file.error("metadata " + OnnxExporter.META_CONFIG + " of a model ONNX expresses",
                    "proj_size = " + config.rnn().projSize() + " (ONNX's LSTM has no projection, so recur never "
                    + "exports one)", "edited metadata");
        }
        // the weights must be in the file before the model is allocated
        long claimed = config.parameterCount();
        long present = 0;
        for (TensorData t : file.initializers().values()) {
            present += t.size();
        }
        if (claimed > present) {
            throw file.error("initializers holding the " + claimed + " weights its configuration names",
                    present + " values", "edited metadata");
        }
        Preprocessing preprocessing = Preprocessing.NONE;
        if (meta.containsKey(OnnxExporter.META_PREPROCESSING)) {
            preprocessing = ManifestFormat.readPreprocessing(file.path(), meta.get(OnnxExporter.META_PREPROCESSING));
            try {
                config.checkPreprocessing(preprocessing);
            } catch (IllegalArgumentException e) {
                throw file.error("preprocessing that fits the model", e.getMessage(), "edited metadata");
            }
        }
        SequenceModel<float[]> model = SequenceModel.create(config, Precision.F32, 0);
        model.setTraining(false);
        loadWeights(file, model);

        boolean initialState = file.inputs().stream().anyMatch(v -> v.getName().equals("h0"));
        GraphProto expected = OnnxExporter.export(model, null, new OnnxExporter.Options(initialState, "")).getGraph();
        requireSameGraph(file, expected);
        RecurrentConfig rnn = config.rnn();
        return new ImportedModel(model, config.hasTokens() ? "tokens" : "features", config.hasTokens(), "output",
                "h_n", rnn.cell().hasCellState() ? "c_n" : null, initialState ? "h0" : null,
                initialState && rnn.cell().hasCellState() ? "c0" : null, false, file.opset(), file.producer(),
                preprocessing);
    }

    /** Sets every parameter from the initializer the exporter wrote it to. */
    private static void loadWeights(OnnxFile file, SequenceModel<float[]> model) throws FormatException {
        RecurrentConfig rnn = model.config().rnn();
        Map<String, TensorData> init = file.initializers();
        int nh = rnn.hiddenSize();
        int gh = rnn.cell().gates() * nh;
        Map<String, Parameter<float[]>> params = model.namedParameters();
        for (int l = 0; l < rnn.numLayers(); l++) {
            int in = rnn.layerInputSize(l);
            float[] w = tensor(file, init, "rnn.W_l" + l, rnn.directions(), gh, in);
            float[] r = tensor(file, init, "rnn.R_l" + l, rnn.directions(), gh, nh);
            float[] b = rnn.bias() ? tensor(file, init, "rnn.B_l" + l, rnn.directions(), 2 * gh) : null;
            for (int d = 0; d < rnn.directions(); d++) {
                String suffix = "_l" + l + (d == 1 ? "_reverse" : "");
                OnnxGates.fromOnnx(rnn.cell(), nh, in, w, d * gh * in, params.get("rnn.weight_ih" + suffix).value(), 0);
                OnnxGates.fromOnnx(rnn.cell(), nh, nh, r, d * gh * nh, params.get("rnn.weight_hh" + suffix).value(), 0);
                if (b != null) {
                    OnnxGates.fromOnnx(rnn.cell(), nh, 1, b, d * 2 * gh, params.get("rnn.bias_ih" + suffix).value(), 0);
                    OnnxGates.fromOnnx(rnn.cell(), nh, 1, b, d * 2 * gh + gh,
                            params.get("rnn.bias_hh" + suffix).value(), 0);
                }
            }
        }
        for (Map.Entry<String, Parameter<float[]>> e : params.entrySet()) {
            String name = e.getKey();
            float[] target = e.getValue().value();
            int[] shape = e.getValue().shape();
            if (name.startsWith("rnn.")) {
                continue;
            }
            if (init.containsKey(name)) {
                float[] v = tensor(file, init, name, null);
                if (v.length != target.length) {
                    throw file.error("initializer " + name + " with " + target.length + " values", v.length + "",
                            "edited metadata or weights");
                }
                System.arraycopy(v, 0, target, 0, v.length);
            } else {
                // stored transposed, [in, out], for MatMul
                float[] v = tensor(file, init, name + "_t", shape[1], shape[0]);
                for (int o = 0; o < shape[0]; o++) {
                    for (int i = 0; i < shape[1]; i++) {
                        target[o * shape[1] + i] = v[i * shape[0] + o];
                    }
                }
            }
        }
    }

    private static float[] tensor(OnnxFile file, Map<String, TensorData> init, String name, int... dims)
            throws FormatException {
        TensorData t = init.get(name);
        if (t == null) {
            throw file.error("the initializer " + name + " of recur's export", "none", "an edited file");
        }
        if (dims != null) {
            long[] have = t.dims();
            boolean same = have.length == dims.length;
            for (int i = 0; same && i < dims.length; i++) {
                same = have[i] == dims[i];
            }
            if (!same) {
                throw file.error("initializer " + name + " of shape " + java.util.Arrays.toString(dims),
                        java.util.Arrays.toString(have), "edited metadata or weights");
            }
        }
        return t.floats();
    }

    /** The graph must be the one recur exports for the model: the same nodes, inputs, outputs and initializers. */
    private static void requireSameGraph(OnnxFile file, GraphProto expected) throws FormatException {
        GraphProto found = file.graph();
        String cause = "the file was edited or optimised after recur exported it (a graph without recur's metadata "
                + "is imported by its node patterns instead)";
        if (!found.getInputList().equals(expected.getInputList())
                || !found.getOutputList().equals(expected.getOutputList())) {
            List<String> in = found.getInputList().stream().map(v -> quote(v.getName())).toList();
            List<String> out = found.getOutputList().stream().map(v -> quote(v.getName())).toList();
            throw file.error("the inputs and outputs recur exports for the model in its metadata",
                    names(in) + " -> " + names(out), cause);
        }
        if (found.getNodeCount() != expected.getNodeCount()) {
            throw file.error(expected.getNodeCount() + " nodes, as recur exports the model in its metadata",
                    found.getNodeCount() + "", cause);
        }
        for (int i = 0; i < found.getNodeCount(); i++) {
            if (!found.getNode(i).equals(expected.getNode(i))) {
                throw file.error("node " + i + " as recur exports it (" + expected.getNode(i).getOpType() + " '"
                        + expected.getNode(i).getName() + "')", "node '" + quote(found.getNode(i).getName())
                        + "' of op type " + quote(found.getNode(i).getOpType()) + " differing from it", cause);
            }
        }
        Map<String, TensorProto> have = new HashMap<>();
        for (TensorProto t : found.getInitializerList()) {
            have.put(t.getName(), t);
        }
        for (TensorProto t : expected.getInitializerList()) {
            TensorProto f = have.get(t.getName());
            if (f == null || !f.getDimsList().equals(t.getDimsList()) || f.getDataType() != t.getDataType()) {
                throw file.error("the initializer " + t.getName() + " of shape " + t.getDimsList(),
                        f == null ? "none" : "shape " + f.getDimsList(), cause);
            }
            if (t.getRawData().isEmpty()) {
                // the constants (axes, shapes, scalars, -inf) are part of the graph: their values must match too
                TensorData decoded = file.initializers().get(t.getName());
                boolean same = t.getDataType() == TensorProto.DataType.INT64_VALUE
                        ? java.util.Arrays.equals(decoded.longs(),
                                t.getInt64DataList().stream().mapToLong(Long::longValue).toArray())
                        : decoded.size() == t.getFloatDataCount() && decoded.floats()[0] == t.getFloatData(0);
                if (!same) {
                    throw file.error("the constant " + t.getName() + " recur exports", "other values", cause);
                }
            }
        }
    }

    private static String names(List<String> names) {
        String all = String.join(", ", names);
        return all.length() > 200 ? all.substring(0, 200) + "…" : all;
    }

    private static Map<String, String> metadata(OnnxFile file) {
        Map<String, String> m = new HashMap<>();
        for (StringStringEntryProto e : file.model().getMetadataPropsList()) {
            m.put(e.getKey(), e.getValue());
        }
        return m;
    }
}
