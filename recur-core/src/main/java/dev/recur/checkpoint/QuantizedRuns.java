package dev.recur.checkpoint;

import dev.recur.io.AtomicFiles;
import dev.recur.io.DType;
import dev.recur.io.Finiteness;
import dev.recur.io.FormatException;
import dev.recur.io.SafetensorsFile;
import dev.recur.io.SafetensorsWriter;
import dev.recur.io.TensorEntry;
import dev.recur.model.Model;
import dev.recur.model.ModelCodecs;
import dev.recur.model.QuantizedSequenceModel;
import dev.recur.model.SequenceModel;
import dev.recur.model.SequenceModelConfig;
import dev.recur.nn.sequence.QuantizedStack;
import dev.recur.nn.sequence.RecurrentConfig;
import dev.recur.tensor.Precision;
import dev.recur.tensor.QuantizedMatrix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Quantized copies of runs ({@code recur quantize}): a run folder whose {@code model.dtype} is
 * {@code bf16} or {@code int8} and whose model file holds the recurrent and head weights in that
 * format (int8 with a float32 scale per output row, {@code <name>.scale}), everything else float32
 * (docs/checkpoint-format.md). Such a run is for inference: it has no optimizer or trainer file and
 * is refused for training, resuming and export.
 */
public final class QuantizedRuns {

    /** Suffix of the tensor of per-row scales beside an int8 weight. */
    public static final String SCALE = ".scale";

    private QuantizedRuns() {
    }

    /**
     * Whether a manifest's {@code model.dtype} is that of a quantized copy.
     *
     * @param dtype {@code model.dtype}
     * @return true for {@code bf16} and {@code int8}
     */
    public static boolean isQuantized(String dtype) {
        return dtype.equals("bf16") || dtype.equals("int8");
    }

    /**
     * The run a quantized copy was made from, for a message that sends a user there: "the run it
     * was made from (RUN, step N)", or without the parentheses where the copy does not record it.
     *
     * @param copy the manifest of a quantized copy
     * @return the phrase
     */
    public static String source(Manifest copy) {
        Manifest.Source s = copy.quantizedFrom();
        return "the run it was made from" + (s == null ? "" : " (" + s.run() + ", step " + s.step() + ")");
    }

