package dev.recur.golden;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Where the golden cases are: the directory named by the system property {@code recur.golden.dir}
 * (a relative path is resolved against the directory Maven was started in), or else the copy in
 * this module's test resources. Only the top-level {@code *.safetensors} files are cases.
 */
final class GoldenDir {

    static final String PROPERTY = "recur.golden.dir";

    private GoldenDir() {
    }

    static Path dir() {
        String given = System.getProperty(PROPERTY);
        if (given != null && !given.isBlank()) {
            Path p = Path.of(given);
            if (!p.isAbsolute()) {
                // Surefire runs in the module folder; the build passes the folder Maven started in.
                String base = System.getProperty("recur.invocation.dir", System.getProperty("user.dir"));
                p = Path.of(base).resolve(p);
            }
            return p.normalize();
        }
        URL url = GoldenDir.class.getResource("/golden/cases/README.md");
        if (url == null) {
            throw new IllegalStateException("the bundled golden cases (test resource golden/cases) are missing");
        }
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The case files, sorted; fails when the directory is missing or holds no case. */
    static List<Path> cases() {
        Path dir = dir();
        if (!Files.isDirectory(dir)) {
            throw new AssertionError("golden case directory " + dir + " does not exist (set by -D" + PROPERTY
                    + "=" + System.getProperty(PROPERTY) + ")");
        }
        List<Path> found;
        try (Stream<Path> s = Files.list(dir)) {
            found = s.filter(p -> p.getFileName().toString().endsWith(".safetensors") && Files.isRegularFile(p))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (found.isEmpty()) {
            throw new AssertionError("golden case directory " + dir + " holds no *.safetensors case");
        }
        return found;
    }
}
