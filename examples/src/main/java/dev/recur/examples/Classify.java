package dev.recur.examples;

import dev.recur.classify.Classification;
import dev.recur.classify.Classifier;
import dev.recur.classify.ClassifierSettings;
import dev.recur.classify.LabeledData;
import dev.recur.tensor.Precision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Classifies the bundled handwritten digits, read row by row, and prints the network beside the baselines. */
public final class Classify {
    public static void main(String[] args) throws Exception {
        LabeledData digits = LabeledData.sequences(Path.of("data/handwriting/digits-rows.csv"), "id", "step", null,
                "label", true);
        ClassifierSettings settings = ClassifierSettings.builder().hiddenSize(64).epochs(15).seed(1).build();
        Path run = Files.createTempDirectory("recur-classify").resolve("run");
        Classifier<float[]> classifier = Classification.train(settings, digits, run, Precision.F32);
        Classification.Result r = Classification.evaluate(classifier, digits);
        System.out.printf("network  accuracy %.3f macro-F1 %.3f%n", r.network().accuracy(), r.network().macroF1());
        System.out.printf("majority accuracy %.3f macro-F1 %.3f%n", r.majority().accuracy(), r.majority().macroF1());
        System.out.printf("linear   accuracy %.3f macro-F1 %.3f%n", r.linear().accuracy(), r.linear().macroF1());

        // A reloaded classifier predicts as the trained one.
        Classifier<float[]> loaded = Classifier.load(run, Precision.F32);
        int[] classes = loaded.classes(loaded.examples(digits, false).subList(0, 5));
        System.out.println("first five: " + List.of(loaded.labels().get(classes[0]), loaded.labels().get(classes[1]),
                loaded.labels().get(classes[2]), loaded.labels().get(classes[3]), loaded.labels().get(classes[4])));
    }
}
