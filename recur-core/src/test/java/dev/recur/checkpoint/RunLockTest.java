package dev.recur.checkpoint;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lock of a run folder within one process: a second writer is refused, and the first keeps its lock. */
class RunLockTest {

    @TempDir
    Path run;

    @Test
    void aSecondWriterInTheSameProcessIsRefusedWithoutTouchingTheFirstsLock() throws IOException {
        try (RunLock first = RunLock.acquire(run, "first writer")) {
            FileSystemException e = assertThrows(FileSystemException.class, () -> RunLock.acquire(run, "second"));
            assertTrue(e.getMessage().contains("found it locked by process " + ProcessHandle.current().pid()
                    + " (first writer, since "), e.getMessage());
            // through another path to the same folder too
            Path alias = Files.createSymbolicLink(run.resolveSibling(run.getFileName() + "-alias"), run);
            try {
                assertThrows(FileSystemException.class, () -> RunLock.acquire(alias, "third"));
            } finally {
                Files.delete(alias);
            }
        }
        // released: the next writer takes it
        try (RunLock again = RunLock.acquire(run, "after")) {
            assertTrue(Files.readString(run.resolve(RunLock.FILE)).contains("(after, since "));
        }
    }
}
