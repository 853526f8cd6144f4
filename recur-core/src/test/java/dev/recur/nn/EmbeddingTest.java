package dev.recur.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.tensor.Precision;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Embedding}: gathering, scatter-adding, finite differences and id errors. */
class EmbeddingTest {

    @Test
    void forwardGathersRowsAndBackwardScatterAdds() {
        Embedding<double[]> e = new Embedding<>(Precision.F64, 4, 2);
        System.arraycopy(new double[] {0, 1, 10, 11, 20, 21, 30, 31}, 0, e.weight().value(), 0, 8);
        int[] ids = {2, 0, 2};
        double[] out = new double[6];
        e.forward(ids, out);
        assertArrayEquals(new double[] {20, 21, 0, 1, 20, 21}, out, 0);
        e.backward(ids, new double[] {1, 2, 3, 4, 5, 6});
        // token 2 occurs twice: its row accumulates both; tokens 1 and 3 stay 0
        assertArrayEquals(new double[] {3, 4, 0, 0, 6, 8, 0, 0}, e.weight().grad(), 0);
        assertTrue(e.toString().contains("Embedding(4, 2"));
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(5);
        Embedding<double[]> e = Embedding.create(Precision.F64, 5, 3, rng);
        int[] ids = {4, 1, 1, 0, 4, 4};
        double[] g = FiniteDifference.uniform(rng, ids.length * 3, 1);
        double[] out = new double[ids.length * 3];
        e.backward(ids, g);
        new FiniteDifference()
                .check("weight", e.weight().value(), e.weight().grad().clone(), () -> {
                    e.forward(ids, out);
                    return FiniteDifference.dot(out, g);   // S = Σ out ⊙ G
                })
                .assertPassed("embedding");
    }

    @Test
    void outOfRangeIdNamesIdAndVocabulary() {
        Embedding<double[]> e = new Embedding<>(Precision.F64, 20, 2);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> e.forward(new int[] {3, 25}, new double[4]));
        assertTrue(ex.getMessage().contains("token id 25 at position 1"), ex.getMessage());
        assertTrue(ex.getMessage().contains("V = 20"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> e.forward(new int[] {-1}, new double[2]));
        assertThrows(IllegalArgumentException.class, () -> e.backward(new int[] {20}, new double[2]));
        assertThrows(IllegalArgumentException.class, () -> e.forward(new int[] {1}, new double[3]));
    }
}
