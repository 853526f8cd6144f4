package dev.recur.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import dev.recur.data.Batch;
import dev.recur.io.FormatException;
import dev.recur.io.SafetensorsFile;
import dev.recur.nn.sequence.State;
import dev.recur.onnx.proto.Onnx.AttributeProto;
import dev.recur.onnx.proto.Onnx.GraphProto;
import dev.recur.onnx.proto.Onnx.ModelProto;
import dev.recur.onnx.proto.Onnx.NodeProto;
import dev.recur.onnx.proto.Onnx.OperatorSetIdProto;
import dev.recur.onnx.proto.Onnx.StringStringEntryProto;
import dev.recur.onnx.proto.Onnx.TensorProto;
import dev.recur.onnx.proto.Onnx.TypeProto;
import dev.recur.onnx.proto.Onnx.ValueInfoProto;
import dev.recur.tensor.Precision;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files an attacker or a broken tool could hand the reader: each is refused with a one-line
 * {@link FormatException} naming the file, and nothing else escapes.
 */
class OnnxHostileTest {

    @TempDir
    Path dir;

    private static Path golden(String name) throws Exception {
        return OnnxGoldenTest.dir().resolve(name + ".onnx");
    }

    /** Reads and imports; returns the one-line message of the FormatException it must throw. */
    private static String refused(Path file) {
        FormatException e = assertThrows(FormatException.class, () -> OnnxImporter.read(file));
        String m = e.getMessage();
        assertTrue(m.startsWith(file + ": expected "), m);
        assertTrue(m.contains(", found ") && m.contains("; likely cause: "), m);
        assertFalse(m.contains("\n") || m.contains("\r"), m);
        assertFalse(m.contains("Exception") || m.contains("\tat "), m);
        return m;
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private Path write(String name, ModelProto model) throws IOException {
        return write(name, model.toByteArray());
    }

    private static ModelProto model(GraphProto.Builder graph) {
        return ModelProto.newBuilder().setIrVersion(7).setProducerName("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(14)).setGraph(graph).build();
    }

    private static ValueInfoProto floatValue(String name) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))).build();
    }

    private static TensorProto floats(String name, long[] dims, int values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values).order(ByteOrder.LITTLE_ENDIAN);
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addAllDims(Arrays.stream(dims).boxed().toList()).setRawData(ByteString.copyFrom(b.array())).build();
    }

    private static NodeProto node(String name, String op, String in, String out) {
        return NodeProto.newBuilder().setName(name).setOpType(op).addInput(in).addOutput(out).build();
    }

    @Test
    void truncatedFiles() throws Exception {
        byte[] bytes = Files.readAllBytes(golden("charlm_lstm_2l"));
        for (int cut : new int[]{1, 7, 64, 500, bytes.length / 2, bytes.length - 100, bytes.length - 1}) {
            String m = refused(write("cut" + cut + ".onnx", Arrays.copyOf(bytes, cut)));
            assertTrue(m.contains("expected "), m);
        }
        String m = refused(write("cut500.onnx", Arrays.copyOf(bytes, 500)));
        assertTrue(m.contains("expected an ONNX model (protobuf ModelProto)") && m.contains("truncated or not an ONNX file"), m);
    }

    @Test
    void wrongContent() throws Exception {
        refused(write("text.onnx", "hello, this is a text file\nwith two lines\n".getBytes()));
        byte[] random = new byte[4096];
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < random.length; i++) {
            random[i] = (byte) rng.nextInt(256);
        }
        refused(write("random.onnx", random));
        refused(write("empty.onnx", new byte[0]));
    }

    @Test
    void unsupportedOp() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(floatValue("x")).addOutput(floatValue("y"))
                .addNode(node("Conv_3", "Conv", "x", "y"));
        String m = refused(write("conv.onnx", model(g)));
        assertTrue(m.contains("expected the nodes of an embedding/recurrent/linear stack, found node 'Conv_3' of op "
                + "type Conv"), m);
        // unnamed: its index
        g.setNode(0, node("", "Conv", "x", "y"));
        assertTrue(refused(write("conv2.onnx", model(g))).contains("node #0 of op type Conv"));
        // another domain
        g.setNode(0, node("c", "Conv", "x", "y").toBuilder().setDomain("com.example").build());
        assertTrue(refused(write("conv3.onnx", model(g))).contains("domain 'com.example'"));
    }

    @Test
    void tensorDataShorterThanItsShape() throws Exception {
        TensorProto w = floats("w", new long[]{2, 3}, 5);
        GraphProto.Builder g = GraphProto.newBuilder().addInitializer(w).addOutput(floatValue("w"));
        String m = refused(write("short.onnx", model(g)));
        assertTrue(m.contains("initializer 'w' data of 24 bytes") && m.contains("found 20 bytes"), m);
        // typed data, too
        TensorProto typed = TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(4).addFloatData(1).build();
        assertTrue(refused(write("typed.onnx", model(g.setInitializer(0, typed)))).contains("found 1 values"));
    }

    @Test
    void hugeDeclaredShapeRefusedBeforeAllocating() throws Exception {
        TensorProto w = floats("w", new long[]{1_000_000, 1_000_000}, 1);
        String m = refused(write("huge.onnx", model(GraphProto.newBuilder().addInitializer(w).addOutput(floatValue("w")))));
        assertTrue(m.contains("a tensor of at most " + OnnxFile.MAX_ELEMENTS + " elements"), m);
        // products that overflow a long
        TensorProto o = floats("w", new long[]{1L << 40, 1L << 40, 1L << 40}, 1);
        refused(write("overflow.onnx", model(GraphProto.newBuilder().addInitializer(o).addOutput(floatValue("w")))));
    }

    private static TensorProto external(String location, long offset, long length) {
        TensorProto.Builder t = TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(4).setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue(Long.toString(offset)));
        if (length >= 0) {
            t.addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue(Long.toString(length)));
        }
        return t.build();
    }

    private Path externalModel(Path folder, String location, long offset, long length) throws IOException {
        Files.createDirectories(folder);
        GraphProto.Builder g = GraphProto.newBuilder().addInitializer(external(location, offset, length))
                .addOutput(floatValue("w"));
        return Files.write(folder.resolve("m.onnx"), model(g).toByteArray());
    }

    @Test
    void externalDataOnlyInsideTheModelsFolder() throws Exception {
        Path models = dir.resolve("models");
        Path outside = Files.write(dir.resolve("secret.bin"), new byte[64]);
        ByteBuffer data = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        data.putFloat(9).putFloat(1).putFloat(2).putFloat(3).putFloat(4);
        Files.createDirectories(models);
        Files.write(models.resolve("w.bin"), data.array());

        // inside, at an offset: read
        OnnxFile ok = OnnxFile.read(externalModel(models, "w.bin", 4, 16));
        assertEquals("[1.0, 2.0, 3.0, 4.0]", Arrays.toString(ok.initializers().get("w").floats()));

        assertTrue(refused(externalModel(models, "../secret.bin", 0, 16)).contains("location '../secret.bin'"));
        assertTrue(refused(externalModel(models, outside.toString(), 0, 16)).contains("location '" + outside + "'"));
        Files.createSymbolicLink(models.resolve("link.bin"), outside);
        assertTrue(refused(externalModel(models, "link.bin", 0, 16)).contains("resolves outside"));
        assertTrue(refused(externalModel(models, "sub/../../secret.bin", 0, 16)).contains("relative path inside"));
        // within the file and of exactly the declared size
        assertTrue(refused(externalModel(models, "w.bin", 8, 16)).contains("20 bytes in that file"));
        assertTrue(refused(externalModel(models, "w.bin", 0, 12)).contains("length 12"));
        assertTrue(refused(externalModel(models, "none.bin", 0, 16)).contains("no file 'none.bin'"));
    }

    @Test
    void sparseInitializersRefused() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().addOutput(floatValue("w")).addSparseInitializer(
                dev.recur.onnx.proto.Onnx.SparseTensorProto.newBuilder().setValues(floats("w", new long[]{1}, 1)));
        assertTrue(refused(write("sparse.onnx", model(g))).contains("sparse initializer"));
    }

    @Test
    void cycleNamesANodeOnIt() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(floatValue("x")).addOutput(floatValue("c"))
                .addNode(node("start", "Identity", "x", "s"))
                .addNode(NodeProto.newBuilder().setName("a").setOpType("Add").addInput("s").addInput("b").addOutput("a"))
                .addNode(node("b", "Identity", "a", "b"))
                .addNode(node("after", "Identity", "b", "c"));
        String m = refused(write("cycle.onnx", model(g)));
        assertTrue(m.contains("expected an acyclic graph, found a cycle through node 'a'")
                || m.contains("a cycle through node 'b'"), m);
    }

    @Test
    void undefinedInputAndDuplicateOutputRefused() throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(floatValue("x")).addOutput(floatValue("y"))
                .addNode(node("n", "Identity", "nowhere", "y"));
        assertTrue(refused(write("undefined.onnx", model(g))).contains("'nowhere'"));
        g.setNode(0, node("n", "Identity", "x", "y")).addNode(node("m", "Identity", "x", "y"));
        assertTrue(refused(write("twice.onnx", model(g))).contains("'y' defined again"));
    }

    @Test
    void oldOpsetRefused() throws Exception {
        ModelProto m = model(GraphProto.newBuilder().addInput(floatValue("x")).addOutput(floatValue("x")));
        ModelProto old = m.toBuilder().setOpsetImport(0, OperatorSetIdProto.newBuilder().setVersion(6)).build();
        assertTrue(refused(write("old.onnx", old)).contains("version 7 or later, found version 6"));
    }

    /** Sets an attribute of the first node of an op type in a golden model. */
    private Path withAttribute(String golden, String op, AttributeProto attribute) throws Exception {
        return withAttribute(golden, op, attribute, false);
    }

    /** Sets an attribute of the first node (or every node) of an op type in a golden model. */
    private Path withAttribute(String golden, String op, AttributeProto attribute, boolean all) throws Exception {
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(golden(golden)));
        GraphProto.Builder g = m.getGraph().toBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getOpType().equals(op)) {
                NodeProto.Builder n = g.getNode(i).toBuilder();
                n.clearAttribute();
                for (AttributeProto a : g.getNode(i).getAttributeList()) {
                    if (!a.getName().equals(attribute.getName())) {
                        n.addAttribute(a);
                    }
                }
                g.setNode(i, n.addAttribute(attribute));
                if (!all) {
                    break;
                }
            }
        }
        return write(golden + "_" + attribute.getName() + ".onnx", m.toBuilder().setGraph(g).build());
    }

    private static AttributeProto intAttribute(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    @Test
    void recurrentAttributesOutsidePyTorchsRefused() throws Exception {
        String m = refused(withAttribute("charlm_gru_1l", "GRU", intAttribute("linear_before_reset", 0)));
        assertTrue(m.contains("PyTorch's GRU is linear_before_reset=1") && m.contains("node '/rnn/GRU' of op type GRU"), m);
        assertTrue(refused(withAttribute("stack_lstm_1l_uni", "LSTM", AttributeProto.newBuilder().setName("clip")
                .setType(AttributeProto.AttributeType.FLOAT).setF(3).build())).contains("attribute 'clip'"));
        assertTrue(refused(withAttribute("stack_lstm_1l_uni", "LSTM", intAttribute("input_forget", 1)))
                .contains("input_forget 1"));
        assertTrue(refused(withAttribute("stack_lstm_1l_uni", "LSTM", intAttribute("layout", 1))).contains("layout 1"));
    }

    @Test
    void reluRnnImportedAndMixedCellsRefused() throws Exception {
        AttributeProto relu = AttributeProto.newBuilder().setName("activations")
                .setType(AttributeProto.AttributeType.STRINGS).addStrings(ByteString.copyFromUtf8("Relu")).build();
        assertTrue(refused(withAttribute("stack_rnn_tanh_2l_uni", "RNN", relu))
                .contains("expected recurrent layers of one cell"));
        Path file = withAttribute("stack_rnn_tanh_2l_uni", "RNN", relu, true);
        ImportedModel m = OnnxImporter.read(file);
        assertEquals("rnn_relu", m.model().rnn().config().cell().id());
        SafetensorsFile ref = SafetensorsFile.read(OnnxGoldenTest.reference(golden("stack_rnn_tanh_2l_uni")));
        int[] shape = ref.shape("x");
        float[] y = m.model().forward(Batch.ofFeatures(ref.doubles("x"), shape[0], shape[1], shape[2], null, null),
                null).values();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(file.toString(), new OrtSession.SessionOptions());
             OnnxTensor xt = OnnxTensor.createTensor(env,
                     FloatBuffer.wrap(Precision.F32.fromDoubles(ref.doubles("x"))), new long[]{shape[0], shape[1], shape[2]});
             OrtSession.Result r = s.run(Map.of("x", xt))) {
            assertClose(((OnnxTensor) r.get("y").orElseThrow()).getFloatBuffer(), y);
        }
    }

    /** The 2-layer GRU with its zero initial state replaced by a graph input h0 [L*D,B,H]. */
    @Test
    void initialStateFromAGraphInput() throws Exception {
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(golden("stack_gru_2l_uni")));
        GraphProto.Builder g = m.getGraph().toBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getOpType().equals("Slice")) {
                g.setNode(i, g.getNode(i).toBuilder().setInput(0, "h0"));
            }
        }
        g.addInput(floatValue("h0"));
        Path file = write("h0.onnx", m.toBuilder().setGraph(g).build());
        ImportedModel im = OnnxImporter.read(file);
        assertTrue(im.takesInitialState());
        assertEquals("h0", im.h0Name());
        assertNull(im.c0Name());

        SafetensorsFile ref = SafetensorsFile.read(OnnxGoldenTest.reference(golden("stack_gru_2l_uni")));
        int[] shape = ref.shape("x");
        int hidden = 7;
        float[] h0 = new float[2 * shape[1] * hidden];
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < h0.length; i++) {
            h0[i] = (float) (rng.nextDouble() - 0.5);
        }
        var out = im.model().forward(Batch.ofFeatures(ref.doubles("x"), shape[0], shape[1], shape[2], null, null),
                new State<>(h0.clone(), null));
        float[] y = out.values();
        float[] hn = im.model().finalState().h();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[] x = Precision.F32.fromDoubles(ref.doubles("x"));
        try (OrtSession s = env.createSession(file.toString(), new OrtSession.SessionOptions());
             OnnxTensor xt = OnnxTensor.createTensor(env, FloatBuffer.wrap(x),
                     new long[]{shape[0], shape[1], shape[2]});
             OnnxTensor ht = OnnxTensor.createTensor(env, FloatBuffer.wrap(h0),
                     new long[]{2, shape[1], hidden});
             OrtSession.Result r = s.run(Map.of("x", xt, "h0", ht))) {
            assertClose(((OnnxTensor) r.get("y").orElseThrow()).getFloatBuffer(), y);
            assertClose(((OnnxTensor) r.get("h_n").orElseThrow()).getFloatBuffer(), hn);
        }
    }

    private static void assertClose(FloatBuffer expected, float[] actual) {
        assertEquals(expected.remaining(), actual.length);
        double max = 0;
        for (int i = 0; i < actual.length; i++) {
            max = Math.max(max, Math.abs(expected.get(i) - actual[i]));
        }
        assertTrue(max <= 1e-5, "max |recur − ORT| = " + max);
    }
}
