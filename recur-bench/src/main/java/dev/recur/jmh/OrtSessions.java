package dev.recur.jmh;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;

/**
 * ONNX Runtime as the peer of the one-JVM comparisons ({@link OnnxImportBench},
 * {@link QuantizedInferenceBench}): one session setting for both, as {@code bench/compare.sh}'s
 * {@code anchors.OrtBench} configures it.
 */
final class OrtSessions {

    private OrtSessions() {
    }

    /**
     * A session on {@code file}: {@code threads} intra-op threads, one inter-op thread, sequential
     * execution, every graph optimisation.
     */
    static OrtSession open(OrtEnvironment env, Path file, int threads) throws OrtException {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(threads);
        so.setInterOpNumThreads(1);
        so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        return env.createSession(file.toString(), so);
    }
}
