package dev.recur.onnx.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.recur.checkpoint.ManifestFormat;
import dev.recur.data.Vocabulary;
import dev.recur.fuzz.Fuzzing;
import dev.recur.io.FormatException;
import dev.recur.model.Preprocessing;
import dev.recur.model.SequenceModel;
import dev.recur.model.SequenceModelConfig;
import dev.recur.nn.Pooling;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.onnx.ImportedModel;
import dev.recur.onnx.OnnxExporter;
import dev.recur.onnx.OnnxImporter;
import dev.recur.onnx.proto.Onnx.AttributeProto;
import dev.recur.onnx.proto.Onnx.GraphProto;
import dev.recur.onnx.proto.Onnx.ModelProto;
import dev.recur.onnx.proto.Onnx.NodeProto;
import dev.recur.onnx.proto.Onnx.StringStringEntryProto;
import dev.recur.onnx.proto.Onnx.TensorProto;
import dev.recur.tensor.Precision;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutation fuzzing of the ONNX import ({@link OnnxImporter#read}, which reads with
 * {@link dev.recur.onnx.OnnxFile#read}): PyTorch's exports (the test resources) and recur's own, mutated
 * byte by byte, through their protobuf encoding (a field's length changed where the wire format has it),
 * and through the model (dimensions, data types, attributes and opsets set to extremes, nodes and
 * initializers removed or duplicated, recur's metadata edited as JSON). Every mutant must import or be
 * refused with a {@link FormatException} of one line. {@code -Drecur.fuzz.count=N} cases; the {@code fuzz}
 * profile runs 10,000 under a small heap.
 */
class OnnxFuzzTest {

    private static final int DEFAULT_COUNT = 200;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final long[] EXTREME_DIMS = {0, -1, 1, 2, 3, 1L << 31, (1L << 31) - 1, 1L << 40, Long.MAX_VALUE,
        Long.MIN_VALUE, 1_000_000_000_000L};

    private static final String[] OPS = {"LSTM", "GRU", "RNN", "Gather", "MatMul", "Add", "Transpose", "Squeeze",
        "Unsqueeze", "Concat", "Slice", "Reshape", "Shape", "Constant", "Identity", "Softmax", "Loop", "If", ""};

    @TempDir
    Path tmp;

    @Test
    void onnxImport() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        for (String name : List.of("charlm_gru_1l", "charlm_lstm_2l", "stack_gru_1l_bi", "stack_gru_2l_uni",
                "stack_lstm_1l_uni", "stack_lstm_2l_bi", "stack_rnn_tanh_2l_uni")) {
            seeds.add(resource("/onnx/" + name + ".onnx"));
        }
        // recur's own exports, which carry the model's configuration and preprocessing as metadata
        String vocabulary = ManifestFormat.writePreprocessing(Preprocessing.of(Vocabulary.fromText("abcdefghijk")));
        seeds.add(export(SequenceModelConfig.charLanguageModel(11, 4, CellKind.LSTM, 6, 2, 0), vocabulary, true));
        seeds.add(export(SequenceModelConfig.builder().tokens(9, 4).features(2).gru(5).layers(2).layerNorm(true)
                .pooling(Pooling.Kind.MEAN).outputs(3).build(), null, false));
        seeds.add(export(SequenceModelConfig.builder().features(3).cell(CellKind.RNN_RELU, 4).bidirectional(true)
                .outputs(2).build(), null, false));
        Path file = tmp.resolve("fuzz.onnx");
        Fuzzing.Report report = Fuzzing.run("onnx", 0x0EE5_F022L, Fuzzing.count(DEFAULT_COUNT),
                (r, i) -> {
                    List<String> log = new ArrayList<>();
                    int s = r.nextInt(seeds.size());
                    byte[] seed = seeds.get(s);
                    int how = r.nextInt(10);
                    byte[] b;
                    if (how < 4) {
                        b = mutateModel(ModelProto.parseFrom(seed), r, log).toByteArray();
                        if (r.nextInt(5) == 0) {
                            b = Fuzzing.mutateBytes(b, seeds, r, log);
                        }
                    } else if (how < 6) {
                        b = mutateLength(seed, r, log);
                    } else {
                        b = Fuzzing.mutateBytes(seed, seeds, r, log);
                    }
                    return Fuzzing.Case.of(file, b, "seed " + s + ": " + log);
                },
                f -> {
                    ImportedModel imported = OnnxImporter.read(f);
                    imported.model().parameterCount();
                }, Set.of(FormatException.class));
        assertEquals(0, report.failed(), () -> report.summary() + report.failures());
        assertTrue(report.cases() > 0, "no cases ran");
    }

    private static byte[] export(SequenceModelConfig config, String preprocessing, boolean initialState) {
        SequenceModel<float[]> model = SequenceModel.create(config, Precision.F32, 5);
        model.setTraining(false);
        return OnnxExporter.export(model, preprocessing, new OnnxExporter.Options(initialState, "fuzz"))
                .toByteArray();
    }

    // ---------------------------------------------------------------------------------------------
    // mutations of the model

    /** One to three edits of the model's content, each kept valid protobuf. */
    private static ModelProto mutateModel(ModelProto model, Random r, List<String> log) throws IOException {
        ModelProto.Builder m = model.toBuilder();
        int n = 1 + r.nextInt(3);
        for (int k = 0; k < n; k++) {
            GraphProto.Builder g = m.getGraphBuilder();
            switch (r.nextInt(11)) {
                case 0 -> {
                    if (g.getInitializerCount() > 0) {
                        TensorProto.Builder t = g.getInitializerBuilder(r.nextInt(g.getInitializerCount()));
                        long v = EXTREME_DIMS[r.nextInt(EXTREME_DIMS.length)];
                        if (t.getDimsCount() == 0 || r.nextInt(4) == 0) {
                            t.addDims(v);
                        } else {
                            t.setDims(r.nextInt(t.getDimsCount()), v);
                        }
                        log.add("dims " + t.getName() + "=" + v);
                    }
                }
                case 1 -> {
                    if (g.getInitializerCount() > 0) {
                        TensorProto.Builder t = g.getInitializerBuilder(r.nextInt(g.getInitializerCount()));
                        ByteString raw = t.getRawData();
                        int cut = raw.isEmpty() ? 0 : r.nextInt(raw.size());
                        t.setRawData(r.nextBoolean() ? raw.substring(0, cut) : raw.concat(raw.substring(0, cut)));
                        log.add("raw_data " + t.getName());
                    }
                }
                case 2 -> {
                    if (g.getInitializerCount() > 0) {
                        TensorProto.Builder t = g.getInitializerBuilder(r.nextInt(g.getInitializerCount()));
                        t.setDataType(r.nextInt(24) - 2);
                        log.add("data_type " + t.getName() + "=" + t.getDataType());
                    }
                }
                case 3 -> {
                    if (g.getNodeCount() > 0) {
                        NodeProto.Builder node = g.getNodeBuilder(r.nextInt(g.getNodeCount()));
                        if (node.getAttributeCount() > 0) {
                            int a = r.nextInt(node.getAttributeCount());
                            AttributeProto.Builder at = node.getAttributeBuilder(a);
                            long v = EXTREME_DIMS[r.nextInt(EXTREME_DIMS.length)];
                            switch (r.nextInt(4)) {
                                case 0 -> at.setI(v);
                                case 1 -> at.addInts(v);
                                case 2 -> at.setF(r.nextBoolean() ? Float.NaN : Float.MAX_VALUE);
                                default -> node.removeAttribute(a);
                            }
                            log.add("attribute " + node.getOpType() + "." + at.getName());
                        }
                    }
                }
                case 4 -> {
                    if (m.getOpsetImportCount() > 0) {
                        m.getOpsetImportBuilder(0).setVersion(EXTREME_DIMS[r.nextInt(EXTREME_DIMS.length)]);
                        log.add("opset");
                    }
                }
                case 5 -> {
                    if (g.getNodeCount() > 0) {
                        int i = r.nextInt(g.getNodeCount());
                        if (r.nextBoolean()) {
                            g.removeNode(i);
                            log.add("remove node " + i);
                        } else {
                            g.addNode(g.getNode(i));
                            log.add("duplicate node " + i);
                        }
                    }
                }
                case 6 -> {
                    if (g.getInitializerCount() > 0) {
                        int i = r.nextInt(g.getInitializerCount());
                        if (r.nextBoolean()) {
                            g.removeInitializer(i);
                            log.add("remove initializer " + i);
                        } else {
                            g.addInitializer(g.getInitializer(i));
                            log.add("duplicate initializer " + i);
                        }
                    }
                }
                case 7 -> {
                    if (g.getNodeCount() > 0) {
                        NodeProto.Builder node = g.getNodeBuilder(r.nextInt(g.getNodeCount()));
                        if (r.nextBoolean() || node.getInputCount() == 0) {
                            node.setOpType(OPS[r.nextInt(OPS.length)]);
                            log.add("op_type " + node.getOpType());
                        } else {
                            List<String> names = valueNames(g);
                            int in = r.nextInt(node.getInputCount());
                            node.setInput(in, r.nextInt(4) == 0 ? "" : names.get(r.nextInt(names.size())));
                            log.add("input " + in + " of " + node.getOpType());
                        }
                    }
                }
                case 8 -> {
                    if (m.getMetadataPropsCount() > 0) {
                        int i = r.nextInt(m.getMetadataPropsCount());
                        StringStringEntryProto.Builder p = m.getMetadataPropsBuilder(i);
                        String value = p.getValue();
                        if (value.startsWith("{") && r.nextInt(4) != 0 && isJson(value)) {
                            p.setValue(Fuzzing.mutateJson(JSON, value.getBytes(StandardCharsets.UTF_8), r, log));
                        } else {
                            p.setValue(new String(Fuzzing.mutateBytes(value.getBytes(StandardCharsets.UTF_8),
                                    List.of(value.getBytes(StandardCharsets.UTF_8)), r, log), StandardCharsets.UTF_8));
                        }
                        log.add("metadata " + p.getKey());
                    } else {
                        m.addMetadataPropsBuilder().setKey(OnnxExporter.META_TYPE).setValue("sequence_model");
                        log.add("add metadata");
                    }
                }
                case 9 -> {
                    if (g.getInputCount() > 0 && r.nextBoolean()) {
                        g.removeInput(r.nextInt(g.getInputCount()));
                        log.add("remove input");
                    } else if (g.getOutputCount() > 0) {
                        g.removeOutput(r.nextInt(g.getOutputCount()));
                        log.add("remove output");
                    }
                }
                default -> {
                    if (g.getNodeCount() > 1) {
                        int a = r.nextInt(g.getNodeCount());
                        int b = r.nextInt(g.getNodeCount());
                        NodeProto x = g.getNode(a);
                        g.setNode(a, g.getNode(b));
                        g.setNode(b, x);
                        log.add("swap nodes " + a + " " + b);
                    }
                }
            }
        }
        return m.build();
    }

    /** Whether a value is still JSON (an earlier edit of the same case may have broken it). */
    private static boolean isJson(String value) {
        try {
            JSON.readTree(value);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> valueNames(GraphProto.Builder g) {
        List<String> names = new ArrayList<>();
        g.getInitializerList().forEach(t -> names.add(t.getName()));
        g.getInputList().forEach(v -> names.add(v.getName()));
        g.getNodeList().forEach(n -> names.addAll(n.getOutputList()));
        return names.isEmpty() ? List.of("x") : names;
    }

    // ---------------------------------------------------------------------------------------------
    // mutations of the encoding

    /** A length-delimited field of the wire format: where its length varint is, and the length. */
    private record Field(int lengthAt, int lengthSize, long length) {
    }

    /**
     * Changes the length of one length-delimited field (a message, a string, packed numbers) where the
     * wire format has it, nested messages included: longer or shorter by a little, zero, or huge.
     */
    static byte[] mutateLength(byte[] bytes, Random r, List<String> log) {
        List<Field> fields = new ArrayList<>();
        walk(bytes, 0, bytes.length, 0, fields);
        if (fields.isEmpty()) {
            return Fuzzing.mutateBytes(bytes, List.of(bytes), r, log);
        }
        Field f = fields.get(r.nextInt(fields.size()));
        long[] choices = {f.length() + 1, f.length() - 1, 0, f.length() * 2, f.length() + 1 + r.nextInt(64),
            Math.max(0, f.length() - 1 - r.nextInt(64)), Integer.MAX_VALUE, 1L << 32, -1};
        long length = choices[r.nextInt(choices.length)];
        byte[] varint = varint(length);
        byte[] out = new byte[bytes.length - f.lengthSize() + varint.length];
        System.arraycopy(bytes, 0, out, 0, f.lengthAt());
        System.arraycopy(varint, 0, out, f.lengthAt(), varint.length);
        System.arraycopy(bytes, f.lengthAt() + f.lengthSize(), out, f.lengthAt() + varint.length,
                bytes.length - f.lengthAt() - f.lengthSize());
        log.add("length@" + f.lengthAt() + " " + f.length() + "->" + length);
        return out;
    }

    /** Collects the length-delimited fields of [start, end), descending into those that parse as messages. */
    private static boolean walk(byte[] b, int start, int end, int depth, List<Field> out) {
        int pos = start;
        List<Field> found = new ArrayList<>();
        List<int[]> nested = new ArrayList<>();
        while (pos < end) {
            long[] tag = readVarint(b, pos, end);
            if (tag == null || (tag[0] >>> 3) == 0) {
                return false;
            }
            pos = (int) tag[1];
            switch ((int) (tag[0] & 7)) {
                case 0 -> {
                    long[] v = readVarint(b, pos, end);
                    if (v == null) {
                        return false;
                    }
                    pos = (int) v[1];
                }
                case 1 -> pos += 8;
                case 5 -> pos += 4;
                case 2 -> {
                    long[] len = readVarint(b, pos, end);
                    if (len == null || len[0] < 0 || len[1] + len[0] > end) {
                        return false;
                    }
                    found.add(new Field(pos, (int) (len[1] - pos), len[0]));
                    nested.add(new int[] {(int) len[1], (int) (len[1] + len[0])});
                    pos = (int) (len[1] + len[0]);
                }
                default -> {
                    return false;
                }
            }
        }
        if (pos != end) {
            return false;
        }
        out.addAll(found);
        if (depth < 8) {
            for (int[] n : nested) {
                walk(b, n[0], n[1], depth + 1, out);
            }
        }
        return true;
    }

    /** A varint at {@code pos}: {value, position after it}, or null. */
    private static long[] readVarint(byte[] b, int pos, int end) {
        long value = 0;
        for (int shift = 0; shift < 64 && pos < end; shift += 7) {
            byte x = b[pos++];
            value |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return new long[] {value, pos};
            }
        }
        return null;
    }

    private static byte[] varint(long value) {
        byte[] out = new byte[CodedOutputStream.computeUInt64SizeNoTag(value)];
        try {
            CodedOutputStream.newInstance(out).writeUInt64NoTag(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static byte[] resource(String name) {
        try (InputStream in = OnnxFuzzTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
