package dev.recur.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

import picocli.CommandLine.IVersionProvider;

/**
 * The version of recur, read from {@code recur-version.properties}, which Maven fills in at build
 * time; falls back to the jar manifest's {@code Implementation-Version}, then to {@code "unknown"}.
 * Also serves as the picocli version provider for {@code recur --version}.
 */
public final class RecurVersion implements IVersionProvider {
    private static final String RESOURCE = "recur-version.properties";

    /** Creates the version provider (picocli instantiates it reflectively). */
    public RecurVersion() {
    }

    /**
     * Returns the recur version string, for example {@code 0.1.0-SNAPSHOT}.
     *
     * @return the version, never {@code null}
     */
    public static String get() {
        return Holder.VERSION;
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "recur " + get(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
        };
    }

    private static final class Holder {
        static final String VERSION = load();

        private static String load() {
            try (InputStream in = RecurVersion.class.getResourceAsStream(RESOURCE)) {
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
            String v = RecurVersion.class.getPackage().getImplementationVersion();
            return v != null ? v : "unknown";
        }
    }
}
