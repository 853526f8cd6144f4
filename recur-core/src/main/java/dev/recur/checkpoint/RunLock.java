package dev.recur.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lock a process holds on a run folder while it writes checkpoints into it, so that a second
 * writer (two {@code train --resume} of one run) is refused instead of deleting the first one's
 * files. The lock is the operating system's lock on the file {@value #FILE} in the run folder, which
 * also records the holder (its process id, command and start time) for the refusal; the system
 * releases it when the process ends however it ends, so a lock left by a killed process is never in
 * the way (the file stays, with its last holder, and is taken over). Readers (sample, eval, inspect)
 * take no lock. One instance per acquisition; close it to release.
 *
 * <p>It keeps other processes out, and a second acquire in this process is refused too; an instance
 * has no mutable state of its own and may be closed from any thread.
 */
public final class RunLock implements AutoCloseable {

    /** The lock file's name in a run folder. */
    public static final String FILE = "run.lock";

    /** The run folders (real paths) this process holds the lock of, with the holder's record. */
    private static final Map<Path, String> HELD = new ConcurrentHashMap<>();

    private final FileChannel channel;
    private final FileLock lock;
    private final Path key;

    private RunLock(FileChannel channel, FileLock lock, Path key) {
        this.channel = channel;
        this.lock = lock;
        this.key = key;
    }

    /**
     * Takes the lock of a run folder, or refuses naming the process that holds it.
     *
     * @param run     the run folder (it must exist)
     * @param command what is taking it, recorded for a refused second writer (e.g. {@code recur train --resume})
     * @return the lock, to close when writing ends
     * @throws FileSystemException if another process (or another writer in this one) holds it: the message
     *                             names its process id, command and start time
     * @throws IOException         if the lock file cannot be created or written
     */
    public static RunLock acquire(Path run, String command) throws IOException {
        Path file = run.resolve(FILE);
        // never through a link: the lock must be this folder's own file
        dev.recur.io.AtomicFiles.requireReplaceable(file);
        // A second writer in this process is refused before it opens the file: closing any channel of a
        // file releases every lock the process holds on it (POSIX), the first writer's included.
        Path key = run.toRealPath();
        String me = "process " + ProcessHandle.current().pid() + " (" + command + ", since "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS) + ")";
        String holder = HELD.putIfAbsent(key, me);
        if (holder != null) {
            throw refused(run, holder);
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            FileLock lock = ch.tryLock();
            if (lock == null) {
                throw refused(run, holder(ch));
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(false);
            return new RunLock(ch, lock, key);
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                ch.close();
            }
            HELD.remove(key);
            throw e;
        }
    }

    private static FileSystemException refused(Path run, String holder) {
        return new FileSystemException(run.toString(), null, "expected a run folder no other process is writing, "
                + "found it locked by " + holder + "; likely cause: another recur command training this run "
                + "(wait for it to end, or stop it)");
    }

    /** The holder as the lock file records it, at most a short line. */
    private static String holder(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(200);   // the record is a short line; never more is read
            int n = ch.read(b, 0);
            String s = n <= 0 ? "" : new String(b.array(), 0, n, StandardCharsets.UTF_8).strip();
            return s.isEmpty() || s.contains("\n") ? "another process" : s;
        } catch (IOException e) {
            return "another process";
        }
    }

    /** Releases the lock (the file stays, recording its last holder). */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            try {
                channel.close();
            } finally {
                HELD.remove(key);
            }
        }
    }
}
