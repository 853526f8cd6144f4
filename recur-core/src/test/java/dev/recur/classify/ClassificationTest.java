package dev.recur.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.io.FormatException;
import dev.recur.tensor.Precision;
import dev.recur.testing.PredictionProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The classification pipeline: the split, training, evaluation, reloading, other data. */
class ClassificationTest {

    @TempDir
    Path dir;

    /** Sequences of 2 features, 3 to 9 steps; the class: which feature has the larger sum. */
    private Path sequences(String name, int examples, long seed) throws IOException {
        SplittableRandom rng = new SplittableRandom(seed);
        StringBuilder s = new StringBuilder("id,step,a,b,label\n");
        for (int i = 0; i < examples; i++) {
            int t = rng.nextInt(3, 10);
            double sa = 0;
            double sb = 0;
            StringBuilder rows = new StringBuilder();
            for (int k = 0; k < t; k++) {
                double a = rng.nextDouble();
                double b = rng.nextDouble();
                sa += a;
                sb += b;
                rows.append(i).append(',').append(k).append(',').append(a).append(',').append(b).append(",%s\n");
            }
            s.append(rows.toString().replace("%s", sa > sb ? "a" : "b"));
        }
        Path f = dir.resolve(name);
        Files.writeString(f, s, StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void theSplitIsStratifiedDisjointCompleteAndSeeded() throws IOException {
        List<String> labels = new ArrayList<>();
        List<String> where = new ArrayList<>();
        for (int i = 0; i < 103; i++) {
            labels.add(i % 10 == 0 ? "rare" : i % 3 == 0 ? "x" : "y");
            where.add("line " + (i + 2));
        }
        LabeledData d = new LabeledData(dir, labels, null, 0, null, labels, where, null);
        Classification.Split s = Classification.split(d, 0.1, 0.2, 7);
        Set<Integer> seen = new HashSet<>();
        for (int[] part : new int[][] {s.train(), s.validation(), s.test()}) {
            for (int i : part) {
                assertTrue(seen.add(i), "example " + i + " in two parts");
            }
        }
        assertEquals(103, seen.size());
        // per class: round(n·0.2) test, round(n·0.1) validation (rare: 11 → 2 and 1)
        assertEquals(2, Arrays.stream(s.test()).filter(i -> labels.get(i).equals("rare")).count());
        assertEquals(1, Arrays.stream(s.validation()).filter(i -> labels.get(i).equals("rare")).count());
        Classification.Split again = Classification.split(d, 0.1, 0.2, 7);
        assertTrue(Arrays.equals(s.test(), again.test()) && Arrays.equals(s.train(), again.train()));
        assertFalse(Arrays.equals(s.test(), Classification.split(d, 0.1, 0.2, 8).test()));
        // large fractions still leave each class one training example
        Classification.Split big = Classification.split(d, 0.44, 0.45, 1);
        for (String l : List.of("rare", "x", "y")) {
            assertTrue(Arrays.stream(big.train()).anyMatch(i -> labels.get(i).equals(l)), l);
        }
    }

    @Test
    void aLabelSeenOnceIsRefusedNamingWhere() {
        List<String> labels = List.of("a", "a", "b", "b", "c");
        LabeledData d = new LabeledData(dir.resolve("x.csv"), labels, null, 0, null, labels,
                List.of("line 2", "line 3", "line 4", "line 5", "line 6"), null);
        FormatException e = assertThrows(FormatException.class, () -> Classification.split(d, 0.1, 0.1, 1));
        assertTrue(e.getMessage().contains("'c'") && e.getMessage().contains("line 6"), e.getMessage());
    }

    @Test
    void trainedSequencesClassifierEvaluatesReloadsBitIdenticallyAndScoresOtherDataWhole() throws Exception {
        Path data = sequences("train.csv", 300, 1);
        LabeledData d = LabeledData.sequences(data, "id", "step", null, "label", true);
        assertEquals(List.of("a", "b"), d.features());
        ClassifierSettings s = ClassifierSettings.builder().hiddenSize(16).epochs(8).patience(8).threads(1).build();
        Path run = dir.resolve("run");
        Classifier<float[]> c = Classification.train(s, d, run, Precision.F32);
        Classification.Result r = Classification.evaluate(c, d);
        assertTrue(r.trainingData());
        assertEquals(30, r.test());
        assertTrue(r.network().accuracy() > r.majority().accuracy(), "network " + r.network().accuracy());

        // the test examples' predictions give eval's accuracy
        Classification.Split split = Classification.split(d, s.validationFraction(), s.testFraction(), s.seed());
        var all = c.examples(d, true);
        int[] predicted = c.classes(IntStream.of(split.test()).mapToObj(all::get).toList());
        int correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            correct += c.labels().get(predicted[i]).equals(d.labels().get(split.test()[i])) ? 1 : 0;
        }
        assertEquals(r.network().accuracy(), correct / (double) predicted.length, 0.0);

        // a fresh JVM (and another thread count) gives the same bits
        double[] here = Arrays.stream(c.probabilities(c.examples(d, false))).flatMapToDouble(Arrays::stream)
                .toArray();
        assertEquals(PredictionProbe.bits(here), PredictionProbe.run("classify", run, data));

        // other data: every example scored, no baselines
        Path other = sequences("other.csv", 40, 2);
        Classification.Result o = Classification.evaluate(c, LabeledData.sequences(other, "id", "step", null, "label",
                true));
        assertFalse(o.trainingData());
        assertEquals(40, o.test());
        assertNull(o.linear());

        // other feature columns are refused
        Path swapped = dir.resolve("swapped.csv");
        Files.writeString(swapped, Files.readString(other).replaceFirst("id,step,a,b", "id,step,b,a"));
        FormatException e = assertThrows(FormatException.class, () -> c.examples(LabeledData.sequences(swapped, "id",
                "step", null, "label", true), false));
        assertTrue(e.getMessage().contains("[a, b]"), e.getMessage());
    }

    @Test
    void aTextClassifierReadsUnknownTokensAndRefusesUnknownLabels() throws Exception {
        StringBuilder s = new StringBuilder("text,label\n");
        String[] good = {"great fun", "lovely film", "great acting", "fun story"};
        String[] bad = {"dull plot", "awful film", "dull acting", "awful story"};
        for (int i = 0; i < 30; i++) {
            s.append(good[i % 4]).append(",pos\n").append(bad[i % 4]).append(",neg\n");
        }
        Path data = dir.resolve("t.csv");
        Files.writeString(data, s);
        ClassifierSettings settings = ClassifierSettings.builder().hiddenSize(8).embeddingDim(8).epochs(5)
                .threads(1).build();
        Classifier<float[]> c = Classification.train(settings, LabeledData.texts(data, "text", "label", true),
                dir.resolve("text-run"), Precision.F32);
        Path other = dir.resolve("o.csv");
        Files.writeString(other, "text,label\ngreat zebra,pos\nawful quokka,meh\n");
        LabeledData o = LabeledData.texts(other, "text", "label", true);
        assertEquals(0.5, c.unknownRate(o), 0.0);
        FormatException e = assertThrows(FormatException.class, () -> c.examples(o, true));
        assertTrue(e.getMessage().contains("'meh'") && e.getMessage().contains("line 3"), e.getMessage());
        assertEquals(2, c.classes(c.examples(o, false)).length);
    }

    @Test
    void sequencesFromAFolderPerLabelOfOneTablePerExample() throws IOException {
        for (String label : List.of("up", "down")) {
            Files.createDirectories(dir.resolve("seq").resolve(label));
            for (int i = 0; i < 3; i++) {
                StringBuilder t = new StringBuilder("x,y\n");
                for (int k = 0; k < 2 + i; k++) {
                    t.append(label.equals("up") ? k : -k).append(',').append(i).append('\n');
                }
                Files.writeString(dir.resolve("seq").resolve(label).resolve("e" + i + ".csv"), t);
            }
        }
        LabeledData d = LabeledData.sequenceFolder(dir.resolve("seq"), null);
        assertEquals(List.of("down", "down", "down", "up", "up", "up"), d.labels());
        assertEquals(List.of("x", "y"), d.features());
        assertEquals(2, d.width());
        // up/e2.csv: 4 steps of (k, 2)
        assertTrue(Arrays.equals(new double[] {0, 2, 1, 2, 2, 2, 3, 2}, d.sequences().get(5)));
        assertEquals("up/e2.csv", d.where().get(5));
        assertEquals(64, d.sha256().length());
        Files.writeString(dir.resolve("seq/up/e0.csv"), "x,y\n1,oops\n");
        FormatException e = assertThrows(FormatException.class, () -> LabeledData.sequenceFolder(dir.resolve("seq"),
                null));
        assertTrue(e.getMessage().contains("e0.csv") && e.getMessage().contains("line 2"), e.getMessage());
    }
}
