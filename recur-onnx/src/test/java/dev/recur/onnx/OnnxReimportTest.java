package dev.recur.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.charlm.CharModelRun;
import dev.recur.charlm.CharModelSettings;
import dev.recur.data.Batch;
import dev.recur.data.TextCorpus;
import dev.recur.io.FormatException;
import dev.recur.model.Preprocessing;
import dev.recur.model.SequenceModel;
import dev.recur.model.SequenceModelConfig;
import dev.recur.nn.Activations;
import dev.recur.nn.Parameter;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.onnx.proto.Onnx.ModelProto;
import dev.recur.tensor.Precision;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A model exported by recur and imported again is the same model: identical parameters and outputs. */
class OnnxReimportTest {

    @TempDir
    Path dir;

    @Test
    void aTrainedCharacterModelComesBackBitForBit() throws IOException {
        String text = "the quick brown fox jumps over the lazy dog. ".repeat(200);
        TextCorpus corpus = TextCorpus.fromBytes(text.getBytes(StandardCharsets.UTF_8), "fox.txt");
        CharModelSettings settings = CharModelSettings.builder().cell(CellKind.LSTM).embeddingDim(8).hiddenSize(16)
                .layers(2).batch(4).seq(16).train(t -> t.steps(30).evalEvery(30).seed(3)).build();
        CharModelRun<float[]> run = CharModelRun.start(settings, Precision.F32, corpus);
        run.trainer().train();
        SequenceModel<float[]> trained = (SequenceModel<float[]>) run.model().model();
        Path file = dir.resolve("fox.onnx");
        OnnxExporter.write(trained, Preprocessing.of(run.vocabulary()), file, new OnnxExporter.Options(true, "test"));

        ImportedModel imported = OnnxImporter.read(file);
        assertSameParameters(trained, imported.model());
        assertEquals(run.vocabulary(), imported.preprocessing().vocabulary());
        assertTrue(imported.takesInitialState());
        Batch batch = OnnxExportRoundTripTest.batch(trained.config(), 3, 20, true, new SplittableRandom(1));
        trained.setTraining(false);
        assertArrayEquals(trained.forward(batch).values(), imported.model().forward(batch).values());
        assertArrayEquals(trained.finalState().h(), imported.model().finalState().h());
        assertArrayEquals(trained.finalState().c(), imported.model().finalState().c());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.recur.onnx.OnnxExportRoundTripTest#models")
    void everyModelKindComesBackIdentical(String name, SequenceModelConfig config) throws IOException {
        SequenceModel<float[]> model = SequenceModel.create(config, Precision.F32, 5);
        model.setTraining(false);
        Path file = dir.resolve("m.onnx");
        OnnxExporter.write(model, null, file, new OnnxExporter.Options(false, "test"));
        ImportedModel imported = OnnxImporter.read(file);
        assertSameParameters(model, imported.model());
        assertEquals(config, imported.model().config());
        Batch batch = OnnxExportRoundTripTest.batch(config, 4, 9, true, new SplittableRandom(2));
        Activations<float[]> expected = model.forward(batch);
        assertArrayEquals(expected.values(), imported.model().forward(batch).values(), name);
        // and it exports again to the same file
        ModelProto again = OnnxExporter.export(imported.model(), null, new OnnxExporter.Options(false, "test"));
        assertArrayEquals(Files.readAllBytes(file), again.toByteArray());
    }

    @Test
    void aRecurExportWhoseGraphWasEditedIsRefusedNamingTheNode() throws IOException {
        SequenceModel<float[]> model = SequenceModel.create(SequenceModelConfig.builder().features(2).lstm(4)
                .pooling(dev.recur.nn.Pooling.Kind.MAX).outputs(2).build(), Precision.F32, 1);
        ModelProto m = OnnxExporter.export(model, null, new OnnxExporter.Options(false, "test"));
        ModelProto.Builder edited = m.toBuilder();
        var graph = edited.getGraphBuilder();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            if (graph.getNode(i).getOpType().equals("ReduceMax")) {
                graph.getNodeBuilder(i).setOpType("ReduceMin");
            }
        }
        Path file = dir.resolve("edited.onnx");
        Files.write(file, edited.build().toByteArray());
        FormatException e = assertThrows(FormatException.class, () -> OnnxImporter.read(file));
        assertTrue(e.getMessage().contains("ReduceMin") && e.getMessage().contains("pool_max"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void metadataClaimingAProjectionIsRefused() throws IOException {
        SequenceModel<float[]> model = SequenceModel.create(SequenceModelConfig.builder().features(2).lstm(8)
                .outputs(2).build(), Precision.F32, 1);
        ModelProto m = OnnxExporter.export(model, null, new OnnxExporter.Options(false, "test"));
        ModelProto.Builder edited = m.toBuilder();
        for (int i = 0; i < edited.getMetadataPropsCount(); i++) {
            if (edited.getMetadataProps(i).getKey().equals(OnnxExporter.META_CONFIG)) {
                edited.getMetadataPropsBuilder(i).setValue(edited.getMetadataProps(i).getValue()
                        .replace("\"proj_size\":0", "\"proj_size\":4"));
            }
        }
        Path file = dir.resolve("proj.onnx");
        Files.write(file, edited.build().toByteArray());
        FormatException e = assertThrows(FormatException.class, () -> OnnxImporter.read(file));
        assertTrue(e.getMessage().contains("proj_size = 4"), e.getMessage());
    }

    static void assertSameParameters(SequenceModel<float[]> expected, SequenceModel<float[]> actual) {
        Map<String, Parameter<float[]>> a = actual.namedParameters();
        assertEquals(expected.namedParameters().keySet(), a.keySet());
        for (var e : expected.namedParameters().entrySet()) {
            assertArrayEquals(e.getValue().shape(), a.get(e.getKey()).shape(), e.getKey());
            assertArrayEquals(e.getValue().value(), a.get(e.getKey()).value(), e.getKey());
        }
    }
}
