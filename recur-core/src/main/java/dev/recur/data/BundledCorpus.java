package dev.recur.data;

import java.io.IOException;

/**
 * Corpora shipped inside recur-core, so that a character model can be trained with no download.
 *
 * <p>{@link #tinyShakespeare()}: the tinyshakespeare corpus of the char-rnn project (about 1.1 MB
 * of Shakespeare excerpts, 65 distinct characters), the standard small character-level benchmark.
 * The text is in the public domain; the data set is distributed by char-rnn under the MIT licence
 * (see the {@code THIRD-PARTY-NOTICES.md} file of recur, and the notice shipped next to the
 * resource).
 *
 * <p>Stateless and thread-safe: each call reads the resource anew.
 */
public final class BundledCorpus {

    /** The classpath resource holding tinyshakespeare. */
    public static final String TINY_SHAKESPEARE_RESOURCE = "/dev/recur/data/tinyshakespeare.txt";

    /** The SHA-256 of the bundled tinyshakespeare bytes (1,115,394 bytes, 1,115,394 characters). */
    public static final String TINY_SHAKESPEARE_SHA256 =
            "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed";

    private BundledCorpus() {
    }

    /**
     * Loads the bundled tinyshakespeare corpus and checks its SHA-256.
     *
     * @return the corpus, whose {@link TextCorpus#source()} is
     *     {@code "classpath:/dev/recur/data/tinyshakespeare.txt"}
     * @throws IllegalStateException if the resource is missing or altered (a broken build)
     */
    public static TextCorpus tinyShakespeare() {
        TextCorpus corpus;
        try {
            corpus = TextCorpus.fromResource(BundledCorpus.class, TINY_SHAKESPEARE_RESOURCE);
        } catch (IOException e) {
            throw new IllegalStateException("the bundled corpus cannot be read: " + e.getMessage()
                    + "; likely cause: a broken recur-core jar", e);
        }
        if (!corpus.sha256().equals(TINY_SHAKESPEARE_SHA256)) {
            throw new IllegalStateException(corpus.source() + ": expected SHA-256 " + TINY_SHAKESPEARE_SHA256
                    + ", found " + corpus.sha256() + "; likely cause: a broken or modified recur-core jar");
        }
        return corpus;
    }
}
