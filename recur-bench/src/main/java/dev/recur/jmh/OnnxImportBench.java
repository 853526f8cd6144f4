package dev.recur.jmh;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.recur.bench.Workload;
import dev.recur.bench.Workloads;
import dev.recur.data.Batch;
import dev.recur.nn.Activations;
import dev.recur.nn.Parameter;
import dev.recur.nn.sequence.RecurrentConfig;
import dev.recur.nn.sequence.SequenceLayer;
import dev.recur.nn.sequence.Workspace;
import dev.recur.onnx.ImportedModel;
import dev.recur.onnx.OnnxImporter;
import dev.recur.tensor.Precision;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The speed of a PyTorch-exported ONNX recurrent stack once imported into recur, against recur's
 * own stack of the same shape and against ONNX Runtime running the same {@code .onnx} file.
 *
 * <p>Not a JMH benchmark: a plain main, run by {@code bench/onnx-import.sh}, which exports the
 * models with {@code bench/onnx_import_export.py} first. For each workload it times, in one JVM:
 * <ul>
 *   <li>{@code recur-imported}: {@link OnnxImporter#read} of {@code Wn.onnx}; the importer builds the
 *       model on {@link Precision#F32}, so its stack's weights are copied, by name and unchanged,
 *       into a stack of the same {@link RecurrentConfig} on {@code Precision.F32.withThreads(n)};</li>
 *   <li>{@code recur-own}: {@code SequenceLayer.create(RecurrentConfig.builder(cell, I, H).layers(L)
 *       .build(), Precision.F32.withThreads(n), seed)}, as {@link dev.recur.bench.WorkloadRunner} does;</li>
 *   <li>{@code onnxruntime}: an ORT session on the same file, intra-op threads {@code n}, inter-op 1,
 *       sequential, all graph optimisations (as {@code bench/compare.sh}'s ORT peer);</li>
 *   <li>{@code onnxruntime-static}, when {@code Wn.static.onnx} exists: the same on the fixed-shape
 *       export {@code bench/compare.sh} uses (which the importer refuses; tried and reported), to
 *       show whether the dynamic axes the importer needs cost ORT anything.</li>
 * </ul>
 * Both recur stacks run the inference path of {@code recur bench}: {@code forward(x, null, false,
 * inferenceWorkspace)} from the zero state (weights packed once, buffers reused). All three get the
 * same input ({@code Wn.x.bin}). Batch-1 workloads (W6, W7) run at {@code n} and at 1 thread, as
 * {@code compare.sh} does, and each system keeps its better median.
 *
 * <p>Timing ({@link InterleavedTiming}): every system is warmed for at least {@code --warmup-s}
 * seconds; then {@code --rounds} rounds run the systems in turn, each round starting one system
 * later; in a round a system takes {@code --samples} samples, each the mean of as many calls as fill
 * {@code --sample-ms}. The figure reported is the median of all samples; the spread is the lowest
 * and highest round median.
 *
 * <p>Before timing, the output of the imported model (the whole {@link ImportedModel#model()} as the
 * importer built it, identity head included, and the re-threaded stack) is compared with ORT's on
 * the same input, and ORT's with PyTorch's ({@code Wn.y.bin}); a difference above
 * {@code --tolerance} (1e-4) makes the exit status 1.
 *
 * <p>Arguments: {@code --models DIR --workloads W1,W2,W6 --threads 2 --rounds 5 --samples 3
 * --sample-ms 50 --warmup-s 3 --tolerance 1e-4}. Needs {@code --add-modules jdk.incubator.vector}
 * and the ONNX Runtime jar on the class path (recur-bench depends on it in scope provided, so it is
 * not shaded into {@code benchmarks.jar}).
 */
public final class OnnxImportBench {

    private OnnxImportBench() {
    }

    /** One timed system at one thread count. */
    private record Timed(String name, int threads, Runnable call) {
    }

    /** What was measured of one system. */
    private record Result(String name, int threads, double medianMs, double lowRoundMs, double highRoundMs,
                          int callsPerSample, int samples) {
    }

    /**
     * Runs the comparison; see the class comment for the arguments.
     *
     * @param args the arguments
     * @throws Exception on a file that cannot be read or imported, or an ORT failure
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, found " + Arrays.toString(args));
            }
            a.put(args[i].substring(2), args[i + 1]);
        }
        Path dir = Path.of(a.getOrDefault("models", "models"));
        List<String> names = List.of(a.getOrDefault("workloads", "W1,W2,W6").split(","));
        int threads = Integer.parseInt(a.getOrDefault("threads", "2"));
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "5"));
        int samples = Integer.parseInt(a.getOrDefault("samples", "3"));
        double sampleMs = Double.parseDouble(a.getOrDefault("sample-ms", "50"));
        double warmupS = Double.parseDouble(a.getOrDefault("warmup-s", "3"));
        double tolerance = Double.parseDouble(a.getOrDefault("tolerance", "1e-4"));
        if (Precision.vectorUnavailableReason() != null) {
            throw new IllegalStateException("recur would time its reference kernels: "
                    + Precision.vectorUnavailableReason());
        }

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        System.out.printf(Locale.ROOT, "java %s; ONNX Runtime %s (%s); recur %s; threads %d; rounds %d x %d samples"
                        + " of >= %.0f ms; warm-up >= %.1f s per system%n", System.getProperty("java.version"),
                env.getVersion(), OrtEnvironment.getAvailableProviders(), Precision.F32.withThreads(threads).name(),
                threads, rounds, samples, sampleMs, warmupS);

        Map<Workload, List<Result>> all = new LinkedHashMap<>();
        Map<Workload, double[]> checks = new LinkedHashMap<>();
        boolean ok = true;
        for (Workload w : Workloads.select(names)) {
            Path file = dir.resolve(w.name() + ".onnx");
            float[] x = readF32(dir.resolve(w.name() + ".x.bin"), (long) w.steps() * w.batch() * w.inputSize());
            float[] yTorch = readF32(dir.resolve(w.name() + ".y.bin"), (long) w.steps() * w.batch() * w.hiddenSize());
            Activations<float[]> in = Activations.sequence(x, w.steps(), w.batch(), w.inputSize());

            Path staticFile = dir.resolve(w.name() + ".static.onnx");
            if (Files.exists(staticFile)) {
                try {
                    OnnxImporter.read(staticFile);
                    System.out.println(staticFile.getFileName() + " (fixed shapes): imported as well");
                } catch (IOException e) {
                    System.out.println(staticFile.getFileName() + " (fixed shapes): not imported: " + e.getMessage());
                }
            }
            ImportedModel imported = OnnxImporter.read(file);
            RecurrentConfig ownConfig = RecurrentConfig.builder(w.cell(), w.inputSize(), w.hiddenSize())
                    .layers(w.layers()).build();
            RecurrentConfig importedConfig = imported.model().rnn().config();
            if (!imported.headAdded() || importedConfig.cell() != ownConfig.cell()
                    || importedConfig.inputSize() != ownConfig.inputSize()
                    || importedConfig.hiddenSize() != ownConfig.hiddenSize()
                    || importedConfig.numLayers() != ownConfig.numLayers()
                    || importedConfig.directions() != 1) {
                throw new IllegalStateException(file + ": expected a bare " + w.cell() + " stack I" + w.inputSize()
                        + " H" + w.hiddenSize() + " L" + w.layers() + ", found " + importedConfig
                        + (imported.headAdded() ? "" : " with a head"));
            }

            System.out.println(w.name() + ": imported stack " + (importedConfig.equals(ownConfig)
                    ? "has the configuration of recur's own: " + ownConfig
                    : importedConfig + ", recur's own " + ownConfig));
            List<Integer> threadCounts = w.batch() == 1 && threads != 1 ? List.of(threads, 1) : List.of(threads);
            List<Timed> systems = new ArrayList<>();
            List<AutoCloseable> toClose = new ArrayList<>();
            double[] check = null;
            for (int n : threadCounts) {
                Precision<float[]> p = Precision.F32.withThreads(n);
                SequenceLayer<float[]> importedLayer = rethreaded(imported.model().rnn(), p);
                SequenceLayer<float[]> ownLayer = SequenceLayer.create(ownConfig, p, 1);
                Workspace<float[]> wsImported = importedLayer.inferenceWorkspace();
                Workspace<float[]> wsOwn = ownLayer.inferenceWorkspace();
                OrtSession session = OrtSessions.open(env, file, n);
                toClose.add(session);
                OrtSession staticSession = Files.exists(staticFile) ? OrtSessions.open(env, staticFile, n) : null;
                if (staticSession != null) {
                    toClose.add(staticSession);
                }
                OnnxTensor xt = OnnxTensor.createTensor(env, FloatBuffer.wrap(x),
                        new long[] {w.steps(), w.batch(), w.inputSize()});
                toClose.add(xt);
                Map<String, OnnxTensor> feed = Map.of(session.getInputNames().iterator().next(), xt);
                if (check == null) {
                    check = check(imported, importedLayer, wsImported, in, x, w, session, feed, yTorch);
                    checks.put(w, check);
                    ok &= check[0] <= tolerance && check[1] <= tolerance && check[2] <= tolerance;
                }
                systems.add(new Timed("recur-imported", n,
                        () -> importedLayer.forward(in, null, false, wsImported).output()));
                systems.add(new Timed("recur-own", n, () -> ownLayer.forward(in, null, false, wsOwn).output()));
                systems.add(new Timed("onnxruntime", n, () -> run(session, feed)));
                if (staticSession != null) {
                    Map<String, OnnxTensor> staticFeed = Map.of(staticSession.getInputNames().iterator().next(), xt);
                    double d = maxAbsDiff(output(staticSession, staticFeed), output(session, feed));
                    if (!(d <= tolerance)) {
                        throw new IllegalStateException(staticFile + " and " + file + " differ by " + d);
                    }
                    systems.add(new Timed("onnxruntime-static", n, () -> run(staticSession, staticFeed)));
                }
            }
            List<Result> results = time(systems, rounds, samples, sampleMs, warmupS);
            all.put(w, results);
            System.out.printf(Locale.ROOT, "%s %s B%d T%d I%d H%d L%d: max |imported model - ORT| %.2e,"
                            + " max |re-threaded stack - ORT| %.2e, max |ORT - PyTorch| %.2e%n",
                    w.name(), w.cell(), w.batch(), w.steps(), w.inputSize(), w.hiddenSize(), w.layers(),
                    check[0], check[1], check[2]);
            for (Result r : results) {
                System.out.printf(Locale.ROOT, "  %-18s %d thr  median %9.3f ms  round medians %9.3f .. %9.3f ms"
                                + "  (%d x %d calls)%n", r.name, r.threads, r.medianMs, r.lowRoundMs, r.highRoundMs,
                        r.samples, r.callsPerSample);
            }
            for (AutoCloseable c : toClose) {
                c.close();
            }
        }

        System.out.println();
        System.out.println("| workload | recur imported ms | tokens/s | recur own ms | imported / own"
                + " | ONNX Runtime ms | tokens/s | ORT / imported | ORT fixed-shape file ms | max abs diff vs ORT |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (Map.Entry<Workload, List<Result>> e : all.entrySet()) {
            Workload w = e.getKey();
            Result imp = best(e.getValue(), "recur-imported");
            Result own = best(e.getValue(), "recur-own");
            Result ort = best(e.getValue(), "onnxruntime");
            Result ortStatic = best(e.getValue(), "onnxruntime-static");
            double[] c = checks.get(w);
            System.out.printf(Locale.ROOT, "| %s %s B%d T%d I%d H%d L%d | %s%s | %s | %s%s | %.3f | %s%s | %s | %.2f | %s | %.1e |%n",
                    w.name(), w.cell(), w.batch(), w.steps(), w.inputSize(), w.hiddenSize(), w.layers(),
                    ms(imp.medianMs), thr(imp, threads), tokens(w, imp), ms(own.medianMs), thr(own, threads),
                    imp.medianMs / own.medianMs, ms(ort.medianMs), thr(ort, threads), tokens(w, ort),
                    ort.medianMs / imp.medianMs,
                    ortStatic == null ? "—" : ms(ortStatic.medianMs) + thr(ortStatic, threads), Math.max(c[0], c[1]));
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "medians over %d rounds x %d samples; (1 thr): that system was faster on one"
                + " thread than on %d; ratios above 1 mean the second is slower%n", rounds, samples, threads);
        if (!ok) {
            System.out.println("FAILED: an output differs from ONNX Runtime's or PyTorch's by more than " + tolerance);
            System.exit(1);
        }
    }

    /** The same stack, weights copied by name, on another precision (thread count). */
    private static SequenceLayer<float[]> rethreaded(SequenceLayer<float[]> from, Precision<float[]> p) {
        SequenceLayer<float[]> to = SequenceLayer.create(from.config(), p, 0);
        to.setTraining(false);
        Map<String, Parameter<float[]>> src = from.namedParameters();
        Map<String, Parameter<float[]>> dst = to.namedParameters();
        if (!src.keySet().equals(dst.keySet())) {
            throw new IllegalStateException("expected the parameters " + dst.keySet() + ", found " + src.keySet());
        }
        for (Map.Entry<String, Parameter<float[]>> e : src.entrySet()) {
            Parameter<float[]> d = dst.get(e.getKey());
            if (!Arrays.equals(d.shape(), e.getValue().shape())) {
                throw new IllegalStateException(e.getKey() + ": expected shape " + Arrays.toString(d.shape())
                        + ", found " + Arrays.toString(e.getValue().shape()));
            }
            System.arraycopy(e.getValue().value(), 0, d.value(), 0, d.size());
        }
        return to;
    }

    /**
     * {max |imported model - ORT|, max |re-threaded stack - ORT|, max |ORT - PyTorch|}; the first runs
     * the whole imported model (identity head included) as the importer built it.
     */
    private static double[] check(ImportedModel imported, SequenceLayer<float[]> layer, Workspace<float[]> ws,
                                  Activations<float[]> in, float[] x, Workload w, OrtSession session,
                                  Map<String, OnnxTensor> feed, float[] yTorch) throws OrtException {
        float[] yOrt = output(session, feed);
        double[] xd = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            xd[i] = x[i];
        }
        float[] yModel = imported.model().forward(Batch.ofFeatures(xd, w.steps(), w.batch(), w.inputSize(), null,
                null)).values();
        float[] yLayer = layer.forward(in, null, false, ws).output();
        return new double[] {maxAbsDiff(yModel, yOrt), maxAbsDiff(yLayer, yOrt), maxAbsDiff(yOrt, yTorch)};
    }

    private static float[] output(OrtSession session, Map<String, OnnxTensor> feed) throws OrtException {
        try (OrtSession.Result r = session.run(feed)) {
            return ((OnnxTensor) r.get(0)).getFloatBuffer().array();
        }
    }

    private static void run(OrtSession session, Map<String, OnnxTensor> feed) {
        try {
            session.run(feed).close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double maxAbsDiff(float[] p, float[] q) {
        if (p.length < q.length) {
            return Double.POSITIVE_INFINITY;
        }
        double m = 0;
        for (int i = 0; i < q.length; i++) {
            m = Math.max(m, Math.abs((double) p[i] - q[i]));
        }
        return Double.isNaN(m) ? Double.POSITIVE_INFINITY : m;
    }

    /** Warm-up, then rounds of the systems in turn ({@link InterleavedTiming}). */
    private static List<Result> time(List<Timed> systems, int rounds, int samples, double sampleMs,
                                     double warmupS) throws InterruptedException {
        List<InterleavedTiming.Timing> timings = InterleavedTiming.time(systems.stream().map(Timed::call).toList(),
                rounds, samples, sampleMs, warmupS);
        List<Result> out = new ArrayList<>();
        for (int s = 0; s < systems.size(); s++) {
            InterleavedTiming.Timing t = timings.get(s);
            out.add(new Result(systems.get(s).name, systems.get(s).threads, t.medianMs(), t.lowRoundMs(),
                    t.highRoundMs(), t.callsPerSample(), t.samples()));
        }
        return out;
    }

    private static Result best(List<Result> results, String name) {
        Result best = null;
        for (Result r : results) {
            if (r.name.equals(name) && (best == null || r.medianMs < best.medianMs)) {
                best = r;
            }
        }
        return best;
    }

    private static String thr(Result r, int threads) {
        return r.threads == threads ? "" : " (" + r.threads + " thr)";
    }

    private static String ms(double ms) {
        return String.format(Locale.ROOT, ms < 1 ? "%.4f" : ms < 100 ? "%.2f" : "%.1f", ms);
    }

    private static String tokens(Workload w, Result r) {
        return String.format(Locale.ROOT, "%,.0f", w.tokens() / (r.medianMs / 1e3));
    }

    private static float[] readF32(Path p, long expected) throws IOException {
        byte[] bytes = Files.readAllBytes(p);
        if (bytes.length != expected * 4) {
            throw new IOException(p + ": expected " + expected + " float32 values, found " + bytes.length + " bytes");
        }
        float[] f = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }
}
