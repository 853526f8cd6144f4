package dev.recur;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of recur-core, read from {@code recur-core-version.properties}, which Maven fills in
 * at build time; {@code "unknown"} when the resource is missing or unfilled (e.g. classes compiled
 * outside Maven). Recorded in checkpoints as provenance.
 *
 * <p>Stateless and thread-safe (the version is read once, lazily).
 */
public final class Version {
    private static final String RESOURCE = "recur-core-version.properties";

    private Version() {
    }

    /**
     * Returns the recur version string, for example {@code 0.1.0-SNAPSHOT}.
     *
     * @return the version, never {@code null}
     */
    public static String get() {
        return Holder.VERSION;
    }

    private static final class Holder {
        static final String VERSION = load();

        private static String load() {
            try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    String v = p.getProperty("version", "").trim();
                    if (!v.isEmpty() && !v.contains("${")) {
                        return v;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + RESOURCE, e);
            }
            return "unknown";
        }
    }
}
