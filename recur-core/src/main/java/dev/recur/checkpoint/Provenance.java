package dev.recur.checkpoint;

import java.util.Objects;

/**
 * Where the data of a run came from and what made it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param recurVersion the recur version that trained the model
 * @param seed         the seed of the run
 * @param dataSource   the training data's file path (as given) or {@code classpath:NAME}
 * @param dataSha256   the SHA-256 of the data's bytes, 64 lower-case hex digits
 * @param dataSize     its size in its own unit (characters of a text, examples of a data set)
 * @param runStarted   when the run started, ISO-8601 UTC
 * @param javaVersion  the Java version that trained the model
 */
public record Provenance(String recurVersion, long seed, String dataSource, String dataSha256, long dataSize,
                         String runStarted, String javaVersion) {

    /**
     * Checks that the strings are given.
     *
     * @param recurVersion the recur version
     * @param seed         the seed
     * @param dataSource   the data's source
     * @param dataSha256   the data's SHA-256
     * @param dataSize     the data's size
     * @param runStarted   when the run started
     * @param javaVersion  the Java version
     */
    public Provenance {
        Objects.requireNonNull(recurVersion, "recurVersion");
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(dataSha256, "dataSha256");
        Objects.requireNonNull(runStarted, "runStarted");
        Objects.requireNonNull(javaVersion, "javaVersion");
    }
}
