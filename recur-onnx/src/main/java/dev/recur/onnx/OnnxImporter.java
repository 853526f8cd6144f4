package dev.recur.onnx;

import static dev.recur.io.FormatException.quote;

import dev.recur.io.FormatException;
import dev.recur.model.Preprocessing;
import dev.recur.model.SequenceModel;
import dev.recur.model.SequenceModelConfig;
import dev.recur.nn.Embedding;
import dev.recur.nn.Parameter;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.onnx.OnnxFile.Node;
import dev.recur.onnx.proto.Onnx.AttributeProto;
import dev.recur.onnx.proto.Onnx.TensorProto.DataType;
import dev.recur.onnx.proto.Onnx.TensorShapeProto;
import dev.recur.onnx.proto.Onnx.ValueInfoProto;
import dev.recur.tensor.Precision;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Imports the graphs {@code torch.onnx.export} (opset 14) writes for {@code nn.Embedding} →
 * {@code nn.LSTM}/{@code nn.GRU}/{@code nn.RNN} (tanh or relu) → {@code nn.Linear} stacks, and bare
 * recurrent stacks, as a float32 {@link SequenceModel}.
 *
 * <p>The graph is read by {@link OnnxFile} and then interpreted symbolically, node by node in
 * topological order: what PyTorch emits around each recurrent node ({@code Shape}, {@code Gather},
 * {@code Unsqueeze}, {@code Concat} and {@code ConstantOfShape} building zero initial states,
 * {@code Slice} picking each layer's part, {@code Squeeze} or {@code Transpose} + {@code Reshape}
 * flattening the directions, {@code Concat} of the final states, {@code Gather} for the embedding,
 * {@code MatMul} + {@code Add} for the head, {@code Constant}, {@code Identity}, {@code Cast}) is
 * checked to compute exactly that. Each recurrent node's attributes must be PyTorch's
 * ({@code linear_before_reset = 1} for the GRU, default activations but tanh/relu for the RNN, no
 * {@code clip}, {@code input_forget = 0}, {@code layout = 0}, no sequence lengths or peepholes);
 * layer {@code l} must read layer {@code l−1}'s output; initial states must be zeros or slices of graph
 * inputs {@code [L*D,B,H]}. Anything else is refused with a one-line {@link FormatException} naming
 * the node. A graph without a head gets an exact identity head (see {@link ImportedModel#headAdded}).
 *
 * <p>Stateless and thread-safe: every call works on its own data.
 */
public final class OnnxImporter {

    private static final String OUTSIDE = "a model that is not an embedding/recurrent/linear stack as torch.onnx.export "
            + "writes it";
    private static final String SUBSET = "the nodes of an embedding/recurrent/linear stack";

    private OnnxImporter() {
    }

    /**
     * Reads and imports a model file.
     *
     * @param path the {@code .onnx} file
     * @return the model and the names of its inputs and outputs
     * @throws FormatException if the file is not a model this reader vouches for, or not a graph of the subset
     * @throws IOException     if the file cannot be read
     */
    public static ImportedModel read(Path path) throws IOException {
        return importModel(OnnxFile.read(path));
    }

    /**
     * Imports a model file already read.
     *
     * @param file the checked file
     * @return the model and the names of its inputs and outputs
     * @throws FormatException if the graph is not of the subset
     */
    public static ImportedModel importModel(OnnxFile file) throws FormatException {
        if (RecurExportReader.isRecurExport(file)) {
            return RecurExportReader.read(file);
        }
        return new Interpreter(file).run();
    }

    // ---- symbolic values -------------------------------------------------------------------------------------

    /** What a value of the graph is, as far as the importer can tell. */
    private sealed interface Sym permits Const, Dim, ShapeVec, Tokens, Seq, Zeros, StateSlice, RnnY, RnnState, Head {
    }

    /** A constant. */
    private record Const(TensorData t) implements Sym {
    }

    /** A scalar: the sequence's length {@code T} or batch size {@code B}. */
    private record Dim(String symbol) implements Sym {
    }

    /** A 1-D int64 shape whose entries are {@code Long} or {@code "T"}/{@code "B"}. */
    private record ShapeVec(List<Object> dims) implements Sym {
    }

    /** The token ids {@code [T,B]}. */
    private record Tokens() implements Sym {
    }

    /** A sequence {@code [T,B,width]}: the stack's input (layer −1) or a layer's output. */
    private record Seq(int layer, int width) implements Sym {
    }

    /** A zero tensor of a shape. */
    private record Zeros(List<Object> dims) implements Sym {
    }

    /** Rows {@code from..to} of a state graph input {@code [L*D,B,H]} ({@code to} may exceed the rows). */
    private record StateSlice(String input, char which, long from, long to) implements Sym {
    }

    /** A recurrent node's {@code Y [T,D,B,H]}, or {@code [T,B,D,H]} once transposed. */
    private record RnnY(int layer, boolean transposed) implements Sym {
    }

    /** The final {@code h} or {@code c} of layers, concatenated along axis 0. */
    private record RnnState(char which, List<Integer> layers) implements Sym {
    }

    /** The head {@code y W + b} on a layer's output; {@code weight [in, K]}, {@code bias [K]} or null. */
    private record Head(int layer, TensorData weight, TensorData bias) implements Sym {
    }

    /** One recurrent node. */
    private record Layer(Node node, CellKind cell, int dirs, int hidden, int input, TensorData w, TensorData r,
                         TensorData b, Sym h0, Sym c0) {
    }

    // ---- the interpreter -------------------------------------------------------------------------------------

    private static final class Interpreter {
        private final OnnxFile file;
        private final Map<String, Sym> values = new HashMap<>();
        private final List<Layer> layers = new ArrayList<>();
        private final Map<String, Character> stateInputs = new HashMap<>();
        private String inputName;
        private boolean tokens;
        private int inputWidth = -1;
        private TensorData embedding;

        Interpreter(OnnxFile file) {
            this.file = file;
        }

        FormatException error(String expected, String found) {
            return file.error(expected, found, OUTSIDE);
        }

        /** A node outside the subset, or with operands it does not compute what the stack needs from. */
        FormatException unexpected(Node n, String detail) {
            return error(SUBSET, n.describe() + (detail.isEmpty() ? "" : " " + detail));
        }

        ImportedModel run() throws FormatException {
            for (Map.Entry<String, TensorData> e : file.initializers().entrySet()) {
                values.put(e.getKey(), new Const(e.getValue()));
            }
            classifyInputs();
            for (Node n : file.nodes()) {
                step(n);
            }
            return build();
        }

        // ---- inputs ----

        private void classifyInputs() throws FormatException {
            Map<String, List<Node>> consumers = new HashMap<>();
            for (Node n : file.nodes()) {
                for (String in : new java.util.LinkedHashSet<>(n.proto().getInputList())) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                }
            }
            Map<String, Character> seen = new HashMap<>();
            for (ValueInfoProto v : file.inputs()) {
                Character which = stateUse(v.getName(), consumers, seen, 0);
                if (which != null) {
                    stateInputs.put(v.getName(), which);
                    values.put(v.getName(), new StateSlice(v.getName(), which, 0, Long.MAX_VALUE));
                    continue;
                }
                if (inputName != null) {
                    throw error("one sequence input (and initial states read by the recurrent nodes)", "graph inputs '"
                            + quote(inputName) + "' and '" + quote(v.getName()) + "'");
                }
                inputName = v.getName();
                int type = v.getType().getTensorType().getElemType();
                int rank = v.getType().getTensorType().getShape().getDimCount();
                if (type == DataType.INT64_VALUE || type == DataType.INT32_VALUE) {
                    tokens = true;
                    values.put(inputName, new Tokens());
                } else if (type == DataType.FLOAT_VALUE) {
                    if (rank == 3) {
                        TensorShapeProto.Dimension d = v.getType().getTensorType().getShape().getDim(2);
                        inputWidth = d.hasDimValue() ? (int) Math.min(d.getDimValue(), Integer.MAX_VALUE) : -1;
                    }
                    values.put(inputName, new Seq(-1, inputWidth));
                } else {
                    throw error("a sequence input of type FLOAT [T,B,I] or INT64 token ids [T,B]", "input '"
                            + quote(inputName) + "' of element type " + type);
                }
            }
            if (inputName == null) {
                throw error("a sequence input", "none");
            }
        }

        /**
         * Whether a graph input ends up as a recurrent node's initial h or c (directly or through
         * Slice/Identity, at most 8 deep): {@code 'h'}, {@code 'c'}, or null. Each value is looked at once.
         */
        private Character stateUse(String value, Map<String, List<Node>> consumers, Map<String, Character> seen,
                                   int depth) {
            if (depth > 8) {
                return null;
            }
            if (seen.containsKey(value)) {
                return seen.get(value);
            }
            seen.put(value, null);
            Character found = null;
            for (Node n : consumers.getOrDefault(value, List.of())) {
                List<String> in = n.proto().getInputList();
                if (isRecurrent(n.opType()) && in.size() > 5 && in.get(5).equals(value)) {
                    found = 'h';
                } else if (isRecurrent(n.opType()) && in.size() > 6 && in.get(6).equals(value)) {
                    found = 'c';
                } else if ((n.opType().equals("Slice") || n.opType().equals("Identity")) && in.get(0).equals(value)) {
                    found = stateUse(n.output(0), consumers, seen, depth + 1);
                }
                if (found != null) {
                    break;
                }
            }
            seen.put(value, found);
            return found;
        }

        private static boolean isRecurrent(String op) {
            return op.equals("LSTM") || op.equals("GRU") || op.equals("RNN");
        }

        // ---- nodes ----

        private Sym in(Node n, int i) throws FormatException {
            String name = n.input(i);
            if (name.isEmpty()) {
                throw unexpected(n, "without its input " + i);
            }
            Sym s = values.get(name);
            if (s == null) {
                throw unexpected(n, "reading '" + quote(name) + "', which this importer does not follow");
            }
            return s;
        }

        private TensorData constIn(Node n, int i, String what) throws FormatException {
            if (in(n, i) instanceof Const c) {
                return c.t();
            }
            throw unexpected(n, "with a " + what + " that is not a constant");
        }

        /** The integers of a constant input (e.g. the axes of a Squeeze); a floating-point one is refused. */
        private long[] constLongs(Node n, int i, String what) throws FormatException {
            TensorData t = constIn(n, i, what);
            if (t.isFloating()) {
                throw unexpected(n, "with a " + what + " of " + t.type() + " values, not integers");
            }
            return t.longs();
        }

        private void put(Node n, int output, Sym s) {
            String name = n.output(output);
            if (!name.isEmpty()) {
                values.put(name, s);
            }
        }

        private void step(Node n) throws FormatException {
            switch (n.opType()) {
                case "Constant" -> constant(n);
                case "Identity" -> put(n, 0, in(n, 0));
                case "Cast" -> put(n, 0, in(n, 0) instanceof Const c ? new Const(cast(n, c.t())) : in(n, 0));
                case "Shape" -> shape(n);
                case "Gather" -> gather(n);
                case "Unsqueeze" -> unsqueeze(n);
                case "Concat" -> concat(n);
                case "ConstantOfShape" -> constantOfShape(n);
                case "Expand" -> expand(n);
                case "Slice" -> slice(n);
                case "Squeeze" -> squeeze(n);
                case "Transpose" -> transpose(n);
                case "Reshape" -> reshape(n);
                case "LSTM", "GRU", "RNN" -> recurrent(n);
                case "MatMul" -> matMul(n);
                case "Add" -> add(n);
                default -> throw unexpected(n, "");
            }
        }

        private void constant(Node n) throws FormatException {
            TensorData t = n.tensors().get("value");
            AttributeProto a;
            if (t == null && (a = n.attribute("value_int")) != null) {
                t = new TensorData("", DataType.INT64, new long[0], null, null, new long[]{a.getI()});
            } else if (t == null && (a = n.attribute("value_ints")) != null) {
                long[] v = a.getIntsList().stream().mapToLong(Long::longValue).toArray();
                t = new TensorData("", DataType.INT64, new long[]{v.length}, null, null, v);
            } else if (t == null && (a = n.attribute("value_float")) != null) {
                t = new TensorData("", DataType.FLOAT, new long[0], new float[]{a.getF()}, null, null);
            }
            if (t == null) {
                throw unexpected(n, "without a value, value_int, value_ints or value_float");
            }
            put(n, 0, new Const(t));
        }

        private TensorData cast(Node n, TensorData t) throws FormatException {
            AttributeProto to = n.attribute("to");
            long type = to == null ? -1 : to.getI();
            if (type == DataType.FLOAT_VALUE) {
                return new TensorData(t.name(), DataType.FLOAT, t.dims(), t.floats(), null, null);
            }
            if (type == DataType.INT64_VALUE && !t.isFloating()) {
                return new TensorData(t.name(), DataType.INT64, t.dims(), null, null, t.longs());
            }
            throw unexpected(n, "casting a constant to type " + type);
        }

        private void shape(Node n) throws FormatException {
            if (n.attribute("start") != null || n.attribute("end") != null) {
                throw unexpected(n, "with start/end");
            }
            Sym x = in(n, 0);
            if (x instanceof Seq s) {
                put(n, 0, new ShapeVec(List.of("T", "B", (long) s.width())));
            } else if (x instanceof Tokens) {
                put(n, 0, new ShapeVec(List.of("T", "B")));
            } else {
                throw unexpected(n, "of a value other than the sequence");
            }
        }

        private long intAttr(Node n, String name, long otherwise) {
            AttributeProto a = n.attribute(name);
            return a == null ? otherwise : a.getI();
        }

        private void gather(Node n) throws FormatException {
            Sym data = in(n, 0);
            Sym index = in(n, 1);
            long axis = intAttr(n, "axis", 0);
            if (data instanceof Const c && index instanceof Tokens && axis == 0) {
                TensorData w = c.t();
                if (embedding != null || !w.isFloating() || w.rank() != 2 || w.dim(0) < 1 || w.dim(1) < 1) {
                    throw unexpected(n, embedding != null ? "embedding the tokens a second time"
                            : "with an embedding table that is not a floating [V,E] matrix");
                }
                embedding = w;
                put(n, 0, new Seq(-1, (int) w.dim(1)));
                return;
            }
            if (data instanceof ShapeVec s && index instanceof Const c && axis == 0 && !c.t().isFloating()
                    && c.t().rank() <= 1) {
                List<Object> picked = new ArrayList<>();
                for (long i : c.t().longs()) {
                    long k = i < 0 ? i + s.dims().size() : i;
                    if (k < 0 || k >= s.dims().size()) {
                        throw unexpected(n, "with index " + i + " outside the shape");
                    }
                    picked.add(s.dims().get((int) k));
                }
                if (c.t().rank() == 1) {
                    put(n, 0, new ShapeVec(picked));
                } else {
                    Object d = picked.get(0);
                    put(n, 0, d instanceof Long v ? new Const(new TensorData("", DataType.INT64, new long[0], null,
                            null, new long[]{v})) : new Dim((String) d));
                }
                return;
            }
            throw unexpected(n, "other than an embedding lookup of the token ids or a dimension of the sequence");
        }

        /** The axes of Squeeze/Unsqueeze: an attribute before opset 13, the second input since. */
        private long[] axes(Node n) throws FormatException {
            AttributeProto a = n.attribute("axes");
            if (a != null) {
                return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            }
            if (n.input(1).isEmpty()) {
                return null;
            }
            return constLongs(n, 1, "axes");
        }

        private void unsqueeze(Node n) throws FormatException {
            Sym x = in(n, 0);
            long[] axes = axes(n);
            if (axes != null && axes.length == 1 && axes[0] == 0) {
                if (x instanceof Dim d) {
                    put(n, 0, new ShapeVec(List.of(d.symbol())));
                    return;
                }
                if (x instanceof Const c && c.t().rank() == 0 && !c.t().isFloating()) {
                    put(n, 0, new ShapeVec(List.of(c.t().longs()[0])));
                    return;
                }
            }
            throw unexpected(n, "other than turning a dimension of the sequence into a shape");
        }

        private void concat(Node n) throws FormatException {
            long axis = intAttr(n, "axis", Long.MIN_VALUE);
            List<Sym> parts = new ArrayList<>();
            for (int i = 0; i < n.proto().getInputCount(); i++) {
                parts.add(in(n, i));
            }
            if (axis == 0 && !parts.isEmpty() && parts.stream().allMatch(p -> p instanceof RnnState)) {
                char which = ((RnnState) parts.get(0)).which();
                List<Integer> layers = new ArrayList<>();
                for (Sym p : parts) {
                    RnnState s = (RnnState) p;
                    if (s.which() != which) {
                        throw unexpected(n, "concatenating final h and c states");
                    }
                    layers.addAll(s.layers());
                }
                put(n, 0, new RnnState(which, List.copyOf(layers)));
                return;
            }
            if (axis == 0 && !parts.isEmpty()) {
                List<Object> dims = new ArrayList<>();
                for (Sym p : parts) {
                    if (p instanceof ShapeVec s) {
                        dims.addAll(s.dims());
                    } else if (p instanceof Const c && !c.t().isFloating() && c.t().rank() == 1) {
                        for (long v : c.t().longs()) {
                            dims.add(v);
                        }
                    } else {
                        throw unexpected(n, "of values other than shapes or final states");
                    }
                }
                put(n, 0, new ShapeVec(List.copyOf(dims)));
                return;
            }
            throw unexpected(n, "on axis " + (axis == Long.MIN_VALUE ? "(none)" : axis) + ", not 0");
        }

        private void constantOfShape(Node n) throws FormatException {
            Sym s = in(n, 0);
            List<Object> dims;
            if (s instanceof ShapeVec v) {
                dims = v.dims();
            } else if (s instanceof Const c && !c.t().isFloating() && c.t().rank() == 1) {
                dims = new ArrayList<>();
                for (long d : c.t().longs()) {
                    dims.add(d);
                }
            } else {
                throw unexpected(n, "with a shape that is not one the importer follows");
            }
            TensorData value = n.tensors().get("value");
            if (value != null) {
                if (!value.isFloating() || value.size() != 1 || value.get(0) != 0) {
                    throw unexpected(n, "with a value other than a floating zero");
                }
            }
            put(n, 0, new Zeros(List.copyOf(dims)));
        }

        /** Zeros broadcast to a shape: how a fixed-shape export builds the zero initial states. */
        private void expand(Node n) throws FormatException {
            if (!(in(n, 0) instanceof Const c) || !c.t().isFloating()) {
                throw unexpected(n, "of a value that is not a constant");
            }
            for (int i = 0; i < c.t().size(); i++) {
                if (c.t().get(i) != 0) {
                    throw unexpected(n, "of a constant other than zeros");
                }
            }
            Sym s = in(n, 1);
            List<Object> dims = new ArrayList<>();
            if (s instanceof ShapeVec v) {
                dims.addAll(v.dims());
            } else if (s instanceof Const shape && !shape.t().isFloating() && shape.t().rank() == 1) {
                for (long d : shape.t().longs()) {
                    dims.add(d);
                }
            } else {
                throw unexpected(n, "to a shape that is not one the importer follows");
            }
            // broadcasting: the constant's dimensions must be 1 or those of the shape (a symbolic one, T or B,
            // was a number when the file was exported with fixed shapes)
            long[] own = c.t().dims();
            if (own.length > dims.size()) {
                throw unexpected(n, "of a constant of higher rank than the shape");
            }
            for (int i = 0; i < own.length; i++) {
                Object d = dims.get(dims.size() - own.length + i);
                if (own[i] != 1 && !(d instanceof String) && !(d instanceof Long l && l == own[i])) {
                    throw unexpected(n, "of a constant that does not broadcast to the shape");
                }
            }
            put(n, 0, new Zeros(List.copyOf(dims)));
        }

        private void slice(Node n) throws FormatException {
            long[] starts;
            long[] ends;
            long[] axes;
            long[] steps = null;
            if (n.attribute("starts") != null) {   // before opset 10
                starts = n.attribute("starts").getIntsList().stream().mapToLong(Long::longValue).toArray();
                ends = n.attribute("ends") == null ? null
                        : n.attribute("ends").getIntsList().stream().mapToLong(Long::longValue).toArray();
                axes = n.attribute("axes") == null ? null
                        : n.attribute("axes").getIntsList().stream().mapToLong(Long::longValue).toArray();
            } else {
                starts = constLongs(n, 1, "start");
                ends = constLongs(n, 2, "end");
                axes = n.input(3).isEmpty() ? null : constLongs(n, 3, "axes");
                steps = n.input(4).isEmpty() ? null : constLongs(n, 4, "step");
            }
            boolean axis0 = starts.length == 1 && ends != null && ends.length == 1
                    && (axes == null || axes.length == 1 && axes[0] == 0)
                    && (steps == null || steps.length == 1 && steps[0] == 1) && starts[0] >= 0 && ends[0] >= starts[0];
            if (!axis0) {
                throw unexpected(n, "other than a slice of rows of an initial state (axis 0, step 1)");
            }
            Sym x = in(n, 0);
            if (x instanceof Zeros z && !z.dims().isEmpty() && z.dims().get(0) instanceof Long rows) {
                List<Object> dims = new ArrayList<>(z.dims());
                dims.set(0, Math.max(0, Math.min(ends[0], rows) - Math.min(starts[0], rows)));
                put(n, 0, new Zeros(List.copyOf(dims)));
            } else if (x instanceof StateSlice s && s.from() == 0 && s.to() == Long.MAX_VALUE) {
                put(n, 0, new StateSlice(s.input(), s.which(), starts[0], ends[0]));
            } else {
                throw unexpected(n, "of a value other than zeros or an initial-state input");
            }
        }

        private void squeeze(Node n) throws FormatException {
            long[] axes = axes(n);
            if (in(n, 0) instanceof RnnY y && !y.transposed() && axes != null && axes.length == 1 && axes[0] == 1
                    && layers.get(y.layer()).dirs() == 1) {
                Layer l = layers.get(y.layer());
                put(n, 0, new Seq(y.layer(), l.hidden()));
                return;
            }
            throw unexpected(n, "other than removing the direction axis (1) of a unidirectional recurrent output");
        }

        private void transpose(Node n) throws FormatException {
            AttributeProto perm = n.attribute("perm");
            if (in(n, 0) instanceof RnnY y && !y.transposed() && perm != null
                    && perm.getIntsList().equals(List.of(0L, 2L, 1L, 3L))) {
                put(n, 0, new RnnY(y.layer(), true));
                return;
            }
            throw unexpected(n, "other than perm [0, 2, 1, 3] of a recurrent output");
        }

        private void reshape(Node n) throws FormatException {
            if (in(n, 0) instanceof RnnY y && y.transposed() && intAttr(n, "allowzero", 0) == 0) {
                Layer l = layers.get(y.layer());
                long width = (long) l.dirs() * l.hidden();
                long[] shape = constLongs(n, 1, "shape");
                if (shape.length == 3 && shape[0] == 0 && shape[1] == 0 && (shape[2] == -1 || shape[2] == width)) {
                    put(n, 0, new Seq(y.layer(), (int) width));
                    return;
                }
                throw unexpected(n, "to shape " + Arrays.toString(shape) + ", not [0, 0, -1] (T, B, D*H)");
            }
            throw unexpected(n, "other than flattening the directions of a transposed recurrent output");
        }

        private void matMul(Node n) throws FormatException {
            if (in(n, 0) instanceof Seq s && s.layer() >= 0 && in(n, 1) instanceof Const c && c.t().isFloating()
                    && c.t().rank() == 2 && c.t().dim(0) == s.width() && c.t().dim(1) >= 1) {
                put(n, 0, new Head(s.layer(), c.t(), null));
                return;
            }
            throw unexpected(n, "other than a recurrent output times a [D*H, K] weight");
        }

        private void add(Node n) throws FormatException {
            Sym a = in(n, 0);
            Sym b = in(n, 1);
            Head h = a instanceof Head x ? x : b instanceof Head x ? x : null;
            Sym other = a instanceof Head ? b : a;
            if (h != null && h.bias() == null && other instanceof Const c && c.t().isFloating() && c.t().rank() == 1
                    && c.t().dim(0) == h.weight().dim(1)) {
                put(n, 0, new Head(h.layer(), h.weight(), c.t()));
                return;
            }
            throw unexpected(n, "other than adding a [K] bias to a head's product");
        }

        // ---- the recurrent nodes ----

        private void recurrent(Node n) throws FormatException {
            CellKind cell = switch (n.opType()) {
                case "LSTM" -> CellKind.LSTM;
                case "GRU" -> CellKind.GRU;
                default -> CellKind.RNN_TANH;
            };
            String where = n.describe();
            for (AttributeProto a : n.proto().getAttributeList()) {
                switch (a.getName()) {
                    case "hidden_size", "direction", "activations", "linear_before_reset", "input_forget", "layout" -> {
                    }
                    default -> throw error("recurrent nodes with PyTorch's attributes (hidden_size, direction, "
                            + "activations, linear_before_reset, input_forget, layout)", where + " with attribute '"
                            + quote(a.getName()) + "'" + (a.getName().equals("clip") ? " (PyTorch does not clip)" : ""));
                }
            }
            long hidden = intAttr(n, "hidden_size", -1);
            if (hidden < 1 || hidden > Integer.MAX_VALUE) {
                throw error("a hidden_size >= 1 on each recurrent node", where + " with hidden_size " + hidden);
            }
            AttributeProto dirAttr = n.attribute("direction");
            String direction = dirAttr == null ? "forward" : dirAttr.getS().toStringUtf8();
            int dirs = switch (direction) {
                case "forward" -> 1;
                case "bidirectional" -> 2;
                default -> throw error("direction forward or bidirectional (PyTorch runs the reverse direction only "
                        + "beside the forward one)", where + " with direction '" + quote(direction) + "'");
            };
            if (intAttr(n, "layout", 0) != 0) {
                throw error("layout = 0 (time-major, as PyTorch exports)", where + " with layout " + intAttr(n, "layout", 0));
            }
            if (cell == CellKind.LSTM && intAttr(n, "input_forget", 0) != 0) {
                throw error("input_forget = 0 (PyTorch's LSTM has no coupled gates)", where + " with input_forget "
                        + intAttr(n, "input_forget", 0));
            }
            if (cell == CellKind.GRU && intAttr(n, "linear_before_reset", 0) != 1) {
                throw error("linear_before_reset = 1 (PyTorch's GRU is linear_before_reset=1)", where
                        + " with linear_before_reset " + intAttr(n, "linear_before_reset", 0));
            }
            cell = activations(n, cell, dirs);
            if (!n.input(4).isEmpty() || !n.input(7).isEmpty()) {
                throw error("recurrent nodes without sequence_lens and peepholes", where + " with "
                        + (n.input(4).isEmpty() ? "peepholes (input 7)" : "sequence_lens (input 4)"));
            }
            int index = layers.size();
            if (!(in(n, 0) instanceof Seq x) || x.layer() != index - 1) {
                throw error("layer " + index + " reading " + (index == 0 ? "the stack's input" : "layer " + (index - 1)
                        + "'s output [T,B,D*H]"), where + " reading '" + quote(n.input(0)) + "'");
            }
            int g = cell.gates();
            long gh = g * hidden;
            TensorData w = weight(n, 1, "W", dirs, gh, -1);
            int inputSize = (int) w.dim(2);
            if (x.width() >= 0 && x.width() != inputSize) {
                throw error("W [D, G*H, I] with I = " + x.width() + " (the width of its input)", where + " with W "
                        + Arrays.toString(w.dims()));
            }
            TensorData r = weight(n, 2, "R", dirs, gh, hidden);
            TensorData b = n.input(3).isEmpty() ? null : constIn(n, 3, "bias B");
            if (b != null && (!b.isFloating() || b.rank() != 2 || b.dim(0) != dirs || b.dim(1) != 2 * gh)) {
                throw error("B [" + dirs + ", " + 2 * gh + "] (D, 2*G*H)", where + " with B " + Arrays.toString(b.dims()));
            }
            Sym h0 = n.input(5).isEmpty() ? null : in(n, 5);
            Sym c0 = n.input(6).isEmpty() ? null : in(n, 6);
            if (cell != CellKind.LSTM && c0 != null) {
                throw unexpected(n, "with an initial cell state");
            }
            layers.add(new Layer(n, cell, dirs, (int) hidden, inputSize, w, r, b, h0, c0));
            put(n, 0, new RnnY(index, false));
            put(n, 1, new RnnState('h', List.of(index)));
            if (cell == CellKind.LSTM) {
                put(n, 2, new RnnState('c', List.of(index)));
            }
        }

        private CellKind activations(Node n, CellKind cell, int dirs) throws FormatException {
            List<String> defaults = switch (cell) {
                case LSTM -> List.of("Sigmoid", "Tanh", "Tanh");
                case GRU -> List.of("Sigmoid", "Tanh");
                default -> List.of("Tanh");
            };
            AttributeProto a = n.attribute("activations");
            if (a == null) {
                return cell;
            }
            List<String> given = a.getStringsList().stream().map(s -> s.toStringUtf8()).toList();
            if (cell == CellKind.RNN_TANH && given.size() == dirs && given.stream().allMatch(s -> s.equals("Relu"))) {
                return CellKind.RNN_RELU;
            }
            List<String> expected = new ArrayList<>();
            for (int d = 0; d < dirs; d++) {
                expected.addAll(defaults);
            }
            if (!given.equals(expected) && !given.equals(defaults)) {
                throw error("the default activations " + defaults + (cell == CellKind.RNN_TANH ? " or Relu" : "")
                        + " per direction", n.describe() + " with activations " + quote(given.toString()));
            }
            return cell;
        }

        private TensorData weight(Node n, int i, String name, int dirs, long rows, long cols) throws FormatException {
            TensorData t = constIn(n, i, "weight " + name);
            if (!t.isFloating() || t.rank() != 3 || t.dim(0) != dirs || t.dim(1) != rows || (cols >= 0
                    ? t.dim(2) != cols : t.dim(2) < 1)) {
                throw error(name + " [" + dirs + ", " + rows + ", " + (cols >= 0 ? cols : "I") + "] (D, G*H, "
                        + (cols >= 0 ? "H" : "I") + ") of floating values", n.describe() + " with " + name + " "
                        + t.type() + " " + Arrays.toString(t.dims()));
            }
            return t;
        }

        // ---- the model ----

        private ImportedModel build() throws FormatException {
            if (layers.isEmpty()) {
                throw error("a recurrent node (LSTM, GRU or RNN)", "none");
            }
            Layer first = layers.get(0);
            int numLayers = layers.size();
            for (Layer l : layers) {
                if (l.cell() != first.cell() || l.dirs() != first.dirs() || l.hidden() != first.hidden()) {
                    throw error("recurrent layers of one cell, direction and hidden size", l.node().describe() + " ("
                            + l.cell().id() + ", " + l.dirs() + " direction(s), H=" + l.hidden() + ") after "
                            + first.cell().id() + ", " + first.dirs() + ", H=" + first.hidden());
                }
            }
            String h0 = initialStates(layers, 'h');
            String c0 = first.cell() == CellKind.LSTM ? initialStates(layers, 'c') : null;
            if ((h0 == null) != (c0 == null) && first.cell() == CellKind.LSTM) {
                throw error("initial h and c both zeros or both graph inputs", "one of each");
            }
            for (String name : stateInputs.keySet()) {
                if (!name.equals(h0) && !name.equals(c0)) {
                    throw error("initial states from at most one input each", "input '" + quote(name) + "'");
                }
            }
            int last = numLayers - 1;
            String outputName = null;
            String hn = null;
            String cn = null;
            Head head = null;
            for (ValueInfoProto o : file.outputs()) {
                Sym s = values.get(o.getName());
                String name = o.getName();
                if (s instanceof Seq q && q.layer() == last && outputName == null) {
                    outputName = name;
                } else if (s instanceof Head h && h.layer() == last && outputName == null) {
                    outputName = name;
                    head = h;
                } else if (s instanceof RnnState st && st.layers().equals(range(numLayers)) && (st.which() == 'h'
                        ? hn == null : cn == null)) {
                    if (st.which() == 'h') {
                        hn = name;
                    } else {
                        cn = name;
                    }
                } else {
                    throw error("graph outputs that are the stack's output (y or the head's), h_n and c_n [L*D,B,H]",
                            "output '" + quote(name) + "'" + (s == null ? "" : " that is "
                                    + describe(s, numLayers)));
                }
            }
            if (outputName == null) {
                throw error("a graph output that is the stack's output (y or the head's)", "none among "
                        + file.outputs().size() + " output(s)");
            }
            return new ImportedModel(model(head), inputName, tokens, outputName, hn, cn, h0, c0, head == null,
                    file.opset(), file.producer(), Preprocessing.NONE);
        }

        private static List<Integer> range(int n) {
            List<Integer> r = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                r.add(i);
            }
            return r;
        }

        private static String describe(Sym s, int numLayers) {
            if (s instanceof Seq q) {
                return q.layer() < 0 ? "the stack's input" : "the output of layer " + q.layer() + " of " + numLayers;
            }
            if (s instanceof Head h) {
                return "a head on layer " + h.layer() + " of " + numLayers;
            }
            if (s instanceof RnnState st) {
                return "the final " + st.which() + " of layers " + st.layers();
            }
            return "an intermediate value";
        }

        /** The input the layers' initial states come from, or null for zeros; refuses anything else. */
        private String initialStates(List<Layer> layers, char which) throws FormatException {
            String input = null;
            boolean zeros = false;
            for (int l = 0; l < layers.size(); l++) {
                Layer layer = layers.get(l);
                Sym s = which == 'h' ? layer.h0() : layer.c0();
                int d = layer.dirs();
                if (s == null || s instanceof Zeros z && z.dims().equals(List.of((long) d, "B", (long) layer.hidden()))) {
                    zeros = true;
                } else if (s instanceof StateSlice st && st.from() == (long) l * d
                        && Math.min(st.to(), (long) layers.size() * d) == (long) (l + 1) * d
                        && (input == null || input.equals(st.input()))) {
                    input = st.input();
                } else {
                    throw error("initial " + which + " of layer " + l + " zeros [" + d + ", B, " + layer.hidden()
                            + "] or rows " + l * d + ".." + ((l + 1) * d) + " of an input [L*D, B, H]",
                            layer.node().describe() + " reading '" + quote(layer.node().input(which == 'h' ? 5 : 6))
                                    + "'");
                }
            }
            if (zeros && input != null) {
                throw error("initial " + which + " states all zeros or all from input '" + quote(input)
                        + "'", "both");
            }
            return input;
        }

        private SequenceModel<float[]> model(Head head) throws FormatException {
            Layer first = layers.get(0);
            int dirs = first.dirs();
            int hidden = first.hidden();
            int width = dirs * hidden;
            int outputs = head == null ? width : (int) head.weight().dim(1);
            SequenceModelConfig.Builder b = SequenceModelConfig.builder();
            if (embedding != null) {
                b.tokens((int) embedding.dim(0), (int) embedding.dim(1)).paddingIdx(Embedding.NO_PADDING);
            } else {
                b.features(first.input());
            }
            SequenceModelConfig config;
            try {
                config = b.cell(first.cell(), hidden).layers(layers.size()).bidirectional(dirs == 2).outputs(outputs)
                        .build();
            } catch (IllegalArgumentException e) {
                throw FormatException.refused(file.path(), "a model recur can build", e, OUTSIDE);
            }
            SequenceModel<float[]> model = SequenceModel.create(config, Precision.F32, 0);
            model.setTraining(false);
            Map<String, Parameter<float[]>> p = model.namedParameters();
            if (embedding != null) {
                set(p, "embedding.weight", embedding.floats());
            }
            int g = first.cell().gates();
            for (int l = 0; l < layers.size(); l++) {
                Layer layer = layers.get(l);
                float[] w = layer.w().floats();
                float[] r = layer.r().floats();
                float[] bias = layer.b() == null ? new float[dirs * 2 * g * hidden] : layer.b().floats();
                for (int d = 0; d < dirs; d++) {
                    String suffix = "_l" + l + (d == 1 ? "_reverse" : "");
                    reorder(p, "rnn.weight_ih" + suffix, first.cell(), hidden, layer.input(), w, d * g * hidden * layer.input());
                    reorder(p, "rnn.weight_hh" + suffix, first.cell(), hidden, hidden, r, d * g * hidden * hidden);
                    reorder(p, "rnn.bias_ih" + suffix, first.cell(), hidden, 1, bias, d * 2 * g * hidden);
                    reorder(p, "rnn.bias_hh" + suffix, first.cell(), hidden, 1, bias, d * 2 * g * hidden + g * hidden);
                }
            }
            float[] hw = new float[outputs * width];
            float[] hb = new float[outputs];
            if (head == null) {
                for (int i = 0; i < width; i++) {
                    hw[i * width + i] = 1;
                }
            } else {
                // ONNX's MatMul weight is [in, K]; recur's head.weight is [K, in]
                float[] wt = head.weight().floats();
                for (int i = 0; i < width; i++) {
                    for (int k = 0; k < outputs; k++) {
                        hw[k * width + i] = wt[i * outputs + k];
                    }
                }
                if (head.bias() != null) {
                    hb = head.bias().floats();
                }
            }
            set(p, "head.weight", hw);
            set(p, "head.bias", hb);
            return model;
        }

        private void reorder(Map<String, Parameter<float[]>> p, String name, CellKind cell, int hidden, int cols,
                             float[] in, int offset) throws FormatException {
            float[] out = new float[cell.gates() * hidden * cols];
            OnnxGates.fromOnnx(cell, hidden, cols, in, offset, out, 0);
            set(p, name, out);
        }

        private void set(Map<String, Parameter<float[]>> p, String name, float[] values) throws FormatException {
            Parameter<float[]> param = p.get(name);
            if (param == null || param.size() != values.length) {
                throw error("parameter " + name + " of " + values.length + " values in the model built",
                        param == null ? "none" : param.size() + " values");
            }
            System.arraycopy(values, 0, param.value(), 0, values.length);
        }
    }
}
