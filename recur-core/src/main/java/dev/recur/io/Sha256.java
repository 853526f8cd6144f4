package dev.recur.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The SHA-256 of bytes or of a file as 64 lower-case hex digits (as {@code sha256sum} prints it). Thread-safe. */
public final class Sha256 {

    private Sha256() {
    }

    /**
     * Hashes a file, reading it in blocks (never all of it at once).
     *
     * @param file the file
     * @return the digest in hex
     * @throws IOException if it cannot be read
     */
    public static String hex(Path file) throws IOException {
        MessageDigest digest = sha256();
        byte[] block = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(block)) > 0; ) {
                digest.update(block, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Hashes bytes.
     *
     * @param bytes the bytes
     * @return the digest in hex
     */
    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this Java runtime", e);
        }
    }
}
