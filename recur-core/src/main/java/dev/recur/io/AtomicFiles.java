package dev.recur.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Atomic file replacement: readers of the target see either the complete old content or the
 * complete new content, never a partial file, even if the writer fails or the machine crashes.
 *
 * <p>The content goes to a temporary file in the target's directory (named
 * {@code .<target name>.<random>.tmp}), which is flushed to the device with
 * {@link FileChannel#force(boolean)} and then moved over the target with
 * {@link StandardCopyOption#ATOMIC_MOVE}. Finally the directory is synced, where the platform
 * allows it, so that the rename itself is durable. If anything fails, the temporary file is
 * deleted and the target is left as it was, and an error about the temporary file names the target
 * instead.
 *
 * <p>Stateless and thread-safe: each write goes through its own uniquely named temporary file, so
 * concurrent writers of one target (threads or processes) never mix their bytes; the last rename
 * wins.
 */
public final class AtomicFiles {

    private static final int BUFFER_BYTES = 1 << 16;

    private AtomicFiles() {
    }

    /**
     * Something that writes to a sink and may fail with an {@link IOException}.
     *
     * @param <T> the type of the sink
     */
    @FunctionalInterface
    public interface IoConsumer<T> {
        /**
         * Writes to the sink.
         *
         * @param sink where to write
         * @throws IOException if writing fails
         */
        void accept(T sink) throws IOException;
    }

    /**
     * A hidden name beside {@code target} for a temporary file or folder: a dot, the target's name,
     * then {@code suffix}; a name of more than 200 bytes (a name may take all of the file system's
     * 255, and the temporary one must still fit) is cut to its first 32 characters.
     *
     * @param target the file or folder the temporary one will become
     * @param suffix what tells temporary names apart, e.g. {@code ".k3f9.tmp"}
     * @return the name, without a folder
     */
    public static String temporaryName(Path target, String suffix) {
        String name = target.getFileName().toString();
        StringBuilder b = new StringBuilder(".");
        if (name.getBytes(StandardCharsets.UTF_8).length <= 200) {
            b.append(name);
        } else {
            name.codePoints().limit(32).forEach(b::appendCodePoint);
        }
        return b.append(suffix).toString();
    }

    /**
     * Atomically replaces (or creates) {@code target} with the bytes {@code body} writes.
     *
     * <p>The stream given to {@code body} is buffered. {@code body} may close it, but need not.
     * If {@code body} throws, the exception propagates unchanged and {@code target} is untouched.
     *
     * @param target the file to create or replace; its directory must exist
     * @param body writes the new content
     * @throws IOException if {@code target} exists and is not a regular file (a folder, a symbolic
     *     link, a device or a pipe: nothing is written), or {@code body} or the file system fails,
     *     including when the file system cannot move atomically
     *     ({@link java.nio.file.AtomicMoveNotSupportedException})
     */
    public static void write(Path target, IoConsumer<? super OutputStream> body) throws IOException {
        Objects.requireNonNull(body, "body");
        Path absolute = target.toAbsolutePath();
        requireReplaceable(target);
        Path dir = absolute.getParent();
        Path tmp = null;
        try {
            FileChannel ch = null;
            while (ch == null) {
                tmp = dir.resolve(temporaryName(absolute, "."
                        + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp"));
                try {
                    ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                } catch (FileAlreadyExistsException e) {
                    tmp = null; // a name clash; draw another name
                }
            }
            Path file = tmp;
            try (FileChannel channel = ch) {
                OutputStream out = new BufferedOutputStream(
                        new FilterOutputStream(Channels.newOutputStream(channel)) {
                            @Override
                            public void write(byte[] b, int off, int len) throws IOException {
                                try {
                                    out.write(b, off, len);
                                } catch (IOException e) {
                                    throw onFile(file, e);   // a full disk: named, as the target below
                                }
                            }

                            @Override
                            public void close() throws IOException {
                                flush(); // the channel stays open until it has been forced
                            }
                        }, BUFFER_BYTES);
                body.accept(out);
                out.flush();
                try {
                    channel.force(true);
                } catch (IOException e) {
                    throw onFile(file, e);
                }
            }
            requireReplaceable(target);   // again: it may have changed while the content was written
            Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (Throwable t) {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException | RuntimeException e) {
                    t.addSuppressed(e);
                }
            }
            if (t instanceof FileSystemException fs && tmp != null && tmp.toString().equals(fs.getFile())) {
                throw naming(absolute, fs);
            }
            throw t;
        }
        syncDirectory(dir);
    }

    /**
     * An error of writing a file's content as one about that file: the channel reports a full disk
     * ("No space left on device") or a failing device as a bare {@link IOException} that names no
     * file, which would leave the caller's message without one.
     */
    private static FileSystemException onFile(Path file, IOException e) {
        if (e instanceof FileSystemException fs && fs.getFile() != null) {
            return fs;
        }
        FileSystemException named = new FileSystemException(file.toString(), null,
                e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
        named.initCause(e);
        return named;
    }

    /**
     * Refuses a target that exists and is not a regular file: replacing it would turn a device, a
     * pipe or a link into a file (and a link is never followed out of where recur writes).
     *
     * @param target the path to be written
     * @throws FileSystemException naming the target and what it is
     */
    public static void requireReplaceable(Path target) throws IOException {
        java.nio.file.attribute.BasicFileAttributes a;
        try {
            a = Files.readAttributes(target, java.nio.file.attribute.BasicFileAttributes.class,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return;
        }
        if (a.isRegularFile()) {
            return;
        }
        String found = a.isSymbolicLink() ? "a symbolic link" : a.isDirectory() ? "a folder"
                : "a special file (a device or a pipe)";
        throw new FileSystemException(target.toString(), null, "expected a regular file to write (or no file), "
                + "found " + found + "; likely cause: a path meant for something else (recur writes only regular "
                + "files, and not through links)");
    }

    /**
     * The same error about the target rather than the temporary file, whose name means nothing to
     * whoever asked for the target.
     */
    private static FileSystemException naming(Path target, FileSystemException e) {
        String dir = String.valueOf(target.getParent());
        FileSystemException named;
        if (e instanceof NoSuchFileException) {
            named = new NoSuchFileException(target.toString(), null, "cannot be written: its folder " + dir
                    + " does not exist");
        } else if (e instanceof AccessDeniedException) {
            named = new AccessDeniedException(target.toString(), null, "cannot be written: permission denied in "
                    + dir);
        } else {
            named = new FileSystemException(target.toString(), null, "cannot be written: "
                    + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName()));
        }
        named.initCause(e);
        return named;
    }

    /**
     * Atomically replaces (or creates) {@code target} with {@code bytes}.
     *
     * @param target the file to create or replace; its directory must exist
     * @param bytes the new content
     * @throws IOException if the file system fails
     */
    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        Objects.requireNonNull(bytes, "bytes");
        write(target, out -> out.write(bytes));
    }

    /**
     * Makes a completed rename into {@code dir} durable (best effort: not every platform can open a
     * directory, and the renamed entry is complete either way).
     *
     * @param dir the folder that holds the renamed entry
     */
    public static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            // Best effort only: the new content is already in place and complete.
        }
    }
}
