package dev.recur.onnx.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.io.FormatException;
import dev.recur.onnx.OnnxImporter;
import dev.recur.onnx.proto.Onnx.GraphProto;
import dev.recur.onnx.proto.Onnx.ModelProto;
import dev.recur.onnx.proto.Onnx.TensorProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The smallest inputs that reproduce what {@link OnnxFuzzTest} found, each kept as a plain test. */
class OnnxFuzzFindingsTest {

    @TempDir
    Path tmp;

    /**
     * A Squeeze, Unsqueeze, Slice or Reshape whose axes, starts, ends or shape is a FLOAT initializer:
     * the importer asked the tensor for its integers and failed with an {@link IllegalStateException}
     * (fuzz onnx, indices 3220, 3991, 6645: one node's op_type changed). Every node of a PyTorch export
     * that reads a FLOAT initializer as its second input is turned into each of these operators.
     */
    @Test
    void aFloatingPointAxesOrShapeInputIsRefusedAsAFormatError() throws IOException {
        ModelProto model;
        try (InputStream in = OnnxFuzzFindingsTest.class.getResourceAsStream("/onnx/stack_rnn_tanh_2l_uni.onnx")) {
            model = ModelProto.parseFrom(in);
        }
        GraphProto graph = model.getGraph();
        Set<String> floats = graph.getInitializerList().stream()
                .filter(t -> t.getDataType() == TensorProto.DataType.FLOAT_VALUE)
                .map(TensorProto::getName).collect(Collectors.toSet());
        int tried = 0;
        for (int i = 0; i < graph.getNodeCount(); i++) {
            if (graph.getNode(i).getInputCount() < 2 || !floats.contains(graph.getNode(i).getInput(1))) {
                continue;
            }
            for (String op : new String[] {"Squeeze", "Unsqueeze", "Slice", "Reshape"}) {
                ModelProto.Builder m = model.toBuilder();
                m.getGraphBuilder().getNodeBuilder(i).setOpType(op).clearAttribute();
                Path file = Files.write(tmp.resolve(op + i + ".onnx"), m.build().toByteArray());
                FormatException e = assertThrows(FormatException.class, () -> OnnxImporter.read(file), op + " " + i);
                assertFalse(e.getMessage().contains("\n"), e.getMessage());
                tried++;
            }
        }
        assertTrue(tried >= 4, "no node reads a FLOAT initializer as its second input");
    }
}
