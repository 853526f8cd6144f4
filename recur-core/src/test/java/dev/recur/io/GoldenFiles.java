package dev.recur.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Locates the golden reference files copied into the test resources. */
final class GoldenFiles {

    private GoldenFiles() {
    }

    /** The directory {@code golden/cases} on the test class path. */
    static Path dir() {
        URL url = GoldenFiles.class.getResource("/golden/cases/README.md");
        if (url == null) {
            throw new IllegalStateException("golden/cases not found on the test class path");
        }
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One case file, e.g. {@code file("lstm_1l_uni_t1_b1")}. */
    static Path file(String caseName) {
        return dir().resolve(caseName + ".safetensors");
    }

    /** Every case file, sorted by name. */
    static List<Path> all() {
        try (Stream<Path> s = Files.list(dir())) {
            return s.filter(p -> p.getFileName().toString().endsWith(".safetensors"))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
