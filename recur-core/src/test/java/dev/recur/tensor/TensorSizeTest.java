package dev.recur.tensor;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.charlm.CharModelSettings;
import dev.recur.model.SequenceModelConfig;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.sequence.RecurrentConfig;
import dev.recur.tasks.AddingProblem;
import dev.recur.tasks.Experiment;
import dev.recur.tasks.ExperimentConfig;
import dev.recur.tasks.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Sizes whose tensors cannot exist (more elements than a Java array holds) are refused by the
 * configurations, with a message naming the setting, its value, the tensor and the limit, instead of
 * an integer overflow, a negative array size or "out of memory" when the model is built.
 */
class TensorSizeTest {

    private static String refused(Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains("expected a size whose tensors fit in a Java array (at most 2,147,483,639 "
                + "elements each)"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void theLimitIsTheLongestJavaArray() {
        assertDoesNotThrow(() -> TensorSize.requireFits("n", 1, "t", 1, TensorSize.MAX_ELEMENTS));
        assertEquals("n: expected a size whose tensors fit in a Java array (at most 2,147,483,639 elements each), "
                + "found 3, which makes t [3 x 715827883] = 2,147,483,649 elements; likely cause: a typo, or a model too"
                + " large for one machine",
                refused(() -> TensorSize.requireFits("n", 3, "t", 3, 715_827_883)));
        // a product beyond a long is still reported, not wrapped around
        assertTrue(refused(() -> TensorSize.requireFits("n", 1, "t", Integer.MAX_VALUE, Integer.MAX_VALUE,
                Integer.MAX_VALUE)).contains("> 9,223,372,036,854,775,807 elements; likely cause: "));
    }

    @Test
    void recurrentConfigRefusesAHiddenSizeWhoseWeightsCannotExist() {
        // 4 * 100000 * 100000 used to overflow in Parameter; 4 * (2^31 - 1) used to give a negative size
        assertEquals("hidden_size: expected a size whose tensors fit in a Java array (at most 2,147,483,639 elements "
                + "each), found 100000, which makes weight_hh_l0 [400000 x 100000] = 40,000,000,000 elements; likely cause:"
                + " a typo, or a model too large for one machine",
                refused(() -> RecurrentConfig.builder(CellKind.LSTM, 4, 100_000).build()));
        assertTrue(refused(() -> RecurrentConfig.builder(CellKind.LSTM, 4, Integer.MAX_VALUE).build())
                .startsWith("hidden_size: "));
        assertTrue(refused(() -> RecurrentConfig.builder(CellKind.GRU, Integer.MAX_VALUE, 8).build())
                .startsWith("input_size: "));
        // a second bidirectional layer reads 2H: [4H, 2H] = 2 * 1.6e9 elements at H = 20000
        assertDoesNotThrow(() -> RecurrentConfig.builder(CellKind.LSTM, 4, 20_000).build());
        assertTrue(refused(() -> RecurrentConfig.builder(CellKind.LSTM, 4, 20_000).layers(2).bidirectional(true)
                .build()).contains("weight_ih_l1 [80000 x 40000]"));
    }

    @Test
    void languageModelAndTrainingConfigsRefuseOversizedModels() {
        assertTrue(refused(() -> SequenceModelConfig.charLanguageModel(65, 64, CellKind.LSTM, 100_000, 2, 0))
                .contains("found 100000, which makes rnn.weight_hh_l0 [400000 x 100000]"));
        assertTrue(refused(() -> SequenceModelConfig.charLanguageModel(65, Integer.MAX_VALUE, CellKind.LSTM, 256, 2, 0))
                .startsWith("embedding_dim: "));
        // a vocabulary of many characters makes the embedding and the head large
        assertTrue(refused(() -> SequenceModelConfig.charLanguageModel(1_000_000, 4096, CellKind.LSTM, 8, 1, 0))
                .contains("embedding.weight [1000000 x 4096]"));
        assertTrue(refused(() -> CharModelSettings.builder().hiddenSize(100_000).build()).startsWith("hidden_size: "));
        assertTrue(refused(() -> CharModelSettings.builder().embeddingDim(Integer.MAX_VALUE).build())
                .startsWith("embedding_dim: "));
    }

    @Test
    void trainingConfigRefusesAChunkWhoseActivationsCannotExist() {
        // 3200 x 1000 steps of 4 * 256 gate values: 3.3e9, which used to wrap around in the cell cache
        assertTrue(refused(() -> CharModelSettings.builder().batch(3200).seq(1000).build()).startsWith(
                "batch and seq: expected a size whose tensors fit in a Java array (at most 2,147,483,639 elements "
                        + "each), found 3200 and 1000, which makes the gate values of a layer [1000 x 3200 x 1024]"));
        CharModelSettings c = CharModelSettings.builder().batch(1000).seq(1000).hiddenSize(8).embeddingDim(8).build();
        assertDoesNotThrow(() -> c.modelConfig(2000));
        assertTrue(refused(() -> c.modelConfig(5000)).contains("the logits [1000 x 1000 x 5000]"));
    }

    @Test
    void experimentsRefuseBatchesTestSetsAndProbesThatCannotExist() {
        Task task = new AddingProblem(100_000);
        ExperimentConfig defaults = ExperimentConfig.defaults(task);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> defaults.toBuilder().batchSize(100_000_000).build());
        assertEquals("batch size: expected 1..65536 sequences, found 100000000; likely cause: a batch too large to "
                + "train on in memory", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> defaults.toBuilder().testSize(Integer.MAX_VALUE).build());
        assertEquals("test size: expected 1..100000 sequences, found 2147483647; likely cause: a test set too large "
                + "to hold in memory", e.getMessage());
        // within the bounds, but [T, B, I] of a batch of the longest adding problem is too large
        ExperimentConfig wide = defaults.toBuilder().batchSize(60_000).build();
        assertTrue(refused(() -> Experiment.requireFits(task, CellKind.LSTM, wide))
                .contains("found 60000, which makes the inputs of a batch [100000 x 60000 x 2]"));
        assertTrue(refused(() -> Experiment.create(task, CellKind.GRU, wide, 1, Precision.F32))
                .startsWith("batch size: "));
        assertTrue(refused(() -> Experiment.requireFits(task, CellKind.LSTM, defaults.toBuilder().hiddenSize(100_000)
                .build())).startsWith("hidden_size: "));
        assertTrue(refused(() -> Experiment.requireBatchFits(task, CellKind.LSTM, 64, "probe size", 60_000))
                .startsWith("probe size: "));
        // the test set is evaluated 256 sequences at a time: too many steps for that
        Task long40k = new AddingProblem(40_000);
        assertTrue(refused(() -> Experiment.requireFits(long40k, CellKind.LSTM, ExperimentConfig.defaults(long40k)))
                .contains("found 1000 (tested 256 at a time), which makes the gate values of a test chunk "
                        + "[40000 x 256 x 256]"));
    }
}
