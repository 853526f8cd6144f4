package dev.recur.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.nn.Activation;
import dev.recur.nn.Pooling;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.tensor.Precision;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parameter count computed from a configuration equals that of the model it builds. */
class ParameterCountTest {

    @Test
    void theCountFromTheShapeIsTheBuiltModels() {
        List<SequenceModelConfig> configs = List.of(
                SequenceModelConfig.builder().tokens(50, 8).lstm(16).outputs(50).pooling(null).build(),
                SequenceModelConfig.builder().features(3).gru(12).layers(2).bidirectional(true)
                        .pooling(Pooling.Kind.MAX).outputs(4).build(),
                SequenceModelConfig.builder().tokens(20, 6).features(2).lstm(10).projSize(4).layers(2)
                        .layerNorm(true).pooling(Pooling.Kind.ATTENTION).attentionSize(5)
                        .hidden(7, Activation.Kind.TANH).outputs(3).build(),
                SequenceModelConfig.builder().features(1).cell(CellKind.RNN_TANH, 9).bias(false)
                        .pooling(Pooling.Kind.LAST).outputs(2).build());
        for (SequenceModelConfig c : configs) {
            assertEquals(SequenceModel.create(c, Precision.F64, 1).parameterCount(), c.parameterCount(), c.toString());
        }
    }

    @Test
    void aModelTooLargeForTheHeapIsRefusedWithTheEstimate() {
        SequenceModelConfig huge = SequenceModelConfig.builder().features(1).lstm(4096).layers(16)
                .pooling(Pooling.Kind.LAST).outputs(1).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> huge.requireTrainable("--hidden 4096 --layers 16", 32, 28, 4));
        assertTrue(e.getMessage().startsWith("--hidden 4096 --layers 16: expected a model whose training fits the "
                + "Java heap") && e.getMessage().contains(huge.parameterCount() + " parameters"), e.getMessage());
        SequenceModelConfig.builder().features(1).lstm(32).pooling(Pooling.Kind.LAST).outputs(1).build()
                .requireTrainable("small", 32, 28, 4);
    }

    @Test
    void aModelOfTenBillionParametersIsRefusedBeforeAllocationWithTheEstimate() {
        // 16 layers of H = 12,500: about 10^10 weights, every array within Java's limit
        SequenceModelConfig huge = SequenceModelConfig.builder().features(8).lstm(12_500).layers(16).outputs(2).build();
        assertTrue(huge.parameterCount() > 9_000_000_000L, "parameters: " + huge.parameterCount());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SequenceModel.create(huge, Precision.F32, 1));
        assertTrue(e.getMessage().startsWith("model of " + huge.parameterCount() + " parameters: expected weights "
                + "and gradients that fit the Java heap ("), e.getMessage());
        assertTrue(e.getMessage().contains("found an estimated " + (2 * 4 * huge.parameterCount() >> 20) + " MiB"),
                e.getMessage());
    }
}
