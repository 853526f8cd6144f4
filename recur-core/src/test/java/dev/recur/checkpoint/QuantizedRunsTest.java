package dev.recur.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.recur.charlm.CharModelRun;
import dev.recur.charlm.CharModelSettings;
import dev.recur.io.DType;
import dev.recur.io.FormatException;
import dev.recur.io.SafetensorsFile;
import dev.recur.io.SafetensorsWriter;
import dev.recur.io.TensorEntry;
import dev.recur.model.Model;
import dev.recur.model.QuantizedSequenceModel;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.tensor.Precision;
import dev.recur.tensor.QuantizedMatrix;
import dev.recur.train.TinyCorpus;
import dev.recur.train.TrainingListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quantized copies of a run on disk: what {@code recur quantize} writes loads back as the same
 * weights, and a model file edited in any of the ways the loader checks (a tensor missing or extra,
 * a bad scale, a NaN bf16 weight, an int8 weight of -128) is refused in one line naming the file and
 * the tensor. Each edited file gets a checksum and size that match, so the check under test is the
 * one that answers.
 */
class QuantizedRunsTest {

    @TempDir
    Path tmp;

    private Path trainedRun() throws IOException {
        Path run = tmp.resolve("run");
        CharModelSettings.Builder b = CharModelSettings.builder().cell(CellKind.LSTM).embeddingDim(8).hiddenSize(16)
                .layers(2).batch(4).seq(16);
        CharModelSettings s = b.train(b.train().toBuilder().steps(2).evalEvery(0).checkpointEvery(0).threads(1)
                .build()).build();
        CharModelRun.start(s, Precision.F32, TinyCorpus.english(2000)).checkpointInto(run, Checkpoint.WriteHook.NONE)
                .trainer().train(TrainingListener.NONE);
        return run;
    }

