package dev.recur.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.data.Batch;
import dev.recur.nn.Activation;
import dev.recur.nn.Pooling;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.tensor.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Many streaming sessions over one model: each keeps its own state, and running them from many
 * threads at once gives exactly what running them one after another gives.
 */
class StreamingSessionTest {

    static final int THREADS = 8;
    static final int SESSIONS_PER_THREAD = 100;
    static final int STEPS = 200;

    @Test
    void eightThreadsOfAHundredSessionsGiveExactlyTheSequentialOutputs() throws Exception {
        // a character model (one thread) and a tagger on a two-thread team, so the team is shared too
        check(SequenceModel.create(SequenceModelConfig.charLanguageModel(13, 4, CellKind.LSTM, 12, 2, 0.1),
                Precision.F32, 1), 1);
        check(SequenceModel.create(SequenceModelConfig.builder().tokens(9, 3).features(2).gru(64).layerNorm(true)
                .hidden(6, Activation.Kind.TANH).outputs(4).build(), Precision.F32.withThreads(2), 2), 8);
    }

    private static void check(SequenceModel<float[]> model, int batch) throws Exception {
        model.setTraining(false);
        int sessions = THREADS * SESSIONS_PER_THREAD;
        // sequentially: session s alone, step after step
        float[][] expected = new float[sessions][];
        for (int s = 0; s < sessions; s++) {
            expected[s] = run(model, s, batch);
        }
        // at once: thread t runs its sessions interleaved, a step of each in turn
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<float[][]>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int first = t * SESSIONS_PER_THREAD;
                futures.add(pool.submit(() -> interleaved(model, first, SESSIONS_PER_THREAD, batch)));
            }
            int identical = 0;
            for (int t = 0; t < THREADS; t++) {
                float[][] got = futures.get(t).get();
                for (int i = 0; i < SESSIONS_PER_THREAD; i++) {
                    assertArrayEquals(expected[t * SESSIONS_PER_THREAD + i], got[i],
                            "session " + (t * SESSIONS_PER_THREAD + i));
                    identical++;
                }
            }
            assertEquals(sessions, identical);
            System.out.printf("%d threads x %d sessions x %d steps (B = %d, %s, %d-thread team): %d/%d sessions "
                    + "identical to the sequential run%n", THREADS, SESSIONS_PER_THREAD, STEPS, batch, model,
                    model.precision().kernels().parallel().threads(), identical, sessions);
        } finally {
            pool.shutdown();
        }
    }

    /** Session {@code s} on its own: the outputs of every step, concatenated. */
    private static float[] run(SequenceModel<float[]> model, int s, int batch) {
        StreamingSession<float[]> session = StreamingSession.open(model, batch, null);
        SplittableRandom rng = new SplittableRandom(s);
        int k = model.config().outputs() * batch;
        float[] all = new float[STEPS * k];
        for (int t = 0; t < STEPS; t++) {
            System.arraycopy(session.step(tokens(model, rng, batch), features(model, rng, batch)), 0, all, t * k, k);
        }
        return all;
    }

    /** Sessions {@code first ..} advanced a step each in turn on the calling thread. */
    private static float[][] interleaved(SequenceModel<float[]> model, int first, int count, int batch) {
        List<StreamingSession<float[]>> sessions = new ArrayList<>();
        List<SplittableRandom> inputs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sessions.add(StreamingSession.open(model, batch, null));
            inputs.add(new SplittableRandom(first + i));
        }
        int k = model.config().outputs() * batch;
        float[][] all = new float[count][STEPS * k];
        for (int t = 0; t < STEPS; t++) {
            for (int i = 0; i < count; i++) {
                float[] out = sessions.get(i).step(tokens(model, inputs.get(i), batch),
                        features(model, inputs.get(i), batch));
                System.arraycopy(out, 0, all[i], t * k, k);
            }
        }
        return all;
    }

    private static int[] tokens(SequenceModel<float[]> model, SplittableRandom rng, int batch) {
        return model.config().hasTokens() ? rng.ints(batch, 0, model.config().vocabSize()).toArray() : null;
    }

    private static double[] features(SequenceModel<float[]> model, SplittableRandom rng, int batch) {
        if (model.config().features() == 0) {
            return null;
        }
        double[] f = new double[batch * model.config().features()];
        for (int i = 0; i < f.length; i++) {
            f[i] = rng.nextGaussian();
        }
        return f;
    }

    @Test
    void stepByStepEqualsTheWholeSequenceAndStatesStaySeparate() {
        SequenceModel<float[]> model = SequenceModel.create(SequenceModelConfig.builder().tokens(9, 3).features(2)
                .lstm(8).layers(2).layerNorm(true).hidden(5, Activation.Kind.RELU).outputs(4).build(),
                Precision.F32, 3);
        model.setTraining(false);
        int nb = 3;
        int nt = 15;
        SplittableRandom rng = new SplittableRandom(9);
        int[] tokens = new int[nt * nb];
        double[] features = new double[nt * nb * 2];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = rng.nextInt(9);
        }
        for (int i = 0; i < features.length; i++) {
            features[i] = rng.nextGaussian();
        }
        float[] whole = model.forward(new Batch(nt, nb, null, tokens, features, 2, null, false)).values();
        StreamingSession<float[]> together = StreamingSession.open(model, nb, null);
        StreamingSession<float[]> other = StreamingSession.open(model, 1, null);
        for (int t = 0; t < nt; t++) {
            int[] ids = java.util.Arrays.copyOfRange(tokens, t * nb, (t + 1) * nb);
            double[] fs = java.util.Arrays.copyOfRange(features, t * nb * 2, (t + 1) * nb * 2);
            float[] out = together.step(ids, fs);
            other.step(new int[]{0}, new double[]{1, 1});   // another client in between changes nothing
            for (int i = 0; i < out.length; i++) {
                assertEquals(whole[t * nb * 4 + i], out[i], 1e-6, "step " + t);
            }
        }
        float[] h = model.finalState().h();
        float[] streamed = together.state().h();
        for (int i = 0; i < h.length; i++) {
            assertEquals(h[i], streamed[i], 1e-6);
        }
    }

    @Test
    void aPooledOrBidirectionalModelOrAWrongInputIsRefused() {
        SequenceModel<float[]> pooled = SequenceModel.create(SequenceModelConfig.builder().features(2).lstm(4)
                .pooling(Pooling.Kind.MEAN).outputs(2).build(), Precision.F32, 1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StreamingSession.open(pooled, 1, null))
                .getMessage().contains("one output per step"));
        SequenceModel<float[]> bi = SequenceModel.create(SequenceModelConfig.builder().features(2).lstm(4)
                .bidirectional(true).outputs(2).build(), Precision.F32, 1);
        assertThrows(IllegalArgumentException.class, () -> StreamingSession.open(bi, 1, null));
        SequenceModel<float[]> lm = SequenceModel.create(SequenceModelConfig.charLanguageModel(5, 2, CellKind.GRU, 3,
                1, 0), Precision.F32, 1);
        StreamingSession<float[]> s = StreamingSession.open(lm, 2, null);
        assertThrows(IllegalArgumentException.class, () -> s.step(new int[]{1}, null));
        assertThrows(IllegalArgumentException.class, () -> s.step(new int[]{1, 9}, null));
        assertThrows(IllegalArgumentException.class, () -> s.step(new int[]{1, 2}, new double[]{1, 2}));
    }
}
