package dev.recur.jmh;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.recur.model.Preprocessing;
import dev.recur.model.SequenceModel;
import dev.recur.model.SequenceModelConfig;
import dev.recur.nn.Activations;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.sequence.QuantizedStack;
import dev.recur.nn.sequence.RecurrentConfig;
import dev.recur.nn.sequence.SequenceLayer;
import dev.recur.nn.sequence.Workspace;
import dev.recur.onnx.OnnxExporter;
import dev.recur.tensor.Precision;
import dev.recur.tensor.QuantizedMatrix.Format;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Weight-only quantized inference against float32: W6 (LSTM B1 T1 I512 H512 L2, one step of one
 * sequence, the state carried from call to call) and W7 (LSTM B1 T1000 I128 H128 L1, a whole
 * forward from zeros), each by
 * <ul>
 *   <li>{@code recur-f32}: W6 {@link SequenceLayer#stream} steps; W7 {@code forward(x, null, false,
 *       inferenceWorkspace)} (the path of {@code recur bench});</li>
 *   <li>{@code recur-bf16}, {@code recur-int8}: {@link QuantizedStack} runners over the same weights;</li>
 *   <li>{@code onnxruntime}: ORT float32 (intra-op threads n, sequential, all optimisations) on
 *       {@code W6.onnx} from {@code --models} (the PyTorch export of {@code bench/onnx-import.sh})
 *       when present, else (and on W7) on recur's own ONNX export of a features-in model with a
 *       one-output head (the head adds H multiply-adds a step).</li>
 * </ul>
 * on 1 and 2 threads, timed by {@link InterleavedTiming} (warm-up {@code --warmup-s}, then
 * {@code --rounds} interleaved rounds of {@code --samples} samples of at least {@code --sample-ms}).
 * Printed: the median over all samples and the lowest and highest round medians. Prints only;
 * asserts nothing.
 *
 * <p>Arguments: {@code --models DIR --rounds 7 --samples 3 --sample-ms 100 --warmup-s 2}.
 */
public final class QuantizedInferenceBench {

    private QuantizedInferenceBench() {
    }

    private record Timed(String workload, String name, int threads, Runnable call) {
    }

    /**
     * Runs the comparison.
     *
     * @param args see the class comment
     * @throws Exception on an ORT failure
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].substring(2), args[i + 1]);
        }
        Path models = Path.of(a.getOrDefault("models", "/tmp/recur-onnx-import"));
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "7"));
        int samples = Integer.parseInt(a.getOrDefault("samples", "3"));
        double sampleMs = Double.parseDouble(a.getOrDefault("sample-ms", "100"));
        double warmupS = Double.parseDouble(a.getOrDefault("warmup-s", "2"));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        System.out.printf(Locale.ROOT, "java %s; ONNX Runtime %s; %s; rounds %d x %d samples of >= %.0f ms%n",
                System.getProperty("java.version"), env.getVersion(), Precision.F32.name(), rounds, samples, sampleMs);

        for (String w : List.of("W6", "W7")) {
            boolean w6 = w.equals("W6");
            int ni = w6 ? 512 : 128;
            int nh = w6 ? 512 : 128;
            int nl = w6 ? 2 : 1;
            int nt = w6 ? 1 : 1000;
            RecurrentConfig config = RecurrentConfig.builder(CellKind.LSTM, ni, nh).layers(nl).build();
            float[] x = new float[nt * ni];
            SplittableRandom rng = new SplittableRandom(5);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (rng.nextDouble() * 2 - 1);
            }
            List<Timed> systems = new ArrayList<>();
            for (int n : new int[] {1, 2}) {
                SequenceLayer<float[]> layer = SequenceLayer.create(config, Precision.F32.withThreads(n), 1);
                if (w6) {
                    SequenceLayer.Stream<float[]> s = layer.stream(1, null);
                    systems.add(new Timed(w, "recur-f32", n, () -> s.step(x)));
                } else {
                    Workspace<float[]> ws = layer.inferenceWorkspace();
                    Activations<float[]> in = Activations.sequence(x, nt, 1, ni);
                    systems.add(new Timed(w, "recur-f32", n, () -> layer.forward(in, null, false, ws)));
                }
                for (Format f : Format.values()) {
                    QuantizedStack q = QuantizedStack.of(layer, f, n);
                    if (w6) {
                        QuantizedStack.Runner r = q.runner(1, null);
                        systems.add(new Timed(w, "recur-" + f.id(), n, () -> r.step(x, 0)));
                    } else {
                        systems.add(new Timed(w, "recur-" + f.id(), n, () -> {
                            QuantizedStack.Runner r = q.runner(1, null);
                            for (int t = 0; t < nt; t++) {
                                r.step(x, t * ni);
                            }
                        }));
                    }
                }
                Path file = w6 && Files.exists(models.resolve("W6.onnx")) ? models.resolve("W6.onnx") : export(config);
                if (file != null && Files.exists(file)) {
                    OrtSession session = OrtSessions.open(env, file, n);
                    OnnxTensor xt = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {nt, 1, ni});
                    Map<String, OnnxTensor> feed = new java.util.HashMap<>();
                    for (String name : session.getInputNames()) {
                        // recur's export also takes the sequence lengths [B] (int32)
                        feed.put(name, name.contains("length")
                                ? OnnxTensor.createTensor(env, java.nio.IntBuffer.wrap(new int[] {nt}), new long[] {1})
                                : xt);
                    }
                    systems.add(new Timed(w, "onnxruntime-f32", n, () -> {
                        try (OrtSession.Result r = session.run(feed)) {
                            r.get(0);
                        } catch (OrtException e) {
                            throw new IllegalStateException(e);
                        }
                    }));
                } else {
                    System.out.println(w + ": no ONNX model at " + file + "; ORT not timed");
                }
            }
            time(systems, rounds, samples, sampleMs, warmupS);
        }
        System.exit(0);
    }

    private static Path export(RecurrentConfig config) throws Exception {
        SequenceModelConfig c = SequenceModelConfig.builder().features(config.inputSize())
                .cell(config.cell(), config.hiddenSize()).layers(config.numLayers()).outputs(1).build();
        SequenceModel<float[]> m = SequenceModel.create(c, Precision.F32, 1);
        Path file = Files.createTempFile("recur-w7-", ".onnx");
        file.toFile().deleteOnExit();
        OnnxExporter.write(m, Preprocessing.NONE, file, new OnnxExporter.Options(false, "recur-bench"));
        return file;
    }

    private static void time(List<Timed> systems, int rounds, int samples, double sampleMs, double warmupS)
            throws InterruptedException {
        List<InterleavedTiming.Timing> timings = InterleavedTiming.time(systems.stream().map(Timed::call).toList(),
                rounds, samples, sampleMs, warmupS);
        for (int s = 0; s < systems.size(); s++) {
            Timed t = systems.get(s);
            InterleavedTiming.Timing m = timings.get(s);
            System.out.printf(Locale.ROOT, "%s  %-16s threads %d  median %10.1f us  (round medians %.1f .. %.1f)%n",
                    t.workload(), t.name(), t.threads(), m.medianMs() * 1e3, m.lowRoundMs() * 1e3,
                    m.highRoundMs() * 1e3);
        }
    }
}
