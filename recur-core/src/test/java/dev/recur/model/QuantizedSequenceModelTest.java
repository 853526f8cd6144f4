package dev.recur.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.recur.data.Batch;
import dev.recur.nn.Pooling;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.recurrent.CellParams;
import dev.recur.tensor.Precision;
import dev.recur.tensor.QuantizedMatrix;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The quantized model against the float32 model holding its dequantized weights, and its refusals. */
class QuantizedSequenceModelTest {

    @Test
    void logitsMatchTheDequantizedFloatModel() {
        for (QuantizedMatrix.Format f : QuantizedMatrix.Format.values()) {
            SequenceModelConfig c = SequenceModelConfig.charLanguageModel(30, 12, CellKind.LSTM, 24, 2, 0);
            SequenceModel<float[]> model = SequenceModel.create(c, Precision.F32, 7);
            QuantizedSequenceModel q = QuantizedSequenceModel.of(model, f, 1);
            for (int l = 0; l < 2; l++) {
                CellParams<float[]> p = model.rnn().params(l, 0);
                copy(q.rnn().weightIh(l).dequantize(), p.weightIh().value());
                copy(q.rnn().weightHh(l).dequantize(), p.weightHh().value());
            }
            copy(q.head().dequantize(), model.head().weight().value());
            model.setTraining(false);
            SplittableRandom rng = new SplittableRandom(1);
            int nt = 9;
            int nb = 4;
            int[] tokens = new int[nt * nb];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = rng.nextInt(30);
            }
            Batch batch = Batch.ofTokens(tokens, nt, nb, null, null);
            float[] expected = model.forward(batch).values();
            float[] found = q.forward(batch).values();
            // logits: sums of 24 terms of |w y| < ~0.2 each, on states within ~1e-6 of each other
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], found[i], 1e-5, f + " logit " + i);
            }
            assertThrows(UnsupportedOperationException.class, () -> q.backward(null));
        }
    }

    @Test
    void otherShapesAreRefused() {
        SequenceModelConfig pooled = SequenceModelConfig.builder().tokens(10, 4).cell(CellKind.GRU, 8)
                .pooling(Pooling.Kind.LAST).outputs(3).build();
        assertThrows(IllegalArgumentException.class, () -> QuantizedSequenceModel.requireSupported(pooled));
    }

    private static void copy(float[] from, float[] to) {
        System.arraycopy(from, 0, to, 0, to.length);
    }
}
