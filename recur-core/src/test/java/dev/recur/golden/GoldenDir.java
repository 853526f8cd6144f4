package dev.recur.golden;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Where the golden cases are: the one directory named by the system property
 * {@code recur.golden.dir} (a relative path is resolved against the directory Maven was started in;
 * it may hold cases of every kind), or else the two copies in this module's test resources,
 * {@code golden/cases} (recurrent modules, the character model, training runs) and
 * {@code golden/cases_seq} (classifiers, regressors, taggers). Only the top-level
 * {@code *.safetensors} files of a directory are cases; every directory must exist and hold one.
 */
final class GoldenDir {

    static final String PROPERTY = "recur.golden.dir";

    /** The bundled case folders, each found by its README. */
    private static final List<String> BUNDLED = List.of("/golden/cases/README.md", "/golden/cases_seq/README.md");

    private GoldenDir() {
    }

    /** The directories checked: the one of {@value #PROPERTY}, or the bundled ones. */
    static List<Path> dirs() {
        String given = System.getProperty(PROPERTY);
        if (given != null && !given.isBlank()) {
            Path p = Path.of(given);
            if (!p.isAbsolute()) {
                // Surefire runs in the module folder; the build passes the folder Maven started in.
                String base = System.getProperty("recur.invocation.dir", System.getProperty("user.dir"));
                p = Path.of(base).resolve(p);
            }
            return List.of(p.normalize());
        }
        List<Path> dirs = new ArrayList<>();
        for (String readme : BUNDLED) {
            URL url = GoldenDir.class.getResource(readme);
            if (url == null) {
                throw new IllegalStateException("bundled golden cases: expected the test resource " + readme
                        + ", found none; likely cause: the test resources were not copied");
            }
            try {
                dirs.add(Path.of(url.toURI()).getParent());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return dirs;
    }

    /** The directories, for messages. */
    static String describe() {
        return dirs().stream().map(Path::toString).collect(Collectors.joining(" and "));
    }

    /**
     * The case files, sorted per directory; fails when a directory is missing or holds no case.
     *
     * @return the files
     */
    static List<Path> cases() {
        List<Path> all = new ArrayList<>();
        for (Path dir : dirs()) {
            all.addAll(cases(dir));
        }
        return all;
    }

    private static List<Path> cases(Path dir) {
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
