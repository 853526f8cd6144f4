package dev.recur.io;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The SHA-256 of bytes as 64 lower-case hex digits (as {@code sha256sum} prints it). Thread-safe. */
public final class Sha256 {

    private Sha256() {
    }

    /**
     * Hashes bytes.
     *
     * @param bytes the bytes
     * @return the digest in hex
     */
    public static String hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this Java runtime", e);
        }
    }
}
