package dev.recur.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.io.FormatException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link ManifestFormat#read} says about a path that is not a run folder, and how a
 * {@link FormatException} wraps a message that already gives its likely cause.
 */
class ManifestPathTest {

    @TempDir
    Path tmp;

    @Test
    void aFileGivenForARunFolderIsNamedAsSuch() throws IOException {
        // was: ".../model-00000005.safetensors/checkpoint.json: Not a directory"
        Path file = Files.write(tmp.resolve("model-00000005.safetensors"), new byte[8]);
        FileSystemException e = assertThrows(FileSystemException.class, () -> ManifestFormat.read(file));
        assertEquals(file.toString(), e.getFile());
        assertEquals("expected a run folder (or its checkpoint.json), found a file; likely cause: a file of the run "
                + "was given instead of its folder", e.getReason());
    }

    @Test
    void aManifestThatIsADirectoryIsNamedAsSuch() throws IOException {
        // was: an IOException "Is a directory" that named no file
        Path run = Files.createDirectory(tmp.resolve("run"));
        Path manifest = Files.createDirectory(run.resolve(Manifest.FILE));
        FileSystemException e = assertThrows(FileSystemException.class, () -> ManifestFormat.read(run));
        assertEquals(manifest.toString(), e.getFile());
        assertEquals("expected the checkpoint manifest, a file, found a directory; likely cause: the folder was not "
                + "written by recur", e.getReason());
    }

    @Test
    void aWrappedMessageKeepsItsOwnLikelyCauseAndNoSecond() {
        Path file = tmp.resolve("checkpoint.json");
        IllegalArgumentException refusal = new IllegalArgumentException("vocabulary: expected code points in "
                + "strictly increasing order, found U+0061 at index 3 after U+0061 (a duplicate); likely cause: a "
                + "corrupted or hand-edited checkpoint");
        FormatException e = FormatException.wrapping(file, "a valid vocabulary", refusal);
        assertEquals(file + ": expected a valid vocabulary, found vocabulary: expected code points in strictly "
                + "increasing order, found U+0061 at index 3 after U+0061 (a duplicate); likely cause: a corrupted or "
                + "hand-edited checkpoint", e.getMessage());
        assertSame(refusal, e.getCause());
        assertEquals(file, e.file());
        assertEquals(file + ": expected 8 bytes, found 3 bytes; likely cause: the file is truncated",
                new FormatException(file, "8 bytes", "3 bytes", "the file is truncated").getMessage());
        // the constructors give the likely cause they are given, whatever "found" says (no guessing from its text)
        assertEquals(file + ": expected a name, found \"x; likely cause: y\"; likely cause: the file was edited",
                new FormatException(file, "a name", "\"x; likely cause: y\"", "the file was edited").getMessage());
    }

    @Test
    void aVocabularyThatIsNotOneGivesTheVocabularysOwnLikelyCauseOnce() throws IOException {
        // each refusal of Vocabulary.of gives its likely cause, which readManifest keeps as the only one
        for (String codePoints : new String[] {"[]", "[97, 97]", "[97, 55296]"}) {
            Path run = Files.createDirectories(tmp.resolve("run" + codePoints.length()));
            Path json = Files.writeString(run.resolve(Manifest.FILE), "{\"format\": \"recur-checkpoint\", "
                    + "\"format_version\": 1, \"step\": 0, \"saved\": \"x\", \"model\": {\"type\": "
                    + "\"char_language_model\", \"cell\": \"lstm\", \"vocab_size\": 2, \"embedding_dim\": 2, "
                    + "\"hidden_size\": 2, \"num_layers\": 1, \"dropout\": 0, \"dtype\": \"float32\"}, "
                    + "\"vocabulary\": {\"code_points\": " + codePoints + "}}");
            FormatException e = assertThrows(FormatException.class, () -> ManifestFormat.read(run));
            assertTrue(e.getMessage().startsWith(json + ": expected a valid vocabulary, found vocabulary: expected "),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("; likely cause: a corrupted or hand-edited checkpoint"),
                    e.getMessage());
            assertEquals(1, e.getMessage().split("likely cause", -1).length - 1, e.getMessage());
        }
    }
}