    /**
     * Writes a quantized copy of a run's model into a new run folder: {@code out} must not exist
     * (nothing is ever written into an existing folder); the copy is written into a new hidden
     * folder beside it and renamed to {@code out} only when complete, so {@code out} appears whole
     * or not at all.
     *
     * @param source a run folder of a float model (its current model, not the best)
     * @param out    the new run folder
     * @param format bf16 or int8
     * @return the new manifest
     * @throws IllegalArgumentException if the model is of a shape quantized inference does not
     *                                  cover, or the run is already a quantized copy
     * @throws FormatException if a weight is one the format cannot hold (bf16: beyond its range)
     * @throws FileAlreadyExistsException if {@code out} exists
     * @throws IOException if reading the run or writing fails
     */
    public static Manifest write(Path source, Path out, QuantizedMatrix.Format format) throws IOException {
        Manifest m = ManifestFormat.read(source);
        if (isQuantized(m.dtype())) {
            throw new IllegalArgumentException(m.directory() + " holds " + m.dtype() + " weights already (a quantized "
                    + "copy); quantize " + source(m));
        }
        if (!m.modelType().equals(ModelCodecs.SEQUENCE_MODEL)) {
            throw new IllegalArgumentException("quantize: expected a sequence model, found model type \""
                    + m.modelType() + "\"");
        }
        QuantizedSequenceModel.requireSupported(SequenceModelConfig.fromMap(m.modelConfig()));
        if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(out.toString(), null, "expected a new folder for the quantized "
                    + "copy; quantize never writes into an existing path");
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new NoSuchFileException(String.valueOf(parent), null, "the folder to create " + out.getFileName()
                    + " in does not exist");
        }
        // the manifest the weights were read with: a save may have replaced m meanwhile
        Checkpoint.Loaded<float[]> loaded = Checkpoint.loadModel(m.directory(), Precision.F32, false);
        Manifest from = loaded.manifest();
        @SuppressWarnings("unchecked")
        SequenceModel<float[]> model = (SequenceModel<float[]>) loaded.model();
        QuantizedSequenceModel q;
        try {
            q = QuantizedSequenceModel.of(model, format, 1);
        } catch (IllegalArgumentException e) {
            // the shape was checked above: what is left is a weight the format cannot hold
            throw new FormatException(from.directory().resolve(from.files().get("model").name()),
                    "weights " + format.id() + " can hold", e.getMessage(), "a run whose weights grew past the "
                    + "format's range (diverging when it was saved), or a model file edited by hand");
        }
        byte[] bytes = modelFile(q).toBytes();
        // a hidden folder of the usual permissions (createTempDirectory's would be owner-only)
        Path temp = Files.createDirectory(parent.resolve(AtomicFiles.temporaryName(out, ".quantize-"
                + Long.toHexString(System.nanoTime()))));
        Manifest manifest;
        try {
            Map<String, Manifest.FileRef> files = new LinkedHashMap<>();
            files.put("model", Checkpoint.write(temp, "model-" + Checkpoint.stamp(from.step()) + ".safetensors",
                    bytes));
            manifest = new Manifest(out, ManifestFormat.VERSION, from.step(), Instant.now().toString(),
                    from.modelType(), from.modelConfig(), format.id(), from.preprocessing(), null, from.provenance(),
                    from.training(), files, new Manifest.Source(from.directory().toAbsolutePath().normalize()
                            .toString(), from.step(), from.files().get("model").sha256()));
            AtomicFiles.writeBytes(temp.resolve(Manifest.FILE), ManifestFormat.write(manifest, 0));
            // rename(2) of a folder: atomic; it would replace an empty folder created since the check
            // above, never a file or a folder with content
            Files.move(temp, out, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.syncDirectory(parent);
        } catch (IOException | RuntimeException e) {
            deleteTree(temp);
            if (e instanceof FileSystemException && Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(out.toString(), null, "created by another process meanwhile");
            }
            throw e;
        }
        return manifest;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a hidden temporary folder may stay
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** The model file of a quantized model, tensors under the float model's state_dict names. */
    static SafetensorsWriter modelFile(QuantizedSequenceModel q) {
        SequenceModelConfig c = q.config();
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt").metadata("quantization", q.format().id());
        w.put("embedding.weight", q.embeddingWeight(), c.vocabSize(), c.embeddingDim());
        QuantizedStack rnn = q.rnn();
        for (int l = 0; l < c.rnn().numLayers(); l++) {
            putMatrix(w, "rnn.weight_ih_l" + l, rnn.weightIh(l));
            putMatrix(w, "rnn.weight_hh_l" + l, rnn.weightHh(l));
            if (c.rnn().bias()) {
                w.put("rnn.bias_ih_l" + l, rnn.biasIh(l), rnn.biasIh(l).length);
                w.put("rnn.bias_hh_l" + l, rnn.biasHh(l), rnn.biasHh(l).length);
            }
        }
        putMatrix(w, "head.weight", q.head());
        if (q.headBias() != null) {
            w.put("head.bias", q.headBias(), c.outputs());
        }
        return w;
    }

    private static void putMatrix(SafetensorsWriter w, String name, QuantizedMatrix m) {
        if (m.format() == QuantizedMatrix.Format.BF16) {
            w.putBf16(name, m.bf16Weights(), m.rows(), m.cols());
        } else {
            w.putBytes(name, m.int8Weights(), m.rows(), m.cols());
            w.put(name + SCALE, m.scales(), m.rows());
        }
    }

    /**
     * The quantized model of a manifest whose {@code model.dtype} is bf16 or int8, from its model
     * file (already checked against the manifest's checksum).
     *
     * @throws FormatException for a tensor missing, extra, of another dtype or shape, not finite, or
     *                         a negative scale; or a configuration quantized inference does not cover
     */
    @SuppressWarnings("unchecked")
    static <A> Model<A> model(Manifest manifest, SafetensorsFile file, Precision<A> precision) throws IOException {
        if (precision.isDouble()) {
            throw new FormatException(manifest.file(), "a float model for float64 (model.dtype float32 or float64)",
                    "model.dtype \"" + manifest.dtype() + "\"", "quantized weights compute in float32; use "
                    + source(manifest) + " for float64");
        }
        QuantizedMatrix.Format format = QuantizedMatrix.Format.fromId(manifest.dtype());
        SequenceModelConfig c;
        try {
            if (!manifest.modelType().equals(ModelCodecs.SEQUENCE_MODEL)) {
                throw new IllegalArgumentException("expected model type sequence_model, found " + manifest.modelType());
            }
            c = SequenceModelConfig.fromMap(manifest.modelConfig());
            QuantizedSequenceModel.requireSupported(c);
            Checkpoint.requireHeldWeights(manifest, file);
        } catch (IllegalArgumentException e) {
            throw FormatException.wrapping(manifest.file(), "a model quantized inference covers", e);
        }
        RecurrentConfig rc = c.rnn();
        int ng = rc.cell().gates() * rc.hiddenSize();
        Map<String, int[]> floats = new LinkedHashMap<>();
        Map<String, int[]> weights = new LinkedHashMap<>();
        floats.put("embedding.weight", new int[]{c.vocabSize(), c.embeddingDim()});
        for (int l = 0; l < rc.numLayers(); l++) {
            weights.put("rnn.weight_ih_l" + l, new int[]{ng, rc.layerInputSize(l)});
            weights.put("rnn.weight_hh_l" + l, new int[]{ng, rc.hiddenSize()});
            if (rc.bias()) {
                floats.put("rnn.bias_ih_l" + l, new int[]{ng});
                floats.put("rnn.bias_hh_l" + l, new int[]{ng});
            }
        }
        weights.put("head.weight", new int[]{c.outputs(), c.rnnWidth()});
        floats.put("head.bias", new int[]{c.outputs()});
        Map<String, DType> expected = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        floats.forEach((n, s) -> {
            expected.put(n, DType.F32);
            shapes.put(n, s);
        });
        weights.forEach((n, s) -> {
            expected.put(n, format == QuantizedMatrix.Format.INT8 ? DType.I8 : DType.BF16);
            shapes.put(n, s);
            if (format == QuantizedMatrix.Format.INT8) {
                expected.put(n + SCALE, DType.F32);
                shapes.put(n + SCALE, new int[]{s[0]});
            }
        });
        for (TensorEntry t : file.entries()) {
            if (!expected.containsKey(t.name())) {
                throw new FormatException(file.path(), "the tensors of a " + format.id() + " model (" + expected.size()
                        + ")", "an extra tensor '" + t.name() + "'", "the file was edited or written by another program");
            }
        }
        for (Map.Entry<String, DType> e : expected.entrySet()) {
            String n = e.getKey();
            if (!file.contains(n)) {
                throw new FormatException(file.path(), "tensor '" + n + "' (model.dtype " + format.id() + ")",
                        "no such tensor", "the file was edited or written by another program");
            }
            if (file.dtype(n) != e.getValue() || !Arrays.equals(file.shape(n), shapes.get(n))) {
                throw new FormatException(file.path(), "tensor '" + n + "' of dtype " + e.getValue() + " and shape "
                        + Arrays.toString(shapes.get(n)), "dtype " + file.dtype(n) + " and shape "
                        + Arrays.toString(file.shape(n)), "the manifest or the file was edited by hand");
            }
            if (e.getValue() == DType.F32) {
                Finiteness.requireFinite(file.path(), n, shapes.get(n), file.doubles(n));
            }
        }
        try {
            QuantizedMatrix[] ih = new QuantizedMatrix[rc.numLayers()];
            QuantizedMatrix[] hh = new QuantizedMatrix[rc.numLayers()];
            float[][] bih = rc.bias() ? new float[rc.numLayers()][] : null;
            float[][] bhh = rc.bias() ? new float[rc.numLayers()][] : null;
            for (int l = 0; l < rc.numLayers(); l++) {
                ih[l] = matrix(file, "rnn.weight_ih_l" + l, format);
                hh[l] = matrix(file, "rnn.weight_hh_l" + l, format);
                if (bih != null) {
                    bih[l] = file.floats("rnn.bias_ih_l" + l);
                    bhh[l] = file.floats("rnn.bias_hh_l" + l);
                }
            }
            QuantizedStack stack = QuantizedStack.of(rc, ih, hh, bih, bhh, precision.kernels().threads());
            return (Model<A>) new QuantizedSequenceModel(c, file.floats("embedding.weight"), stack,
                    matrix(file, "head.weight", format), file.floats("head.bias"));
        } catch (IllegalArgumentException e) {
            throw FormatException.wrapping(file.path(), "quantized weights recur can use", e);
        }
    }

    private static QuantizedMatrix matrix(SafetensorsFile file, String name, QuantizedMatrix.Format format) {
        int[] s = file.shape(name);
        ByteBuffer raw = file.bytes(name);
        if (format == QuantizedMatrix.Format.BF16) {
            short[] bits = new short[s[0] * s[1]];
            raw.asShortBuffer().get(bits);
            try {
                return QuantizedMatrix.ofBf16(s[0], s[1], bits);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tensor '" + name + "': " + e.getMessage(), e);
            }
        }
        byte[] q = new byte[s[0] * s[1]];
        raw.get(q);
        try {
            return QuantizedMatrix.ofInt8(s[0], s[1], q, file.floats(name + SCALE));
        } catch (IllegalArgumentException e) {
            // the message says whether a weight or a row's scale (tensor name + SCALE) is wrong
            throw new IllegalArgumentException("tensor '" + name + "': " + e.getMessage(), e);
        }
    }
}
