package dev.recur.onnx;

import static dev.recur.io.FormatException.quote;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import dev.recur.io.FormatException;
import dev.recur.onnx.proto.Onnx.AttributeProto;
import dev.recur.onnx.proto.Onnx.GraphProto;
import dev.recur.onnx.proto.Onnx.ModelProto;
import dev.recur.onnx.proto.Onnx.NodeProto;
import dev.recur.onnx.proto.Onnx.OperatorSetIdProto;
import dev.recur.onnx.proto.Onnx.StringStringEntryProto;
import dev.recur.onnx.proto.Onnx.TensorProto;
import dev.recur.onnx.proto.Onnx.TensorProto.DataType;
import dev.recur.onnx.proto.Onnx.ValueInfoProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX model file read as untrusted input, and the checked view of it: the graph's nodes in
 * topological order, its decoded initializers and attribute tensors, its inputs and outputs.
 *
 * <p>{@link #read} refuses, with a one-line {@link FormatException} naming the file, anything it
 * cannot vouch for: a file over {@value #MAX_FILE_BYTES} bytes (before reading it); bytes that do
 * not parse as a protobuf {@code ModelProto} (nesting limited to {@value #RECURSION_LIMIT} levels);
 * a model without a graph or without an opset import of the default domain at version
 * {@value #MIN_OPSET} or later; a node of another domain, or one with a subgraph or sparse-tensor
 * attribute; a tensor of a type other than FLOAT, DOUBLE, INT32 and INT64, of a shape with more than
 * {@value #MAX_ELEMENTS} elements (computed with overflow checks before anything is allocated), or
 * whose data does not hold exactly that many elements; sparse initializers; external data outside
 * the model file's folder (absolute, with {@code ..}, or a link that resolves outside), or not
 * exactly where its offset and length say; a node input that no graph input, initializer or node
 * defines; a value defined twice; a cycle. Everything decoded together is bounded by
 * {@value #MAX_DECODED_BYTES} bytes, so a hostile file cannot make the reader allocate more than a
 * fixed amount beyond the file's own bytes.
 *
 * <p>Instances are immutable and thread-safe; the reader keeps no state between calls.
 */
public final class OnnxFile {

    /** The largest model file read, in bytes (1 GiB). */
    public static final long MAX_FILE_BYTES = 1L << 30;
    /** The most elements one tensor may declare. */
    public static final long MAX_ELEMENTS = 1L << 28;
    /** The most bytes all decoded tensors together may take (1 GiB). */
    public static final long MAX_DECODED_BYTES = 1L << 30;
    /** How deeply protobuf messages may nest. */
    public static final int RECURSION_LIMIT = 32;
    /** The oldest opset of the default domain read. */
    public static final int MIN_OPSET = 7;
    /** The highest tensor rank read. */
    public static final int MAX_RANK = 16;

    private static final String NOT_ONNX = "truncated or not an ONNX file";
    private static final String EDITED = "a damaged file, or one written by a tool that does not follow the ONNX format";

    private final Path path;
    private final ModelProto model;
    private final long opset;
    private final List<Node> nodes;
    private final Map<String, TensorData> initializers;
    private final List<ValueInfoProto> inputs;
    private final Map<String, Node> producers;

    /**
     * One node of the graph with its decoded tensor attributes.
     *
     * @param index   its position in the file's node list
     * @param proto   the node as parsed
     * @param tensors its TENSOR attributes by name, decoded and checked
     */
    public record Node(int index, NodeProto proto, Map<String, TensorData> tensors) {

        /** The op type, e.g. {@code LSTM}. */
        public String opType() {
            return proto.getOpType();
        }

        /**
         * The node for a message: {@code node 'NAME' of op type OP}, or {@code node #INDEX of op type OP}
         * when it has no name (names and op types are quoted on one line and shortened).
         *
         * @return the words
         */
        public String describe() {
            return "node " + label() + " of op type " + quote(proto.getOpType());
        }

        /** {@code 'NAME'}, or {@code #INDEX} when unnamed. */
        public String label() {
            return proto.getName().isEmpty() ? "#" + index : "'" + quote(proto.getName()) + "'";
        }

        /**
         * An input's name, or {@code ""} when absent (an omitted optional input).
         *
         * @param i the position
         * @return the name
         */
        public String input(int i) {
            return i < proto.getInputCount() ? proto.getInput(i) : "";
        }

        /**
         * An output's name, or {@code ""} when absent.
         *
         * @param i the position
         * @return the name
         */
        public String output(int i) {
            return i < proto.getOutputCount() ? proto.getOutput(i) : "";
        }

        /**
         * An attribute by name.
         *
         * @param name the attribute
         * @return it, or null when absent
         */
        public AttributeProto attribute(String name) {
            for (AttributeProto a : proto.getAttributeList()) {
                if (a.getName().equals(name)) {
                    return a;
                }
            }
            return null;
        }
    }

    private OnnxFile(Path path, ModelProto model, long opset, List<Node> nodes, Map<String, TensorData> initializers,
                     List<ValueInfoProto> inputs, Map<String, Node> producers) {
        this.path = path;
        this.model = model;
        this.opset = opset;
        this.nodes = nodes;
        this.initializers = initializers;
        this.inputs = inputs;
        this.producers = producers;
    }

    /**
     * Reads and checks a model file.
     *
     * @param path the {@code .onnx} file; external data is looked for in its folder
     * @return the checked view
     * @throws FormatException if the content is not a model this reader vouches for (one line, naming the file)
     * @throws IOException     if the file cannot be read
     */
    public static OnnxFile read(Path path) throws IOException {
        byte[] bytes = readBounded(path);
        ModelProto model;
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setRecursionLimit(RECURSION_LIMIT);
            in.setSizeLimit(bytes.length);
            model = ModelProto.parseFrom(in);
        } catch (IOException | RuntimeException e) {
            String why = String.valueOf(e.getMessage()).contains("ended unexpectedly")
                    ? "the data ends inside a field" : "not a valid protobuf encoding of one";
            throw new FormatException(path, "an ONNX model (protobuf ModelProto)", bytes.length
                    + " bytes that do not parse as one (" + why + ")", NOT_ONNX);
        }
        if (!model.hasGraph()) {
            throw new FormatException(path, "an ONNX model (protobuf ModelProto) with a graph", bytes.length
                    + " bytes without one", NOT_ONNX);
        }
        return new Reader(path, model).check();
    }

    private static byte[] readBounded(Path path) throws IOException {
        long size = Files.size(path);
        if (size > MAX_FILE_BYTES) {
            throw new FormatException(path, "an ONNX model of at most " + MAX_FILE_BYTES + " bytes", size + " bytes",
                    "a model too large for this reader, or not a model file");
        }
        try (InputStream in = Files.newInputStream(path)) {
            // the file may have grown since its size was taken: read at most one byte past the limit
            byte[] bytes = in.readNBytes((int) Math.min(size + 1, MAX_FILE_BYTES + 1));
            if (bytes.length > MAX_FILE_BYTES) {
                throw new FormatException(path, "an ONNX model of at most " + MAX_FILE_BYTES + " bytes",
                        "more", "the file is being written while it is read");
            }
            return bytes;
        }
    }

    /** The file as given to {@link #read}. */
    public Path path() {
        return path;
    }

    /** The parsed model (immutable). */
    public ModelProto model() {
        return model;
    }

    /** The graph (immutable). */
    public GraphProto graph() {
        return model.getGraph();
    }

    /** The version of the default domain's opset the model imports. */
    public long opset() {
        return opset;
    }

    /** The producer, e.g. {@code pytorch 1.13.0}, or {@code ""}. */
    public String producer() {
        return (model.getProducerName() + " " + model.getProducerVersion()).trim();
    }

    /** The nodes in a topological order: each after the nodes whose outputs it reads. */
    public List<Node> nodes() {
        return nodes;
    }

    /** The initializers by name, in the file's order. */
    public Map<String, TensorData> initializers() {
        return initializers;
    }

    /** The graph inputs that are not initializers: what a caller feeds. */
    public List<ValueInfoProto> inputs() {
        return inputs;
    }

    /** The graph outputs. */
    public List<ValueInfoProto> outputs() {
        return model.getGraph().getOutputList();
    }

    /**
     * The node that computes a value.
     *
     * @param value the value's name
     * @return the node, or null for a graph input or an initializer
     */
    public Node definingNode(String value) {
        return producers.get(value);
    }

    /**
     * A refusal of this file's content.
     *
     * @param expected    what is required
     * @param found       what is there
     * @param likelyCause the most probable reason
     * @return the exception, to throw
     */
    public FormatException error(String expected, String found, String likelyCause) {
        return new FormatException(path, expected, found, likelyCause);
    }

    /** The checks of one read. */
    private static final class Reader {
        private final Path path;
        private final ModelProto model;
        private long decoded;

        Reader(Path path, ModelProto model) {
            this.path = path;
            this.model = model;
        }

        FormatException error(String expected, String found, String likelyCause) {
            return new FormatException(path, expected, found, likelyCause);
        }

        OnnxFile check() throws IOException {
            long opset = opset();
            GraphProto g = model.getGraph();
            if (g.getSparseInitializerCount() > 0) {
                throw error("dense initializers", g.getSparseInitializerCount() + " sparse initializer(s), e.g. '"
                        + quote(g.getSparseInitializer(0).getValues().getName()) + "'",
                        "a model saved with sparse weights, which this reader does not support");
            }
            Map<String, TensorData> initializers = new LinkedHashMap<>();
            for (TensorProto t : g.getInitializerList()) {
                if (t.getName().isEmpty()) {
                    throw error("named initializers", "an initializer without a name", EDITED);
                }
                if (initializers.put(t.getName(), tensor(t, "initializer '" + quote(t.getName()) + "'")) != null) {
                    throw error("initializers with distinct names", "'" + quote(t.getName()) + "' twice", EDITED);
                }
            }
            Set<String> defined = new HashSet<>(initializers.keySet());
            List<ValueInfoProto> inputs = new ArrayList<>();
            Set<String> inputNames = new HashSet<>();
            for (ValueInfoProto v : g.getInputList()) {
                if (v.getName().isEmpty() || !inputNames.add(v.getName())) {
                    throw error("graph inputs with distinct, non-empty names",
                            v.getName().isEmpty() ? "an unnamed input" : "'" + quote(v.getName()) + "' twice", EDITED);
                }
                if (!initializers.containsKey(v.getName())) {   // an input with an initializer is a default value
                    inputs.add(v);
                    defined.add(v.getName());
                }
            }
            List<Node> nodes = new ArrayList<>(g.getNodeCount());
            Map<String, Node> producers = new HashMap<>();
            for (int i = 0; i < g.getNodeCount(); i++) {
                Node n = node(i, g.getNode(i));
                nodes.add(n);
                for (String out : n.proto().getOutputList()) {
                    if (out.isEmpty()) {
                        continue;
                    }
                    if (defined.contains(out) || producers.containsKey(out)) {
                        throw error("each value defined once", "'" + quote(out) + "' defined again as an output of "
                                + n.describe(), EDITED);
                    }
                    producers.put(out, n);
                }
            }
            for (Node n : nodes) {
                for (String in : n.proto().getInputList()) {
                    if (!in.isEmpty() && !defined.contains(in) && !producers.containsKey(in)) {
                        throw error("node inputs that are graph inputs, initializers or node outputs", "input '"
                                + quote(in) + "' of " + n.describe() + " defined nowhere", EDITED);
                    }
                }
            }
            for (ValueInfoProto v : g.getOutputList()) {
                if (!defined.contains(v.getName()) && !producers.containsKey(v.getName())) {
                    throw error("graph outputs that the graph computes", "output '" + quote(v.getName())
                            + "' defined nowhere", EDITED);
                }
            }
            return new OnnxFile(path, model, opset, Collections.unmodifiableList(sorted(nodes, producers)),
                    Collections.unmodifiableMap(initializers), Collections.unmodifiableList(inputs),
                    Collections.unmodifiableMap(producers));
        }

        private long opset() throws FormatException {
            Long version = null;
            for (OperatorSetIdProto o : model.getOpsetImportList()) {
                if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                    version = o.getVersion();
                }
            }
            if (version == null || version < MIN_OPSET) {
                throw error("an opset import of the default ONNX domain at version " + MIN_OPSET + " or later",
                        version == null ? "none" : "version " + version,
                        version == null ? "a model of another domain, or a damaged file" : "a model from an old exporter");
            }
            return version;
        }

        private Node node(int index, NodeProto p) throws IOException {
            Node bare = new Node(index, p, Map.of());
            if (!p.getDomain().isEmpty() && !p.getDomain().equals("ai.onnx")) {
                throw error("nodes of the default ONNX domain", bare.describe() + " of domain '"
                        + quote(p.getDomain()) + "'", "a model with custom operators");
            }
            if (p.getOpType().isEmpty()) {
                throw error("nodes with an op type", "node " + bare.label() + " without one", EDITED);
            }
            Map<String, TensorData> tensors = new HashMap<>();
            for (AttributeProto a : p.getAttributeList()) {
                switch (a.getType()) {
                    case GRAPH, GRAPHS, SPARSE_TENSOR, SPARSE_TENSORS, TENSORS, TYPE_PROTO, TYPE_PROTOS ->
                            throw error("attributes of plain values (no subgraph, sparse tensor or tensor list)",
                                    "attribute '" + quote(a.getName()) + "' of type " + a.getType() + " on "
                                            + bare.describe(), "a model with control flow or custom attributes");
                    case TENSOR -> tensors.put(a.getName(), tensor(a.getT(), "attribute '" + quote(a.getName())
                            + "' of " + bare.describe()));
                    default -> {
                    }
                }
            }
            return new Node(index, p, Collections.unmodifiableMap(tensors));
        }

        /** Kahn's algorithm; on a cycle, names a node on it. */
        private List<Node> sorted(List<Node> nodes, Map<String, Node> producers) throws FormatException {
            Map<Node, Integer> pending = new HashMap<>();
            Map<Node, List<Node>> consumers = new HashMap<>();
            for (Node n : nodes) {
                int count = 0;
                for (String in : n.proto().getInputList()) {
                    Node p = producers.get(in);
                    if (p != null) {
                        count++;
                        consumers.computeIfAbsent(p, k -> new ArrayList<>()).add(n);
                    }
                }
                pending.put(n, count);
            }
            ArrayDeque<Node> ready = new ArrayDeque<>();
            for (Node n : nodes) {
                if (pending.get(n) == 0) {
                    ready.add(n);
                }
            }
            List<Node> order = new ArrayList<>(nodes.size());
            while (!ready.isEmpty()) {
                Node n = ready.poll();
                order.add(n);
                for (Node c : consumers.getOrDefault(n, List.of())) {
                    if (pending.merge(c, -1, Integer::sum) == 0) {
                        ready.add(c);
                    }
                }
            }
            if (order.size() == nodes.size()) {
                return order;
            }
            // every node left reads a value of another node left: walk back until one repeats
            Node n = null;
            for (Node m : nodes) {
                if (pending.get(m) > 0) {
                    n = m;
                    break;
                }
            }
            Set<Node> seen = new HashSet<>();
            while (seen.add(n)) {
                for (String in : n.proto().getInputList()) {
                    Node p = producers.get(in);
                    if (p != null && pending.get(p) > 0) {
                        n = p;
                        break;
                    }
                }
            }
            throw error("an acyclic graph", "a cycle through " + n.describe(), EDITED);
        }

        /** Decodes a tensor after checking its type, shape, data and the total budget. */
        private TensorData tensor(TensorProto t, String what) throws IOException {
            DataType type = DataType.forNumber(t.getDataType());
            int width = type == null ? 0 : switch (type) {
                case FLOAT, INT32 -> 4;
                case DOUBLE, INT64 -> 8;
                default -> 0;
            };
            if (width == 0) {
                throw error("tensors of type FLOAT, DOUBLE, INT32 or INT64", what + " of type "
                        + (type == null ? "#" + t.getDataType() : type.name()), "a model of another precision "
                        + "(e.g. float16 or quantized), which this reader does not support");
            }
            if (t.hasSegment()) {
                throw error("whole tensors", what + " stored in segments", "a model written in pieces");
            }
            if (t.getDimsCount() > MAX_RANK) {
                throw error("tensors of rank at most " + MAX_RANK, what + " of rank " + t.getDimsCount(), EDITED);
            }
            long count = 1;
            long[] dims = new long[t.getDimsCount()];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = t.getDims(i);
                if (dims[i] < 0) {
                    throw error("tensor dimensions >= 0", what + " with dimension " + dims[i], EDITED);
                }
                // count * dims[i] <= MAX_ELEMENTS, checked without overflow
                if (dims[i] != 0 && count > MAX_ELEMENTS / dims[i]) {
                    throw error("a tensor of at most " + MAX_ELEMENTS + " elements", what + " of shape "
                            + shape(t), "a damaged file, or a model too large for this reader");
                }
                count *= dims[i];
            }
            long bytes = count * (type == DataType.FLOAT ? 4 : 8);
            if (decoded + bytes > MAX_DECODED_BYTES) {
                throw error("tensors of at most " + MAX_DECODED_BYTES + " bytes in all", what + " of shape "
                        + shape(t) + " beyond " + decoded + " bytes already read",
                        "a damaged file, or a model too large for this reader");
            }
            int n = (int) count;
            ByteBuffer data = null;
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
                data = external(t, what, n * (long) width);
            } else if (t.hasRawData()) {
                ByteString raw = t.getRawData();
                if (raw.size() != n * (long) width) {
                    throw error(what + " data of " + n * (long) width + " bytes (shape " + shape(t) + " of "
                            + type.name() + ")", raw.size() + " bytes", "a truncated or damaged file");
                }
                data = raw.asReadOnlyByteBuffer();
            } else if (t.getExternalDataCount() > 0) {
                throw error("external_data only with data_location EXTERNAL", what + " with both", EDITED);
            }
            decoded += bytes;
            if (data != null) {
                data.order(ByteOrder.LITTLE_ENDIAN);
                return switch (type) {
                    case FLOAT -> {
                        float[] v = new float[n];
                        data.asFloatBuffer().get(v);
                        yield new TensorData(t.getName(), type, dims, v, null, null);
                    }
                    case DOUBLE -> {
                        double[] v = new double[n];
                        data.asDoubleBuffer().get(v);
                        yield new TensorData(t.getName(), type, dims, null, v, null);
                    }
                    case INT32 -> {
                        long[] v = new long[n];
                        for (int i = 0; i < n; i++) {
                            v[i] = data.getInt(data.position() + 4 * i);
                        }
                        yield new TensorData(t.getName(), type, dims, null, null, v);
                    }
                    default -> {
                        long[] v = new long[n];
                        data.asLongBuffer().get(v);
                        yield new TensorData(t.getName(), type, dims, null, null, v);
                    }
                };
            }
            int typed = switch (type) {
                case FLOAT -> t.getFloatDataCount();
                case DOUBLE -> t.getDoubleDataCount();
                case INT32 -> t.getInt32DataCount();
                default -> t.getInt64DataCount();
            };
            if (typed != n) {
                throw error(what + " data of " + n + " values (shape " + shape(t) + ")", typed + " values",
                        "a truncated or damaged file");
            }
            return switch (type) {
                case FLOAT -> {
                    float[] v = new float[n];
                    for (int i = 0; i < n; i++) {
                        v[i] = t.getFloatData(i);
                    }
                    yield new TensorData(t.getName(), type, dims, v, null, null);
                }
                case DOUBLE -> {
                    double[] v = new double[n];
                    for (int i = 0; i < n; i++) {
                        v[i] = t.getDoubleData(i);
                    }
                    yield new TensorData(t.getName(), type, dims, null, v, null);
                }
                case INT32 -> {
                    long[] v = new long[n];
                    for (int i = 0; i < n; i++) {
                        v[i] = t.getInt32Data(i);
                    }
                    yield new TensorData(t.getName(), type, dims, null, null, v);
                }
                default -> {
                    long[] v = new long[n];
                    for (int i = 0; i < n; i++) {
                        v[i] = t.getInt64Data(i);
                    }
                    yield new TensorData(t.getName(), type, dims, null, null, v);
                }
            };
        }

        /** Reads external data: only a file inside the model's folder, exactly the declared size. */
        private ByteBuffer external(TensorProto t, String what, long size) throws IOException {
            String location = null;
            long offset = 0;
            long length = -1;
            for (StringStringEntryProto e : t.getExternalDataList()) {
                switch (e.getKey()) {
                    case "location" -> location = e.getValue();
                    case "offset" -> offset = number(e.getValue(), what, "offset");
                    case "length" -> length = number(e.getValue(), what, "length");
                    case "checksum" -> {
                    }
                    default -> throw error("external_data keys location, offset, length, checksum", what
                            + " with key '" + quote(e.getKey()) + "'", EDITED);
                }
            }
            if (location == null || location.isEmpty()) {
                throw error("a location for the external data of " + what, "none", EDITED);
            }
            String outside = "a model file crafted to read other files";
            Path folder = path.toAbsolutePath().getParent();
            Path rel;
            try {
                rel = Path.of(location);
            } catch (RuntimeException e) {
                throw error("external data of " + what + " at a relative path inside the model's folder",
                        "location '" + quote(location) + "', not a valid path", outside);
            }
            boolean up = false;
            for (Path part : rel) {
                up |= part.toString().equals("..");
            }
            if (rel.isAbsolute() || rel.getRoot() != null || up || location.startsWith("/") || location.startsWith("\\")) {
                throw error("external data of " + what + " at a relative path inside the model's folder",
                        "location '" + quote(location) + "'", outside);
            }
            Path file = folder.resolve(rel);
            if (!Files.exists(file)) {
                throw error("the external data file of " + what, "no file '" + quote(location)
                        + "' beside the model", "the data file was not copied with the model");
            }
            Path real = file.toRealPath();
            if (!real.startsWith(folder.toRealPath()) || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
                throw error("external data of " + what + " in a regular file inside the model's folder",
                        "location '" + quote(location) + "' that resolves outside it or to no regular file", outside);
            }
            if (length >= 0 && length != size) {
                throw error("external data of " + what + " of " + size + " bytes (its declared shape)",
                        "length " + length, EDITED);
            }
            try (FileChannel ch = FileChannel.open(real, StandardOpenOption.READ)) {
                long available = ch.size();
                if (offset > available || size > available - offset) {
                    throw error("external data of " + what + " at offset " + offset + ", " + size + " bytes, within '"
                                    + quote(location) + "'", available + " bytes in that file",
                            "a truncated data file, or one of another model");
                }
                ByteBuffer buf = ByteBuffer.allocate((int) size);
                while (buf.hasRemaining()) {
                    if (ch.read(buf, offset + buf.position()) < 0) {
                        throw error("external data of " + what + " of " + size + " bytes", "the data file ending early",
                                "the data file changed while it was read");
                    }
                }
                return buf.flip();
            }
        }

        private long number(String text, String what, String key) throws FormatException {
            try {
                long v = Long.parseLong(text);
                if (v >= 0) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // refused below
            }
            throw error("a non-negative integer " + key + " for the external data of " + what,
                    "'" + quote(text) + "'", EDITED);
        }

        private static String shape(TensorProto t) {
            return t.getDimsList().toString();
        }
    }
}