    @Test
    void aCopyLoadsBackWithTheWeightsItWasWrittenWith() throws IOException {
        Path run = trainedRun();
        for (QuantizedMatrix.Format f : QuantizedMatrix.Format.values()) {
            Path q = tmp.resolve(f.id());
            Manifest m = QuantizedRuns.write(run, q, f);
            assertEquals(f.id(), m.dtype());
            Model<float[]> loaded = Checkpoint.loadModel(q, Precision.F32, false).model();
            QuantizedSequenceModel qm = (QuantizedSequenceModel) loaded;
            SafetensorsFile file = SafetensorsFile.read(q.resolve(m.files().get("model").name()));
            assertEquals(f == QuantizedMatrix.Format.INT8 ? DType.I8 : DType.BF16, file.dtype("head.weight"));
            assertArrayEquals(file.floats("head.bias"), qm.headBias());
            try (var files = Files.list(tmp)) {
                assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith(".")), "no hidden folder left");
            }
        }
    }

    @Test
    void aCopyRecordsTheRunItWasMadeFromAndSendsUsersThere() throws IOException {
        Path run = trainedRun();
        Manifest source = ManifestFormat.read(run);
        Path q = tmp.resolve("q");
        QuantizedRuns.write(run, q, QuantizedMatrix.Format.INT8);
        Manifest copy = ManifestFormat.read(q);
        assertEquals(new Manifest.Source(run.toAbsolutePath().normalize().toString(), source.step(),
                source.files().get("model").sha256()), copy.quantizedFrom());
        FormatException resumed = assertThrows(FormatException.class, () -> Checkpoint.load(q, Precision.F32));
        assertTrue(resumed.getMessage().contains("resume the run it was made from (" + run.toAbsolutePath().normalize()
                + ", step " + source.step() + ")"), resumed.getMessage());

        // the record is for messages: an edited one that is not an absolute path on one line, or not
        // a SHA-256, is refused in one line
        String json0 = Files.readString(q.resolve(Manifest.FILE));
        for (String[] edit : new String[][]{{"run", "runs/relative", "quantized_from.run: an absolute path"},
                {"run", "/a\nb", "found \"/a?b\""},
                {"model_sha256", "ABC", "quantized_from.model_sha256: 64 lower-case hex digits"}}) {
            ObjectNode root = (ObjectNode) ManifestFormat.JSON.readTree(json0);
            ((ObjectNode) root.get("quantized_from")).put(edit[0], edit[1]);
            Files.writeString(q.resolve(Manifest.FILE), ManifestFormat.JSON.writeValueAsString(root));
            FormatException e = assertThrows(FormatException.class, () -> ManifestFormat.read(q));
            assertTrue(e.getMessage().contains(edit[2]) && !e.getMessage().contains("\n"), e.getMessage());
        }
        Files.writeString(q.resolve(Manifest.FILE), json0);

        // a copy as the previous version wrote it (the same manifest without quantized_from) still
        // loads, and the message sends users to "the run it was made from" without naming it
        String json = Files.readString(q.resolve(Manifest.FILE));
        String older = json.replaceFirst(",\\s*\"quantized_from\"\\s*:\\s*\\{[^}]*\\}", "");
        assertFalse(older.contains("quantized_from"), older);
        Files.writeString(q.resolve(Manifest.FILE), older);
        assertEquals(null, ManifestFormat.read(q).quantizedFrom());
        assertTrue(Checkpoint.loadModel(q, Precision.F32, false).model() instanceof QuantizedSequenceModel);
        FormatException unnamed = assertThrows(FormatException.class, () -> Checkpoint.load(q, Precision.F32));
        assertTrue(unnamed.getMessage().contains("resume the run it was made from"), unnamed.getMessage());

        // and a float run that claims to be made from another is an edited file
        String runJson = Files.readString(run.resolve(Manifest.FILE));
        Files.writeString(run.resolve(Manifest.FILE), runJson.replaceFirst("\"files\"",
                "\"quantized_from\":{\"run\":\"/x\",\"step\":1,\"model_sha256\":\"00\"},\"files\""));
        FormatException edited = assertThrows(FormatException.class, () -> ManifestFormat.read(run));
        assertTrue(edited.getMessage().contains("quantized_from only in a quantized copy"), edited.getMessage());
    }

    @Test
    void editedModelFilesAreRefusedNamingTheTensor() throws IOException {
        Path run = trainedRun();
        Path int8 = tmp.resolve("int8");
        QuantizedRuns.write(run, int8, QuantizedMatrix.Format.INT8);
        Path bf16 = tmp.resolve("bf16");
        QuantizedRuns.write(run, bf16, QuantizedMatrix.Format.BF16);

        refused(int8, "head.weight.scale", Edit.DROP, "no such tensor");
        refused(int8, "head.bias", Edit.ADD_ANOTHER, "an extra tensor 'extra'");
        refused(int8, "rnn.weight_ih_l0.scale", Edit.FIRST_NEGATIVE, "the scale of row 0 is -1.0");
        refused(int8, "rnn.weight_hh_l1", Edit.FIRST_MINUS_128, "is -128");
        refused(bf16, "head.weight", Edit.FIRST_NAN, "NaN");
    }

    /** What is done to one tensor of the model file. */
    private enum Edit {
        /** Left out. */
        DROP,
        /** Kept, and a tensor 'extra' written after it. */
        ADD_ANOTHER,
        /** A float32 tensor whose first value is -1. */
        FIRST_NEGATIVE,
        /** An int8 tensor whose first weight is -128. */
        FIRST_MINUS_128,
        /** A bf16 tensor whose first weight is NaN (bits 0x7fc0). */
        FIRST_NAN
    }

    /**
     * Rewrites a copy of {@code copy}'s folder with one tensor of its model file edited, fixes the
     * manifest's checksum and size, and expects loading to fail with one line naming the file, the
     * tensor and {@code says}.
     */
    private void refused(Path copy, String tensor, Edit edit, String says) throws IOException {
        Path dir = tmp.resolve("edited-" + tensor + "-" + edit);
        Files.createDirectory(dir);
        try (var files = Files.list(copy)) {
            for (Path p : files.toList()) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        Manifest.FileRef ref = ManifestFormat.read(dir).files().get("model");
        Path model = dir.resolve(ref.name());
        SafetensorsFile in = SafetensorsFile.read(model);
        SafetensorsWriter w = new SafetensorsWriter();
        for (TensorEntry t : in.entries()) {
            if (t.name().equals(tensor)) {
                if (edit != Edit.DROP) {
                    copyTensor(in, t, w, edit);
                }
                if (edit == Edit.ADD_ANOTHER) {
                    w.put("extra", new float[]{1}, 1);
                }
            } else {
                copyTensor(in, t, w, null);
            }
        }
        byte[] bytes = w.toBytes();
        Files.write(model, bytes);
        Path json = dir.resolve(Manifest.FILE);
        Files.writeString(json, Files.readString(json).replace(ref.sha256(), Checkpoint.sha256(bytes))
                .replace("\"bytes\" : " + ref.bytes(), "\"bytes\" : " + bytes.length));
        FormatException e = assertThrows(FormatException.class, () -> Checkpoint.loadModel(dir, Precision.F32, false));
        String msg = e.getMessage();
        assertTrue(msg.startsWith(model.toString()), msg);
        // a scale's fault is reported on its weight: "tensor 'W': ... the scale of row r ..."
        String named = edit == Edit.ADD_ANOTHER ? "extra"
                : edit == Edit.FIRST_NEGATIVE ? tensor.replace(QuantizedRuns.SCALE, "") : tensor;
        assertTrue(msg.contains("'" + named + "'"), msg);
        assertTrue(msg.contains(says), msg);
        assertFalse(msg.contains("\n"), msg);
    }

    private static void copyTensor(SafetensorsFile in, TensorEntry t, SafetensorsWriter w, Edit edit) {
        DType d = in.dtype(t.name());
        if (d == DType.F32) {
            float[] v = in.floats(t.name());
            if (edit == Edit.FIRST_NEGATIVE) {
                v[0] = -1;
            }
            w.put(t.name(), v, t.shape());
            return;
        }
        ByteBuffer raw = in.bytes(t.name());
        if (d == DType.I8) {
            byte[] q = new byte[raw.remaining()];
            raw.get(q);
            if (edit == Edit.FIRST_MINUS_128) {
                q[0] = -128;
            }
            w.putBytes(t.name(), q, t.shape());
        } else {
            short[] bits = new short[raw.remaining() / 2];
            raw.asShortBuffer().get(bits);
            if (edit == Edit.FIRST_NAN) {
                bits[0] = (short) 0x7fc0;
            }
            w.putBf16(t.name(), bits, t.shape());
        }
    }
}
