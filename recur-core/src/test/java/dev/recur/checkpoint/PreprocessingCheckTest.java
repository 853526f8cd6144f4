package dev.recur.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.recur.data.Batch;
import dev.recur.data.Example;
import dev.recur.data.ExampleBatches;
import dev.recur.data.Normalization;
import dev.recur.io.FormatException;
import dev.recur.model.Model;
import dev.recur.model.Preprocessing;
import dev.recur.model.SequenceModel;
import dev.recur.model.SequenceModelConfig;
import dev.recur.nn.Activations;
import dev.recur.nn.Linear;
import dev.recur.nn.Pooling;
import dev.recur.nn.loss.MeanSquaredError;
import dev.recur.nn.loss.Reduction;
import dev.recur.tensor.Precision;
import dev.recur.train.TrainConfig;
import dev.recur.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What prediction needs besides the weights, through a run: a normalisation fitted on the training
 * data is saved and applied again to new data after loading; preprocessing that does not fit the
 * model, and a model whose type a checkpoint cannot record, are refused before the first step; a
 * manifest edited to disagree is refused on load.
 */
class PreprocessingCheckTest {

    @TempDir
    Path tmp;

    /** Two features per step (the second on a scale of 1000), and the mean of the first as target. */
    private static List<Example> examples(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[][] steps = new double[2 + rng.nextInt(4)][];
            double sum = 0;
            for (int t = 0; t < steps.length; t++) {
                steps[t] = new double[] {rng.nextDouble(-1, 1), 1000 + 100 * rng.nextDouble()};
                sum += steps[t][0];
            }
            out.add(Example.ofFeatures(steps, new Example.Values(sum / steps.length)));
        }
        return out;
    }

    private static final SequenceModelConfig REGRESSOR = SequenceModelConfig.builder().features(2).lstm(4)
            .pooling(Pooling.Kind.LAST).outputs(1).build();

    private static Trainer<double[]> trainer(Model<double[]> model, List<Example> train) {
        TrainConfig config = TrainConfig.builder().steps(3).evalEvery(0).checkpointEvery(0).metrics(List.of())
                .seed(1).threads(1).build();
        return Trainer.create(model, new MeanSquaredError(Reduction.MEAN), ExampleBatches.shuffled(train, 4, 1, 0),
                null, config);
    }

    private static RunWriter writer(Path dir, Preprocessing p) {
        return RunWriter.create(dir, p, Map.of("kind", "examples"), new Provenance("test", 1, "synthetic",
                "0".repeat(64), 12, "2026-01-01T00:00:00Z", "17"), Checkpoint.WriteHook.NONE);
    }

    @Test
    void aFittedNormalizationIsSavedAndAppliedToNewData() throws IOException {
        List<Example> raw = examples(12, 1);
        Normalization n = Normalization.fit(raw);
        Path run = tmp.resolve("run");
        trainer(SequenceModel.create(REGRESSOR, Precision.F64, 1), n.apply(raw))
                .checkpointTo(writer(run, new Preprocessing(null, n, null))).train();

        Checkpoint.Loaded<double[]> loaded = Checkpoint.loadModel(run, Precision.F64, false);
        assertArrayEquals(n.mean(), loaded.preprocessing().normalization().mean(), 0);
        assertArrayEquals(n.std(), loaded.preprocessing().normalization().std(), 0);
        List<Example> fresh = examples(3, 2);
        List<Example> prepared = loaded.preprocessing().prepare(fresh);
        List<Example> expected = n.apply(fresh);
        for (int i = 0; i < fresh.size(); i++) {
            assertArrayEquals(expected.get(i).features(), prepared.get(i).features(), 0);
        }
        assertTrue(Math.abs(prepared.get(0).features()[1]) < 3, "the second feature is on the model's scale now");
        Batch batch = ExampleBatches.batch(prepared);
        assertEquals(3, loaded.model().forward(batch).rows());
        assertEquals("2", loaded.preprocessing().label(2), "no label names: the class number");
    }

    @Test
    void preprocessingThatDoesNotFitTheModelIsRefusedBeforeTheFirstStep() {
        Trainer<double[]> t = trainer(SequenceModel.create(REGRESSOR, Precision.F64, 1), examples(8, 1));
        Path run = tmp.resolve("refused");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.checkpointTo(writer(run,
                new Preprocessing(null, new Normalization(new double[3], new double[] {1, 1, 1}), null))));
        assertEquals("normalization: expected one mean and deviation per numeric feature (features = 2), found 3; "
                + "likely cause: statistics fitted on other data", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> t.checkpointTo(writer(run,
                new Preprocessing(null, null, List.of("low", "high")))));
        assertEquals("labels: expected one name per output (outputs = 1), found 2; likely cause: label names of "
                + "another data set", e.getMessage());
        assertFalse(Files.exists(run), "nothing written");
    }

    @Test
    void aModelWhoseTypeHasNoCodecIsRefusedBeforeTheFirstStep() {
        Model<double[]> custom = new Model<>(Precision.F64) {
            private final Linear<double[]> head = addChild("head",
                    Linear.create(Precision.F64, 2, 1, true, new SplittableRandom(1)));

            @Override
            public Activations<double[]> forward(Batch batch) {
                return head.forward(batch.features(precision()));
            }

            @Override
            public void backward(Activations<double[]> outputGradient) {
                head.backward(outputGradient);
            }
        };
        Trainer<double[]> t = trainer(custom, examples(8, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> t.checkpointTo(writer(tmp.resolve("custom"), Preprocessing.NONE)));
        assertTrue(e.getMessage().startsWith("model: expected a model type with a registered codec (sequence_model), "
                + "found "), e.getMessage());
        assertTrue(e.getMessage().endsWith("; likely cause: a custom model whose codec is not registered "
                + "(ModelCodecs.register)"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("custom")));
    }

    @Test
    void aManifestEditedToDisagreeIsRefusedOnLoad() throws IOException {
        List<Example> raw = examples(12, 1);
        Normalization n = Normalization.fit(raw);
        Path run = tmp.resolve("edited");
        trainer(SequenceModel.create(REGRESSOR, Precision.F64, 1), n.apply(raw))
                .checkpointTo(writer(run, new Preprocessing(null, n, List.of("mean")))).train();
        Path json = run.resolve(Manifest.FILE);
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = (ObjectNode) mapper.readTree(json.toFile());
        ((ObjectNode) root.get("preprocessing")).putArray("labels").add("a").add("b").add("c");
        mapper.writeValue(json.toFile(), root);
        FormatException e = assertThrows(FormatException.class, () -> Checkpoint.loadModel(run, Precision.F64, false));
        assertEquals(json + ": expected preprocessing that fits the model, found labels: expected one name per "
                + "output (outputs = 1), found 3; likely cause: the file was edited by hand", e.getMessage());
    }
}
