package dev.recur.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.recur.checkpoint.Checkpoint;
import dev.recur.checkpoint.Manifest;
import dev.recur.checkpoint.ManifestFormat;
import dev.recur.io.DType;
import dev.recur.io.SafetensorsFile;
import dev.recur.io.TensorEntry;

import org.junit.jupiter.api.Assumptions;

/**
 * Files for recur-cli's tests: what a run folder holds, a checkpoint corrupted behind its
 * checksums, and a named pipe (as recur-core's tests have {@code dev.recur.testing.FileFixtures}).
 */
final class FileFixtures {

    private FileFixtures() {
    }

    /**
     * The file names of a run folder and its manifest's content, to see that nothing changed.
     *
     * @param run the run folder
     * @return the sorted file names, then the content of {@code checkpoint.json}
     * @throws IOException if the folder cannot be listed or the manifest read
     */
    static List<String> snapshot(Path run) throws IOException {
        List<String> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(run)) {
            files.map(p -> p.getFileName().toString()).sorted().forEach(all::add);
        }
        all.add(Files.readString(run.resolve(Manifest.FILE)));
        return all;
    }

    /**
     * Overwrites one element of a tensor in a checkpoint's file and records the file's new SHA-256
     * in the manifest: a corrupt checkpoint whose checksums match.
     *
     * @param run    the run folder
     * @param role   {@code model}, {@code optimizer} or {@code trainer}
     * @param tensor the tensor's name
     * @param index  the element, row-major
     * @param value  the new value (rounded to float32 in an F32 tensor)
     * @throws IOException if a file cannot be read or written
     */
    static void poke(Path run, String role, String tensor, int index, double value) throws IOException {
        Manifest.FileRef ref = ManifestFormat.read(run).files().get(role);
        Path file = run.resolve(ref.name());
        TensorEntry t = SafetensorsFile.read(file).entry(tensor);
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int at = (int) (8 + b.getLong(0) + t.begin() + (long) index * t.dtype().byteSize());
        if (t.dtype() == DType.F32) {
            b.putFloat(at, (float) value);
        } else {
            b.putDouble(at, value);
        }
        Files.write(file, bytes);
        Path json = run.resolve(Manifest.FILE);
        Files.writeString(json, Files.readString(json).replace(ref.sha256(), Checkpoint.sha256(bytes)));
    }

    /**
     * Creates a named pipe with {@code mkfifo}, or skips the calling test (an assumption that fails)
     * where there is no {@code mkfifo} or it fails.
     *
     * @param path the pipe to create
     * @return {@code path}
     * @throws InterruptedException if interrupted while {@code mkfifo} runs
     */
    static Path fifoOrSkip(Path path) throws InterruptedException {
        int exit;
        try {
            exit = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start().waitFor();
        } catch (IOException e) {
            exit = -1;   // no mkfifo on this system
        }
        Assumptions.assumeTrue(exit == 0, "mkfifo creates a named pipe here");
        return path;
    }
}
