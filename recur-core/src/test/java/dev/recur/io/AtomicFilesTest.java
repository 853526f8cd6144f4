package dev.recur.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic replacement of files. */
class AtomicFilesTest {

    @TempDir
    Path tmp;

    private List<Path> listing() throws IOException {
        try (var s = Files.list(tmp)) {
            return s.sorted().toList();
        }
    }

    @Test
    void createsAndReplacesWithoutLeavingTemporaryFiles() throws IOException {
        Path target = tmp.resolve("out.bin");
        AtomicFiles.writeBytes(target, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
        AtomicFiles.write(target, out -> {
            out.write("hello".getBytes(StandardCharsets.US_ASCII));
            out.close(); // allowed
        });
        assertEquals("hello", Files.readString(target));
        assertEquals(List.of(target), listing());
    }

    @Test
    void failingBodyLeavesThePreviousFileIntact() throws IOException {
        Path target = tmp.resolve("keep.bin");
        Files.writeString(target, "old content");
        IOException boom = new IOException("disk on fire");
        IOException thrown = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]); // more than the buffer, so the temp file has data
            throw boom;
        }));
        assertSame(boom, thrown);
        assertEquals("old content", Files.readString(target));
        assertEquals(List.of(target), listing());

        IllegalStateException unchecked = new IllegalStateException("bug");
        assertSame(unchecked, assertThrows(IllegalStateException.class,
                () -> AtomicFiles.write(target, out -> {
                    out.write(1);
                    throw unchecked;
                })));
        assertEquals("old content", Files.readString(target));
        assertEquals(List.of(target), listing());
    }

    @Test
    void failingBodyCreatesNothingWhenThereWasNoFile() throws IOException {
        Path target = tmp.resolve("new.bin");
        assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            throw new IOException("nope");
        }));
        assertFalse(Files.exists(target));
        assertEquals(List.of(), listing());
    }

    @Test
    void missingDirectoryIsAnError() {
        assertThrows(NoSuchFileException.class,
                () -> AtomicFiles.writeBytes(tmp.resolve("no/such/dir/x.bin"), new byte[1]));
    }

    /** The temporary file's name (.x.bin.2o3jr0t4bp3xy.tmp) means nothing to the user: errors name the target. */
    @Test
    void errorsNameTheTargetNotTheTemporaryFile() throws IOException {
        Path missing = tmp.resolve("no/such/dir/x.bin");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> AtomicFiles.writeBytes(missing,
                new byte[1]));
        assertEquals(missing.toString(), e.getFile());
        assertEquals(missing + ": cannot be written: its folder " + missing.getParent() + " does not exist",
                e.getMessage());
        Path file = Files.writeString(tmp.resolve("file.txt"), "a file, not a folder");
        Path under = file.resolve("x.bin");
        FileSystemException f = assertThrows(FileSystemException.class, () -> AtomicFiles.writeBytes(under,
                new byte[1]));
        assertEquals(under.toString(), f.getFile());
        assertFalse(f.getMessage().contains(".tmp"), f.getMessage());
    }

    @Test
    void failedSafetensorsWriteKeepsTheOldFile() throws IOException {
        Path target = tmp.resolve("m.safetensors");
        new SafetensorsWriter().put("x", new double[] {1}, 1).write(target);
        byte[] before = Files.readAllBytes(target);
        Files.createDirectory(tmp.resolve("blocker"));
        // The target is a non-empty directory here, so the final move fails; nothing may remain.
        Path dirTarget = tmp.resolve("blocker");
        Files.writeString(dirTarget.resolve("inside"), "x");
        assertThrows(IOException.class,
                () -> new SafetensorsWriter().put("x", new double[] {2}, 1).write(dirTarget));
        assertEquals(List.of(dirTarget.resolve("inside")), Files.list(dirTarget).toList());
        assertArrayEquals(before, Files.readAllBytes(target));
        assertEquals(List.of(dirTarget, target), listing());
    }

    @Test
    void aLongNameIsWrittenThroughATemporaryNameThatFits() throws IOException {
        // a name of 255 bytes, the most a file system takes: the temporary name beside it must fit too
        Path target = tmp.resolve("\uD834\uDD1E".repeat(63) + "abc");
        assertEquals(255, target.getFileName().toString().getBytes(StandardCharsets.UTF_8).length);
        String temporary = AtomicFiles.temporaryName(target, ".k3f9.tmp");
        assertEquals("." + "\uD834\uDD1E".repeat(32) + ".k3f9.tmp", temporary);
        AtomicFiles.writeBytes(target, new byte[]{1, 2});
        assertArrayEquals(new byte[]{1, 2}, Files.readAllBytes(target));
        // short names are kept whole (the stale temporary files of a run are found by them)
        assertEquals(".model-00000001.safetensors.x.tmp",
                AtomicFiles.temporaryName(Path.of("run", "model-00000001.safetensors"), ".x.tmp"));
    }
}
