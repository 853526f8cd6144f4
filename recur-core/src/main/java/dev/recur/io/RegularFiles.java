package dev.recur.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The check before a file is read whole: that it is a regular file. Opening a FIFO for reading
 * waits for a writer that may never come, a device may never end, and a folder fails with the
 * platform's bare "Is a directory"; each is refused here with one line that names the file.
 *
 * <p>Stateless.
 */
public final class RegularFiles {

    private RegularFiles() {
    }

    /**
     * The attributes of {@code file} (symbolic links followed), after checking that it is a regular
     * file.
     *
     * @param file     the file to read
     * @param expected what it should be, for the message, e.g. {@code "a safetensors file"}
     * @return its attributes (for the size)
     * @throws FormatException if it is a folder, a pipe, a device or a socket
     * @throws IOException     if its attributes cannot be read (e.g. it does not exist)
     */
    public static BasicFileAttributes require(Path file, String expected) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            throw new FormatException(file, expected, kind(file, attributes),
                    attributes.isDirectory() ? "a folder was given or made where the file should be"
                            : "the wrong path (a pipe or device would be read until it ends, if ever)");
        }
        return attributes;
    }

    /** What a file that is not a regular file is, for messages: "a directory", "a FIFO (named pipe)", ... */
    public static String kind(Path file, BasicFileAttributes attributes) {
        if (attributes.isDirectory()) {
            return "a directory";
        }
        try {
            // the file type bits of st_mode, where the platform has them
            switch ((Integer) Files.getAttribute(file, "unix:mode") & 0170000) {
                case 0010000: return "a FIFO (named pipe)";
                case 0020000: return "a character device";
                case 0060000: return "a block device";
                case 0140000: return "a socket";
                default: break;
            }
        } catch (IOException | RuntimeException e) {
            // no unix view: say no more than the portable attributes do
        }
        return "a special file (not a regular file)";
    }
}
