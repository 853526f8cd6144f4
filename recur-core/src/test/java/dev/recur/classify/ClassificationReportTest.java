package dev.recur.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The confusion matrix and scores against scikit-learn's definitions (zero_division=0), derived by
 * hand for three classes of which one is never predicted.
 */
class ClassificationReportTest {

    private static final List<String> LABELS = List.of("cat", "dog", "bird");
    private static final int[] ACTUAL = {0, 0, 0, 1, 1, 1, 2, 2};
    private static final int[] PREDICTED = {0, 0, 1, 1, 1, 0, 1, 0};

    /*
     * confusion (rows true, columns predicted)   column sums 4, 4, 0
     *   cat  [2, 1, 0]
     *   dog  [1, 2, 0]
     *   bird [1, 1, 0]
     * cat:  P = 2/4, R = 2/3, F1 = 2·2 / (4 + 3) = 4/7
     * dog:  P = 2/4, R = 2/3, F1 = 4/7
     * bird: P = 0/0 → 0, R = 0/2 = 0, F1 = 0 / (0 + 2) = 0
     * accuracy = 4/8; macro P = 1/3, R = 4/9, F1 = 8/21; weighted P = 3/8, R = 4/8, F1 = 3/7
     * scikit-learn 1.x: f1_score(y, p, average='macro', labels=[0, 1, 2], zero_division=0) = 0.380952...
     */
    private static final ClassificationReport REPORT = ClassificationReport.of(LABELS, ACTUAL, PREDICTED);

    @Test
    void theConfusionMatrixHasTrueClassesAsRows() {
        assertArrayEquals(new long[][] {{2, 1, 0}, {1, 2, 0}, {1, 1, 0}}, REPORT.confusion());
        assertEquals(8, REPORT.total());
    }

    @Test
    void scoresMatchScikitLearn() {
        assertEquals(0.5, REPORT.accuracy(), 1e-15);
        assertEquals(0.5, REPORT.precision(0), 1e-15);
        assertEquals(2.0 / 3, REPORT.recall(0), 1e-15);
        assertEquals(4.0 / 7, REPORT.f1(0), 1e-15);
        assertEquals(0.5, REPORT.precision(1), 1e-15);
        assertEquals(2.0 / 3, REPORT.recall(1), 1e-15);
        assertEquals(4.0 / 7, REPORT.f1(1), 1e-15);
        assertEquals(3, REPORT.support(0));
        assertEquals(3, REPORT.support(1));
        assertEquals(2, REPORT.support(2));
    }

    @Test
    void aClassNeverPredictedScoresZero() {
        assertEquals(0.0, REPORT.precision(2), 0);
        assertEquals(0.0, REPORT.recall(2), 0);
        assertEquals(0.0, REPORT.f1(2), 0);
        assertEquals(8.0 / 21, REPORT.macroF1(), 1e-15);
        assertEquals(1.0 / 3, REPORT.macroPrecision(), 1e-15);
        assertEquals(4.0 / 9, REPORT.macroRecall(), 1e-15);
    }

    @Test
    void theMacroAverageCountsEveryLabelGiven() {
        // a fourth label that occurs nowhere scores 0 and still counts: 8/21 · 3/4
        ClassificationReport r = ClassificationReport.of(List.of("cat", "dog", "bird", "fish"), ACTUAL, PREDICTED);
        assertEquals(2.0 / 7, r.macroF1(), 1e-15);
        assertEquals(0, r.support(3));
    }

    @Test
    void theTableIsLaidOutAsScikitLearns() {
        String expected = """
                              precision    recall  f1-score   support

                         cat       0.50      0.67      0.57         3
                         dog       0.50      0.67      0.57         3
                        bird       0.00      0.00      0.00         2

                    accuracy                           0.50         8
                   macro avg       0.33      0.44      0.38         8
                weighted avg       0.38      0.50      0.43         8

                confusion matrix (rows: true class, columns: predicted)
                              cat  dog bird
                         cat    2    1    0
                         dog    1    2    0
                        bird    1    1    0
                """;
        assertEquals(expected, REPORT.table());
        assertTrue(REPORT.table(4).contains("         cat     0.5000    0.6667    0.5714         3\n"),
                REPORT.table(4));
    }

    @Test
    void theMajorityClassBreaksTiesByTheLowestId() {
        assertEquals(1, ClassificationReport.majorityClass(new int[] {0, 1, 1, 2}, 3));
        assertEquals(0, ClassificationReport.majorityClass(new int[] {2, 0, 2, 0}, 3));
        assertEquals(2, ClassificationReport.majorityClass(new int[] {2}, 4));
        assertTrue(message(() -> ClassificationReport.majorityClass(new int[] {0, 3}, 3))
                .contains("training label [1]: expected 0..2, found 3"));
        assertTrue(message(() -> ClassificationReport.majorityClass(new int[0], 3)).contains("found none"));
    }

    @Test
    void theAccessorsReturnCopies() {
        long[][] c = REPORT.confusion();
        c[0][0] = 99;
        assertEquals(2, REPORT.confusion()[0][0]);
        assertEquals(REPORT, new ClassificationReport(LABELS, new long[][] {{2, 1, 0}, {1, 2, 0}, {1, 1, 0}}));
    }

    @Test
    void invalidInputsAreRefusedInOneLine() {
        assertTrue(message(() -> ClassificationReport.of(LABELS, new int[] {0, 1}, new int[] {0}))
                .contains("expected one prediction per true class (2), found 1"));
        assertTrue(message(() -> ClassificationReport.of(LABELS, new int[] {0}, new int[] {3}))
                .contains("predicted class [0]: expected 0..2, found 3"));
        assertTrue(message(() -> ClassificationReport.of(LABELS, new int[0], new int[0]))
                .contains("expected at least one prediction, found none"));
        assertTrue(message(() -> new ClassificationReport(LABELS, new long[][] {{1, 0}, {0, 1}}))
                .contains("expected 3 rows (one per label), found 2"));
        assertTrue(message(() -> REPORT.f1(3)).contains("expected 0..2, found 3"));
    }

    private static String message(Runnable r) {
        String m = assertThrows(IllegalArgumentException.class, r::run).getMessage();
        assertFalse(m.contains("\n"), m);
        return m;
    }
}
