package dev.recur.tasks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.data.Batch;
import dev.recur.nn.loss.Targets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The task generators: layouts as the papers describe them, targets, seeding, baselines, the stream, bad arguments. */
class TasksTest {

    /** The numeric inputs {@code [T, B, I]}. */
    private static double[] inputs(Batch b) {
        return b.features();
    }

    /** The class ids {@code [B]} of a classification task. */
    private static int[] labels(Batch b) {
        return ((Targets.Classes) b.targets()).ids();
    }

    /** The target values {@code [B, K]} of a regression task. */
    private static double[] targets(Batch b) {
        return ((Targets.Values) b.targets()).values();
    }

    @Test
    void addingProblemMarksOneStepInEachHalfAndAddsTheirValues() {
        AddingProblem task = new AddingProblem(11);
        Batch batch = task.sample(50, new SplittableRandom(3));
        assertEquals(11, batch.steps());
        assertEquals(2, batch.featureWidth());
        assertNull(batch.tokens());
        assertEquals(false, batch.continues());
        assertNull(batch.lengths());
        for (int b = 0; b < 50; b++) {
            int first = -1;
            int second = -1;
            int marks = 0;
            for (int t = 0; t < 11; t++) {
                double value = inputs(batch)[(t * 50 + b) * 2];
                double marker = inputs(batch)[(t * 50 + b) * 2 + 1];
                assertTrue(value >= 0 && value < 1);
                assertTrue(marker == 0 || marker == 1);
                if (marker == 1) {
                    marks++;
                    if (t < 5) {
                        first = t;
                    } else {
                        second = t;
                    }
                }
            }
            assertEquals(2, marks);
            assertTrue(first >= 0 && second >= 5, "one mark in each half");
            double sum = inputs(batch)[(first * 50 + b) * 2] + inputs(batch)[(second * 50 + b) * 2];
            assertEquals(sum, targets(batch)[b]);
        }
    }

    @Test
    void addingProblemConstantPredictorScoresTheVarianceOfTheSum() {
        AddingProblem task = new AddingProblem(4);
        Batch batch = task.sample(20_000, new SplittableRandom(1));
        double mse = 0;
        for (double y : targets(batch)) {
            mse += (y - 1) * (y - 1);
        }
        mse /= batch.batch();
        assertEquals(task.baselineLoss(), mse, 0.01);
        assertEquals(0.1667, task.baselineLoss(), 1e-4);
        assertTrue(task.solved(0.009, Double.NaN));
        assertTrue(!task.solved(0.011, Double.NaN));
    }

    @Test
    void samplingIsSeeded() {
        for (Task task : new Task[] {new AddingProblem(20), TemporalOrder.paper(), LagRecall.of(12)}) {
            Batch a = task.sample(7, new SplittableRandom(42));
            Batch b = task.sample(7, new SplittableRandom(42));
            assertArrayEquals(inputs(a), inputs(b), task.name());
            assertEquals(a.targets(), b.targets(), task.name());
            assertArrayEquals(a.lengths(), b.lengths(), task.name());
            Batch c = task.sample(7, new SplittableRandom(43));
            assertTrue(!java.util.Arrays.equals(inputs(a), inputs(c)) || task instanceof LagRecall, task.name());
        }
    }

    @Test
    void temporalOrderFollowsExperiment6a() {
        TemporalOrder task = TemporalOrder.paper();
        assertEquals(8, task.inputSize());
        assertEquals(110, task.maxSteps());
        int nb = 400;
        Batch batch = task.sample(nb, new SplittableRandom(5));
        int[] perClass = new int[4];
        for (int b = 0; b < nb; b++) {
            int len = batch.lengths()[b];
            assertTrue(len >= 100 && len <= 110);
            int[] relevant = new int[2];
            int found = 0;
            for (int t = 0; t < 110; t++) {
                int symbol = -1;
                int ones = 0;
                for (int i = 0; i < 8; i++) {
                    double v = inputs(batch)[(t * nb + b) * 8 + i];
                    if (v == 1) {
                        symbol = i;
                        ones++;
                    } else {
                        assertEquals(0, v);
                    }
                }
                if (t >= len) {
                    assertEquals(0, ones, "nothing past the length");
                    continue;
                }
                assertEquals(1, ones, "one-hot");
                if (t == 0) {
                    assertEquals(TemporalOrder.SYMBOL_E, symbol);
                } else if (t == len - 1) {
                    assertEquals(TemporalOrder.SYMBOL_B, symbol);
                } else if (symbol == TemporalOrder.SYMBOL_X || symbol == TemporalOrder.SYMBOL_Y) {
                    assertTrue(found == 0 ? t >= 10 && t <= 20 : t >= 50 && t <= 60, "step " + t);
                    relevant[found++] = symbol == TemporalOrder.SYMBOL_Y ? 1 : 0;
                } else {
                    assertTrue(symbol >= TemporalOrder.SYMBOL_A && symbol < TemporalOrder.SYMBOL_A + 4);
                }
            }
            assertEquals(2, found);
            assertEquals(relevant[0] * 2 + relevant[1], labels(batch)[b]);
            perClass[labels(batch)[b]]++;
        }
        for (int c : perClass) {
            assertTrue(c > 60, "every class drawn: " + java.util.Arrays.toString(perClass));
        }
        assertEquals(Math.log(4), task.baselineLoss(), 1e-15);
    }

