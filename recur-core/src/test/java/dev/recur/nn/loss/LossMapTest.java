package dev.recur.nn.loss;

import static dev.recur.nn.loss.LossErrorsTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Loss#toMap()} and {@link Loss#fromMap}: every loss round-trips, through JSON too; bad maps are refused. */
class LossMapTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<Loss> everyLoss() {
        return List.of(
                CrossEntropy.builder().build(),
                CrossEntropy.builder().classWeights(new double[] {0.5, 2, 0}).labelSmoothing(0.1).ignoreIndex(2)
                        .reduction(Reduction.SUM).build(),
                BinaryCrossEntropy.builder().build(),
                BinaryCrossEntropy.builder().posWeight(new double[] {3, 0.25}).reduction(Reduction.SUM).build(),
                new MeanSquaredError(Reduction.MEAN),
                new MeanSquaredError(Reduction.SUM),
                new L1Loss(Reduction.MEAN),
                new L1Loss(Reduction.SUM),
                HuberLoss.builder().build(),
                new HuberLoss(0.3, Reduction.SUM));
    }

    @Test
    void everyLossRoundTrips() throws Exception {
        for (Loss loss : everyLoss()) {
            Map<String, Object> m = loss.toMap();
            assertEquals(loss.name(), m.get("name"));
            assertEquals(loss.reduction().id(), m.get("reduction"));
            assertEquals(loss, Loss.fromMap(m), "direct: " + m);
            @SuppressWarnings("unchecked")
            Map<String, Object> parsed = JSON.readValue(JSON.writeValueAsString(m), Map.class);
            Loss back = Loss.fromMap(parsed);
            assertEquals(loss, back, "through JSON: " + parsed);
            assertEquals(m, back.toMap());
        }
    }

    @Test
    void theMapsNamePyTorchsArguments() {
        Map<String, Object> ce = everyLoss().get(1).toMap();
        assertEquals(List.of("name", "reduction", "class_weights", "label_smoothing", "ignore_index"),
                List.copyOf(ce.keySet()));
        assertEquals("cross_entropy", ce.get("name"));
        assertEquals("sum", ce.get("reduction"));
        assertEquals(List.of(0.5, 2.0, 0.0), ce.get("class_weights"));
        assertEquals(0.1, ce.get("label_smoothing"));
        assertEquals(2, ce.get("ignore_index"));
        Map<String, Object> plain = CrossEntropy.builder().build().toMap();
        assertEquals(null, plain.get("class_weights"));
        assertEquals(true, plain.containsKey("class_weights"));
        assertEquals(-100, plain.get("ignore_index"));
        assertEquals("mean", plain.get("reduction"));
        assertEquals(Map.of("name", "binary_cross_entropy_with_logits", "reduction", "sum", "pos_weight",
                List.of(3.0, 0.25)), everyLoss().get(3).toMap());
        assertEquals(Map.of("name", "mse", "reduction", "mean"), everyLoss().get(4).toMap());
        assertEquals(Map.of("name", "l1", "reduction", "sum"), everyLoss().get(7).toMap());
        assertEquals(Map.of("name", "huber", "reduction", "mean", "delta", 1.0), everyLoss().get(8).toMap());
    }

    @Test
    void recordsHoldCopiesAndCompareByValue() {
        double[] w = {1, 2};
        CrossEntropy ce = CrossEntropy.builder().classWeights(w).build();
        w[0] = 7;
        assertArrayEquals(new double[] {1, 2}, ce.classWeights(), 0);
        ce.classWeights()[1] = 9;
        assertArrayEquals(new double[] {1, 2}, ce.classWeights(), 0);
        assertEquals(ce, CrossEntropy.builder().classWeights(new double[] {1, 2}).build());
        assertEquals(ce.hashCode(), CrossEntropy.builder().classWeights(new double[] {1, 2}).build().hashCode());
        assertNotEquals(ce, CrossEntropy.builder().classWeights(new double[] {1, 3}).build());
        assertEquals(new BinaryCrossEntropy(new double[] {1}, Reduction.SUM),
                new BinaryCrossEntropy(new double[] {1}, Reduction.SUM));
        assertEquals(new Targets.Classes(new int[] {1, 2}), new Targets.Classes(new int[] {1, 2}));
        assertEquals(new Targets.Values(new double[] {1, 2}, 1), new Targets.Values(new double[] {1, 2}, 1));
        assertNotEquals(new Targets.Values(new double[] {1, 2}, 1), new Targets.Values(new double[] {1, 2}, 2));
    }

    @Test
    void badMapsAreRefused() {
        assertMessage(() -> Loss.fromMap(null), "loss: expected a map of settings, found null");
        assertMessage(() -> Loss.fromMap(Map.of("name", "nll", "reduction", "mean")),
                "loss: expected a name among cross_entropy, binary_cross_entropy_with_logits, mse, l1, huber",
                "found 'nll'", "likely cause");
        assertMessage(() -> Loss.fromMap(Map.of("reduction", "mean")), "found none");
        assertMessage(() -> Loss.fromMap(Map.of("name", "mse")),
                "loss mse: expected the settings name, reduction, found no reduction");
        assertMessage(() -> Loss.fromMap(Map.of("name", "mse", "reduction", "mean", "delta", 1.0)),
                "loss mse: expected the settings name, reduction, found others: delta");
        Map<String, Object> ce = CrossEntropy.builder().build().toMap();
        ce.remove("label_smoothing");
        ce.put("smoothing", 0.1);
        assertMessage(() -> Loss.fromMap(ce), "loss cross_entropy: expected the settings name, reduction, "
                + "class_weights, label_smoothing, ignore_index, found no label_smoothing, and others: smoothing");
        assertMessage(() -> Loss.fromMap(with(CrossEntropy.builder().build(), "label_smoothing", "0.1")),
                "loss cross_entropy.label_smoothing: expected a number, found '0.1'");
        assertMessage(() -> Loss.fromMap(with(CrossEntropy.builder().build(), "label_smoothing", 1.5)),
                "cross_entropy label_smoothing: expected a number in [0, 1), found 1.5");
        assertMessage(() -> Loss.fromMap(with(CrossEntropy.builder().build(), "ignore_index", 1.5)),
                "loss cross_entropy.ignore_index: expected a 32-bit integer, found 1.5");
        assertMessage(() -> Loss.fromMap(with(CrossEntropy.builder().build(), "ignore_index", 1L << 40)),
                "ignore_index: expected a 32-bit integer, found 1099511627776");
        assertMessage(() -> Loss.fromMap(with(CrossEntropy.builder().build(), "class_weights", List.of(1, "a"))),
                "loss cross_entropy.class_weights: expected a list of numbers or null, found [1, a]");
        assertMessage(() -> Loss.fromMap(with(CrossEntropy.builder().build(), "class_weights", List.of(1, -1))),
                "cross_entropy class_weights[1] = -1.0: expected a finite number >= 0");
        assertMessage(() -> Loss.fromMap(with(new L1Loss(Reduction.MEAN), "reduction", "none")),
                "loss l1.reduction: expected one of mean, sum, found 'none'");
        assertMessage(() -> Loss.fromMap(with(new L1Loss(Reduction.MEAN), "reduction", 1)),
                "loss l1.reduction: expected \"mean\" or \"sum\", found 1");
        assertMessage(() -> Loss.fromMap(with(new HuberLoss(1, Reduction.MEAN), "delta", null)),
                "loss huber.delta: expected a number, found null");
        assertMessage(() -> Loss.fromMap(with(new HuberLoss(1, Reduction.MEAN), "delta", -2)),
                "huber delta: expected a finite number > 0, found -2.0");
        assertMessage(() -> Loss.fromMap(with(BinaryCrossEntropy.builder().build(), "pos_weight", "heavy")),
                "loss binary_cross_entropy_with_logits.pos_weight: expected a list of numbers or null, found 'heavy'");
    }

    @Test
    void reductionIds() {
        assertEquals(Reduction.MEAN, Reduction.fromId("mean"));
        assertEquals(Reduction.SUM, Reduction.fromId("sum"));
        assertEquals(List.of("mean", "sum"), Arrays.stream(Reduction.values()).map(Reduction::id).toList());
    }

    private static Map<String, Object> with(Loss loss, String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(loss.toMap());
        m.put(key, value);
        return m;
    }
}
