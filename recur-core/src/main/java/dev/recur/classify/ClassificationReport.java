package dev.recur.classify;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How well predicted classes match the true ones: the confusion matrix and the per-class scores
 * computed from it, as scikit-learn's {@code confusion_matrix} and {@code classification_report}.
 *
 * <p>With {@code C[i][j]} the number of sequences of true class {@code i} predicted as {@code j},
 * for class {@code k}: {@code TP = C[k][k]}, {@code FP = Σ_i C[i][k] − TP} (column),
 * {@code FN = Σ_j C[k][j] − TP} (row), and
 * <pre>
 * precision = TP / (TP + FP)     recall = TP / (TP + FN)     F1 = 2·TP / (2·TP + FP + FN)
 * support   = TP + FN            accuracy = Σ_k C[k][k] / Σ C
 * </pre>
 * A score whose denominator is 0 (a class never predicted has no precision; a class absent from
 * the true labels no recall) is 0, as scikit-learn's {@code zero_division=0}. The macro averages
 * are the unweighted means over <em>every</em> label given, including classes that occur neither in
 * the true labels nor in the predictions (scikit-learn's {@code average='macro'} with
 * {@code labels} all of them); {@link dev.recur.nn.loss.Metric#MACRO_F1}, which averages only over
 * the classes present, can therefore be larger.
 *
 * <p>Immutable and thread-safe (the accessors return copies).
 *
 * @param labels    the class names, class id = index, at least one
 * @param confusion {@code [K][K]} counts, rows = true class, columns = predicted class
 */
public record ClassificationReport(List<String> labels, long[][] confusion) {

    /**
     * Checks that the matrix is square with a row per label and holds counts, and copies both.
     *
     * @param labels    the class names
     * @param confusion the counts
     * @throws IllegalArgumentException for a shape that does not match the labels, a negative count
     *                                  or no count at all
     */
    public ClassificationReport {
        labels = List.copyOf(Objects.requireNonNull(labels, "labels"));
        Objects.requireNonNull(confusion, "confusion");
        int k = labels.size();
        if (k < 1) {
            throw new IllegalArgumentException("classification report: expected at least one label, found none");
        }
        if (confusion.length != k) {
            throw new IllegalArgumentException("confusion matrix: expected " + k + " rows (one per label), found "
                    + confusion.length + "; likely cause: labels of another data set");
        }
        long[][] copy = new long[k][];
        long total = 0;
        for (int i = 0; i < k; i++) {
            if (confusion[i] == null || confusion[i].length != k) {
                throw new IllegalArgumentException("confusion matrix row " + i + ": expected " + k + " columns, found "
                        + (confusion[i] == null ? "none" : confusion[i].length));
            }
            for (int j = 0; j < k; j++) {
                if (confusion[i][j] < 0) {
                    throw new IllegalArgumentException("confusion matrix [" + i + "][" + j + "]: expected a count "
                            + ">= 0, found " + confusion[i][j]);
                }
                total += confusion[i][j];
            }
            copy[i] = confusion[i].clone();
        }
        if (total == 0) {
            throw new IllegalArgumentException("confusion matrix: expected at least one prediction, found none; "
                    + "likely cause: an empty evaluation set");
        }
        confusion = copy;
    }

    /**
     * The report of predictions against true classes.
     *
     * @param labels    the class names, class id = index
     * @param actual    the true class of each sequence, in {@code 0..K−1}
     * @param predicted the predicted class of each sequence, in {@code 0..K−1}
     * @return the report
     * @throws IllegalArgumentException for arrays of different lengths, no sequence, or an id out of range
     */
    public static ClassificationReport of(List<String> labels, int[] actual, int[] predicted) {
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(actual, "actual");
        Objects.requireNonNull(predicted, "predicted");
        if (actual.length != predicted.length) {
            throw new IllegalArgumentException("classification report: expected one prediction per true class ("
                    + actual.length + "), found " + predicted.length);
        }
        int k = labels.size();
        long[][] c = new long[k][k];
        for (int i = 0; i < actual.length; i++) {
            c[classId(actual[i], k, "true class", i)][classId(predicted[i], k, "predicted class", i)]++;
        }
        return new ClassificationReport(labels, c);
    }

    private static int classId(int id, int classes, String what, int index) {
        if (id < 0 || id >= classes) {
            throw new IllegalArgumentException(what + " [" + index + "]: expected 0.." + (classes - 1) + ", found "
                    + id + "; likely cause: ids of another label list");
        }
        return id;
    }

    /**
     * The most frequent class of training labels: the majority baseline's prediction for every
     * sequence. Ties go to the lowest id.
     *
     * @param trainingLabels the training labels, at least one, each in {@code 0..classes−1}
     * @param classes        {@code K >= 1}
     * @return the class id
     * @throws IllegalArgumentException for no labels or an id out of range
     */
    public static int majorityClass(int[] trainingLabels, int classes) {
        Objects.requireNonNull(trainingLabels, "trainingLabels");
        if (classes < 1) {
            throw new IllegalArgumentException("majority class: expected K >= 1 classes, found " + classes);
        }
        if (trainingLabels.length == 0) {
            throw new IllegalArgumentException("majority class: expected at least one training label, found none");
        }
        long[] counts = new long[classes];
        for (int i = 0; i < trainingLabels.length; i++) {
            counts[classId(trainingLabels[i], classes, "training label", i)]++;
        }
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (counts[c] > counts[best]) {
                best = c;
            }
        }
        return best;
    }

    /**
     * The class names.
     *
     * @return an unmodifiable list, class id = index
     */
    @Override
    public List<String> labels() {
        return labels;
    }

    /**
     * The confusion matrix.
     *
     * @return a copy, {@code [K][K]}, rows = true class, columns = predicted
     */
    @Override
    public long[][] confusion() {
        long[][] copy = new long[confusion.length][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = confusion[i].clone();
        }
        return copy;
    }

    /**
     * The number of classes {@code K}.
     *
     * @return {@code K >= 1}
     */
    public int classes() {
        return labels.size();
    }

    /**
     * The number of sequences counted.
     *
     * @return {@code Σ C >= 1}
     */
    public long total() {
        long n = 0;
        for (long[] row : confusion) {
            for (long v : row) {
                n += v;
            }
        }
        return n;
    }

    /**
     * The fraction of sequences predicted right.
     *
     * @return {@code Σ_k C[k][k] / Σ C}
     */
    public double accuracy() {
        long right = 0;
        for (int k = 0; k < confusion.length; k++) {
            right += confusion[k][k];
        }
        // accuracy = trace(C) / Σ C
        return (double) right / total();
    }

    /**
     * The precision of a class: of the sequences predicted as {@code k}, the fraction that are.
     *
     * @param k the class id
     * @return {@code TP / (TP + FP)}, 0 if the class is never predicted
     */
    public double precision(int k) {
        long tp = confusion[check(k)][k];
        long predicted = 0;
        for (long[] row : confusion) {
            predicted += row[k];
        }
        return ratio(tp, predicted);
    }

    /**
     * The recall of a class: of the sequences of class {@code k}, the fraction predicted as it.
     *
     * @param k the class id
     * @return {@code TP / (TP + FN)}, 0 if the class does not occur
     */
    public double recall(int k) {
        return ratio(confusion[check(k)][k], support(k));
    }

    /**
     * The F1 score of a class, the harmonic mean of its precision and recall.
     *
     * @param k the class id
     * @return {@code 2·TP / (2·TP + FP + FN)}, 0 if the class is neither present nor predicted
     */
    public double f1(int k) {
        long tp = confusion[check(k)][k];
        long predicted = 0;
        for (long[] row : confusion) {
            predicted += row[k];
        }
        // F1 = 2·TP / (2·TP + FP + FN) = 2·TP / (predicted + support)
        return ratio(2 * tp, predicted + support(k));
    }

    /**
     * The number of sequences of a class.
     *
     * @param k the class id
     * @return {@code Σ_j C[k][j]}
     */
    public long support(int k) {
        long n = 0;
        for (long v : confusion[check(k)]) {
            n += v;
        }
        return n;
    }

    /**
     * The unweighted mean of the classes' precisions, over every label.
     *
     * @return {@code Σ_k precision(k) / K}
     */
    public double macroPrecision() {
        double s = 0;
        for (int k = 0; k < classes(); k++) {
            s += precision(k);
        }
        return s / classes();
    }

    /**
     * The unweighted mean of the classes' recalls, over every label.
     *
     * @return {@code Σ_k recall(k) / K}
     */
    public double macroRecall() {
        double s = 0;
        for (int k = 0; k < classes(); k++) {
            s += recall(k);
        }
        return s / classes();
    }

    /**
     * The unweighted mean of the classes' F1 scores over every label given, absent ones included
     * (scikit-learn's {@code f1_score(average='macro', labels=all, zero_division=0)}).
     *
     * @return {@code Σ_k F1(k) / K}
     */
    public double macroF1() {
        double s = 0;
        for (int k = 0; k < classes(); k++) {
            s += f1(k);
        }
        return s / classes();
    }

    private int check(int k) {
        if (k < 0 || k >= labels.size()) {
            throw new IllegalArgumentException("class id: expected 0.." + (labels.size() - 1) + ", found " + k);
        }
        return k;
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0 : (double) numerator / denominator;
    }

    /**
     * The report as plain text with two decimals, as scikit-learn's {@code classification_report}:
     * see {@link #table(int)}.
     *
     * @return the text, lines ending in {@code \n}
     */
    public String table() {
        return table(2);
    }

    /**
     * The report as plain text: a row per class with its precision, recall, F1 and support, then
     * the accuracy, the macro averages and the averages weighted by support (as scikit-learn's
     * {@code classification_report}), then the confusion matrix with the labels, rows = true class,
     * columns = predicted. Columns are aligned; the labels are written as given.
     *
     * @param digits decimals of the scores, 0..10
     * @return the text, lines ending in {@code \n}
     */
    public String table(int digits) {
        if (digits < 0 || digits > 10) {
            throw new IllegalArgumentException("report digits: expected 0..10, found " + digits);
        }
        int k = classes();
        long n = total();
        int nameWidth = "weighted avg".length();
        for (String label : labels) {
            nameWidth = Math.max(nameWidth, label.length());
        }
        int col = Math.max(digits + 2, "precision".length());
        String number = "%" + col + "." + digits + "f";
        String count = "%" + col + "d";
        StringBuilder out = new StringBuilder();
        out.append(pad("", nameWidth)).append(' ');
        for (String h : new String[] {"precision", "recall", "f1-score", "support"}) {
            out.append(' ').append(pad(h, col));
        }
        out.append("\n\n");
        double weightedP = 0;
        double weightedR = 0;
        double weightedF = 0;
        for (int c = 0; c < k; c++) {
            out.append(pad(labels.get(c), nameWidth)).append(' ');
            out.append(' ').append(String.format(Locale.ROOT, number, precision(c)));
            out.append(' ').append(String.format(Locale.ROOT, number, recall(c)));
            out.append(' ').append(String.format(Locale.ROOT, number, f1(c)));
            out.append(' ').append(String.format(Locale.ROOT, count, support(c))).append('\n');
            weightedP += precision(c) * support(c);
            weightedR += recall(c) * support(c);
            weightedF += f1(c) * support(c);
        }
        out.append('\n');
        out.append(pad("accuracy", nameWidth)).append("  ").append(" ".repeat(col)).append(' ')
                .append(" ".repeat(col)).append(' ').append(String.format(Locale.ROOT, number, accuracy()))
                .append(' ').append(String.format(Locale.ROOT, count, n)).append('\n');
        out.append(summaryRow("macro avg", nameWidth, number, count, macroPrecision(), macroRecall(), macroF1(), n));
        // weighted avg = Σ_k score(k)·support(k) / Σ_k support(k)
        out.append(summaryRow("weighted avg", nameWidth, number, count, weightedP / n, weightedR / n,
                weightedF / n, n));
        out.append("\nconfusion matrix (rows: true class, columns: predicted)\n");
        int cell = String.valueOf(n).length();
        for (String label : labels) {
            cell = Math.max(cell, label.length());
        }
        out.append(pad("", nameWidth));
        for (String label : labels) {
            out.append(' ').append(pad(label, cell));
        }
        out.append('\n');
        for (int i = 0; i < k; i++) {
            out.append(pad(labels.get(i), nameWidth));
            for (int j = 0; j < k; j++) {
                out.append(' ').append(pad(String.valueOf(confusion[i][j]), cell));
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static String summaryRow(String name, int nameWidth, String number, String count, double p, double r,
                                     double f, long n) {
        return pad(name, nameWidth) + "  " + String.format(Locale.ROOT, number, p) + ' '
                + String.format(Locale.ROOT, number, r) + ' ' + String.format(Locale.ROOT, number, f) + ' '
                + String.format(Locale.ROOT, count, n) + '\n';
    }

    /** {@code s} right-aligned in {@code width} columns. */
    private static String pad(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassificationReport r && labels.equals(r.labels)
                && Arrays.deepEquals(confusion, r.confusion);
    }

    @Override
    public int hashCode() {
        return 31 * labels.hashCode() + Arrays.deepHashCode(confusion);
    }

    @Override
    public String toString() {
        return "ClassificationReport[" + classes() + " classes, " + total() + " sequences, accuracy "
                + String.format(Locale.ROOT, "%.4f", accuracy()) + "]";
    }
}