    @Test
    void lagRecallShowsTheAnswerOnlyAtStepZero() {
        LagRecall task = LagRecall.of(6);
        assertEquals(2 + 5, task.inputSize());
        Batch batch = task.sample(16, new SplittableRandom(9));
        int ni = task.inputSize();
        for (int b = 0; b < 16; b++) {
            assertEquals(1, inputs(batch)[b * ni + labels(batch)[b]]);
            assertEquals(0, inputs(batch)[b * ni + 1 - labels(batch)[b]]);
            for (int t = 1; t < 6; t++) {
                for (int i = 0; i < ni; i++) {
                    // noise-free: the same distractor a_t at step t in every sequence
                    assertEquals(i == 2 + t - 1 ? 1.0 : 0.0, inputs(batch)[(t * 16 + b) * ni + i]);
                }
            }
        }
        LagRecall cyclic = new LagRecall(10, 3);
        assertEquals(5, cyclic.inputSize());
        Batch c = cyclic.sample(1, new SplittableRandom(1));
        for (int t = 1; t < 10; t++) {
            assertEquals(1, inputs(c)[t * 5 + 2 + (t - 1) % 3]);
        }
        assertTrue(task.solved(0.2, 1.0));
        assertTrue(!task.solved(0.5, 1.0), "right by a hair is not solved");
        assertTrue(!task.solved(0.01, 0.98));
        assertEquals(2, LagRecall.of(1).inputSize());
        assertEquals(102, LagRecall.of(1000).inputSize());
        assertEquals(101, LagRecall.of(100).inputSize());
    }

    @Test
    void badArgumentsSayWhatWasExpected() {
        assertMessage(() -> new AddingProblem(1), "expected 2..");
        assertMessage(() -> new LagRecall(0, 5), "expected 1..");
        assertMessage(() -> new TemporalOrder(100, 110, 10, 60, 50, 60), "overlap");
        assertMessage(() -> new AddingProblem(5).sample(0, new SplittableRandom(1)), "expected >= 1");
        assertMessage(() -> TemporalOrder.paper().sample(-3, new SplittableRandom(1)), "expected >= 1");
        assertMessage(() -> new TaskData(new AddingProblem(5), 0, () -> new SplittableRandom(1)), "expected >= 1");
    }

    @Test
    void everyBatchHasTheShapeAndTargetsItsTaskDeclares() {
        for (Task task : new Task[] {new AddingProblem(9), TemporalOrder.paper(), LagRecall.of(12), new LagRecall(7, 3)}) {
            Batch b = task.sample(5, new SplittableRandom(11));
            assertEquals(task.maxSteps(), b.steps(), task.name());
            assertEquals(5, b.batch(), task.name());
            assertEquals(task.inputSize(), b.featureWidth(), task.name());
            assertEquals(task.maxSteps() * 5 * task.inputSize(), inputs(b).length, task.name());
            assertNull(b.tokens(), task.name());
            assertEquals(5, b.targets().rows(), "one target row per sequence: " + task.name());
            if (task.objective() == Objective.REGRESSION) {
                assertEquals(task.outputs(), ((Targets.Values) b.targets()).width(), task.name());
            } else {
                for (int label : labels(b)) {
                    assertTrue(label >= 0 && label < task.outputs(), task.name() + " label " + label);
                }
            }
            assertEquals(task.objective().loss().classTargets(), b.targets() instanceof Targets.Classes, task.name());
        }
    }

    @Test
    void theTrainingStreamIsAFunctionOfItsPosition() {
        Task task = LagRecall.of(6);
        TaskData data = new TaskData(task, 4, () -> new SplittableRandom(77));
        assertEquals(1, data.batchesPerEpoch());
        assertEquals(false, data.carriesState());
        Batch first = data.next();
        Batch second = data.next();
        Batch third = data.next();
        assertEquals(3, data.step());
        // the stream is the task's batches drawn one after another from the starting generator
        SplittableRandom rng = new SplittableRandom(77);
        for (Batch b : new Batch[] {first, second, third}) {
            Batch expected = task.sample(4, rng);
            assertArrayEquals(inputs(expected), inputs(b));
            assertEquals(expected.targets(), b.targets());
            assertEquals(false, b.continues());
        }
        data.seekToStep(1);
        assertEquals(1, data.step());
        assertArrayEquals(inputs(second), inputs(data.next()));
        assertEquals(third.targets(), data.next().targets());
        data.seekToStep(0);
        assertEquals(first.targets(), data.next().targets());
        assertMessage(() -> data.seekToStep(-1), "expected >= 0");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable e, String part) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(part), ex.getMessage());
    }
}
