package dev.recur.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.data.Batch;
import dev.recur.data.TrainingData;
import dev.recur.model.SequenceModel;
import dev.recur.model.SequenceModelConfig;
import dev.recur.nn.loss.CrossEntropy;
import dev.recur.nn.loss.Targets;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.tensor.Precision;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A {@link Trainer} given no validation data ({@code validation} null): it trains and validates nothing. */
class TrainerWithoutValidationTest {

    /** The same batch at every step, no state carried. */
    private static TrainingData sameBatch() {
        Batch b = Batch.ofTokens(new int[] {1, 2, 3, 4, 0, 1}, 3, 2, null,
                new Targets.Classes(new int[] {2, 3, 4, 0, 1, 2}));
        return new TrainingData() {
            private long step;

            @Override
            public Batch next() {
                step++;
                return b;
            }

            @Override
            public long step() {
                return step;
            }

            @Override
            public void seekToStep(long steps) {
                step = steps;
            }

            @Override
            public int batchesPerEpoch() {
                return 1;
            }
        };
    }

    private static SequenceModel<double[]> model() {
        return SequenceModel.create(SequenceModelConfig.charLanguageModel(5, 3, CellKind.GRU, 4, 1, 0), Precision.F64, 1);
    }

    @Test
    void trainsToTheBudgetAndValidatesNothing() throws Exception {
        for (int evalEvery : new int[] {0, 2}) {
            Trainer<double[]> trainer = Trainer.create(model(), CrossEntropy.mean(), sameBatch(), null,
                    TrainConfig.builder().steps(3).evalEvery(evalEvery).build());
            List<TrainingEvents.Step> steps = new ArrayList<>();
            List<TrainingEvents.Validation> validations = new ArrayList<>();
            TrainingEvents.Summary s = trainer.train(new TrainingListener() {
                @Override
                public void onStep(TrainingEvents.Step e) {
                    steps.add(e);
                }

                @Override
                public void onValidation(TrainingEvents.Validation v) {
                    validations.add(v);
                }
            });
            assertEquals(3, s.steps());
            assertEquals(TrainingEvents.StopReason.STEPS, s.reason());
            assertNull(s.validation(), "no validation data: no validation result");
            assertEquals(3, steps.size());
            assertTrue(validations.isEmpty(), "no validation event");
            assertEquals(0, trainer.validationHistory().length);
            // the same batch every step: Adam lowers its loss
            assertTrue(steps.get(2).loss() < steps.get(0).loss(), steps.toString());
        }
    }

    @Test
    void earlyStoppingWithoutValidationDataIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Trainer.create(model(), CrossEntropy.mean(), sameBatch(), null,
                        TrainConfig.builder().steps(3).earlyStopping(EarlyStopping.onLoss(2)).build()));
        assertTrue(e.getMessage().startsWith("early stopping: expected validation data")
                && e.getMessage().contains("found none; likely cause"), e.getMessage());
    }
}
