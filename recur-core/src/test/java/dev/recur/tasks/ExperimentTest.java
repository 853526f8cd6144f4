package dev.recur.tasks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.recurrent.LstmGate;
import dev.recur.tensor.Precision;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Experiment runs: evaluation schedule, determinism, early stop, shared data across cells, defaults. */
class ExperimentTest {

    private static ExperimentConfig tiny(Task task) {
        return ExperimentConfig.defaults(task).toBuilder()
                .hiddenSize(8).batchSize(8).steps(50).evalEvery(20).testSize(40).build();
    }

    @Test
    void evaluatesOnScheduleAndAfterTheLastStep() {
        Task task = new AddingProblem(6);
        List<Evaluation> seen = new ArrayList<>();
        ExperimentResult r = Experiment.create(task, CellKind.LSTM, tiny(task), 3, Precision.F32).run(seen::add);
        assertEquals(List.of(20L, 40L, 50L), r.evaluations().stream().map(Evaluation::step).toList());
        assertEquals(r.evaluations(), seen);
        assertTrue(r.last().last());
        assertFalse(r.evaluations().get(0).last());
        for (Evaluation e : r.evaluations()) {
            assertTrue(Double.isFinite(e.trainLoss()) && Double.isFinite(e.testLoss()));
            assertTrue(Double.isNaN(e.testAccuracy()), "no accuracy for regression");
            assertEquals(0, e.skippedSteps());
        }
    }

    @Test
    void sameSeedSameRunAndTheSameDataForEveryCell() {
        Task task = LagRecall.of(5);
        ExperimentConfig config = tiny(task);
        ExperimentResult a = Experiment.create(task, CellKind.GRU, config, 9, Precision.F32).run(null);
        ExperimentResult b = Experiment.create(task, CellKind.GRU, config, 9, Precision.F32).run(null);
        for (int i = 0; i < a.evaluations().size(); i++) {
            assertEquals(a.evaluations().get(i).trainLoss(), b.evaluations().get(i).trainLoss());
            assertEquals(a.evaluations().get(i).testLoss(), b.evaluations().get(i).testLoss());
            assertEquals(a.evaluations().get(i).testAccuracy(), b.evaluations().get(i).testAccuracy());
        }
        Experiment<float[]> lstm = Experiment.create(task, CellKind.LSTM, config, 9, Precision.F32);
        Experiment<float[]> rnn = Experiment.create(task, CellKind.RNN_TANH, config, 9, Precision.F32);
        assertEquals(lstm.testSet().size(), rnn.testSet().size());
        for (int i = 0; i < lstm.testSet().size(); i++) {
            assertSame(lstm.testSet().get(i), rnn.testSet().get(i));
        }
        assertSame(lstm.probe(4), rnn.probe(4));
    }

    private static void assertSame(TaskBatch a, TaskBatch b) {
        assertArrayEquals(a.inputs(), b.inputs());
        assertArrayEquals(a.labels(), b.labels());
        assertArrayEquals(a.targets(), b.targets());
        assertArrayEquals(a.lengths(), b.lengths());
    }

    @Test
    void stopsAtTheFirstSolvedEvaluationWhenAsked() {
        Task task = LagRecall.of(3);
        ExperimentConfig config = tiny(task).toBuilder().learningRate(0.02).steps(2000).evalEvery(10)
                .stopWhenSolved(true).build();
        Experiment<float[]> e = Experiment.create(task, CellKind.LSTM, config, 1, Precision.F32);
        ExperimentResult r = e.run(null);
        assertTrue(r.solved(), "a two-sequence lag-3 task is solved: " + r.last());
        assertEquals(r.solvedAtStep(), r.last().step());
        assertTrue(r.last().step() < 2000);
        assertTrue(r.last().testAccuracy() >= 0.99);
        assertThrows(IllegalStateException.class, () -> e.run(null));
    }

    @Test
    void defaultBudgetsFollowTheDocumentedRule() {
        assertEquals(20_000, ExperimentConfig.defaults(new AddingProblem(100)).steps());
        assertEquals(15_000, ExperimentConfig.defaults(new AddingProblem(200)).steps());
        assertEquals(7_500, ExperimentConfig.defaults(new AddingProblem(400)).steps());
        assertEquals(10_000, ExperimentConfig.defaults(TemporalOrder.paper()).steps());
        assertEquals(5_000, ExperimentConfig.defaults(LagRecall.of(100)).steps());
        assertEquals(3_000, ExperimentConfig.defaults(LagRecall.of(1000)).steps());
        ExperimentConfig c = ExperimentConfig.defaults(new AddingProblem(100));
        assertEquals(64, c.hiddenSize());
        assertEquals(1e-3, c.learningRate());
        assertEquals(1.0, c.clipNorm());
        assertTrue(c.chrono());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.toBuilder().learningRate(-1).build());
        assertTrue(e.getMessage().contains("expected a finite number > 0"), e.getMessage());
    }

    @Test
    void modelConfigSharesEverythingButTheCell() {
        Task task = TemporalOrder.paper();
        ExperimentConfig config = ExperimentConfig.defaults(task);
        ManyToOneConfig lstm = Experiment.modelConfig(task, CellKind.LSTM, config);
        ManyToOneConfig rnn = Experiment.modelConfig(task, CellKind.RNN_TANH, config);
        assertEquals(lstm.rnn().hiddenSize(), rnn.rnn().hiddenSize());
        assertEquals(8, lstm.rnn().inputSize());
        assertEquals(4, lstm.outputs());
        assertEquals(110, lstm.chronoHorizon());
        assertEquals(Readout.AT_LENGTH, rnn.readout());
    }

    @Test
    void aForgetBiasReachesTheLstmOnlyWithoutChrono() {
        Task task = LagRecall.of(20);
        ExperimentConfig config = ExperimentConfig.defaults(task).toBuilder().chrono(false).forgetBias(1.0).build();
        ManyToOneModel<double[]> m = ManyToOneModel.create(Experiment.modelConfig(task, CellKind.LSTM, config),
                Precision.F64, 3);
        double[] bih = m.rnn().params(0, 0).biasIh().value();
        double[] bhh = m.rnn().params(0, 0).biasHh().value();
        int nh = config.hiddenSize();
        for (int j = 0; j < nh; j++) {
            // f = σ(1 + 0) ≈ 0.73 at the start
            assertEquals(1.0, bih[LstmGate.FORGET.offset(nh) + j]);
            assertEquals(0.0, bhh[LstmGate.FORGET.offset(nh) + j]);
        }
        // the GRU has no forget gate: the setting does not apply to it
        assertEquals(config.forgetBias(), 1.0);
        Experiment.modelConfig(task, CellKind.GRU, config);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExperimentConfig.defaults(task).toBuilder().forgetBias(1.0).build());
        assertTrue(e.getMessage().contains("expected none with the chrono initialisation"), e.getMessage());
    }
}
