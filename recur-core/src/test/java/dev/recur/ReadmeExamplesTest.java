package dev.recur;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java programs, compiled and run as they are written there: every {@code ```java}
 * block that declares a public class is a whole program. What each prints is checked against what
 * the README says it printed (the figures within a margin: a machine with other vector widths sums
 * in another order).
 */
class ReadmeExamplesTest {

    private static final Pattern BLOCK = Pattern.compile("```java\\n(.*?)\\n```", Pattern.DOTALL);
    private static final Pattern CLASS = Pattern.compile("public class (\\w+)");

    @TempDir
    static Path tmp;

    private static URLClassLoader loader;
    private static final Map<String, String> SOURCES = new LinkedHashMap<>();

    @BeforeAll
    static void compile() throws IOException {
        Path readme = Path.of(System.getProperty("basedir", ".")).resolve("../README.md").normalize();
        String text = Files.readString(readme);
        Matcher m = BLOCK.matcher(text);
        List<String> files = new ArrayList<>();
        Path src = Files.createDirectories(tmp.resolve("src"));
        while (m.find()) {
            Matcher c = CLASS.matcher(m.group(1));
            if (c.find()) {
                SOURCES.put(c.group(1), m.group(1));
                files.add(Files.writeString(src.resolve(c.group(1) + ".java"), m.group(1)).toString());
            }
        }
        assertEquals(List.of("ClassifySequences", "CustomModel", "CharacterModel"), List.copyOf(SOURCES.keySet()),
                "the README's programs");
        Path out = Files.createDirectories(tmp.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-proc:none", "-Xlint:all", "-Werror", "-d", out.toString(),
                "-classpath", System.getProperty("java.class.path")));
        args.addAll(files);
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, args.toArray(String[]::new));
        assertEquals(0, rc, "the README's Java does not compile:\n" + diagnostics.toString(StandardCharsets.UTF_8));
        loader = new URLClassLoader(new URL[] {out.toUri().toURL()}, ReadmeExamplesTest.class.getClassLoader());
    }

    /** Runs a program's main method and returns what it printed. */
    private static List<String> run(String name) throws Exception {
        Method main = loader.loadClass(name).getMethod("main", String[].class);
        PrintStream saved = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            main.invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(saved);
        }
        return printed.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static double after(String prefix, String line) {
        assertTrue(line.startsWith(prefix), line);
        return Double.parseDouble(line.substring(prefix.length()).replace(" nats/char", ""));
    }

    @Test
    void theClassifierLearnsIsSavedLoadedAndPredicts() throws Exception {
        List<String> out = run("ClassifySequences");
        assertEquals(2, out.size(), String.join("\n", out));
        assertTrue(after("validation accuracy ", out.get(0)) >= 0.95, out.get(0));   // the README: 1.0
        assertEquals("predicted [1, 0]", out.get(1));
    }

    @Test
    void theClassifierIsDefinedInAtMostFifteenLines() {
        String code = SOURCES.get("ClassifySequences");
        int from = code.indexOf("// The classifier");
        int to = code.indexOf("System.out.println(\"validation accuracy");
        long lines = code.substring(from, to).lines().count();
        assertTrue(lines <= 15, "the classifier's definition takes " + lines + " lines");
    }

    @Test
    void theCustomModelTrainsWithTheOneTrainer() throws Exception {
        List<String> out = run("CustomModel");
        assertEquals("[embedding.weight, rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0, "
                + "head.weight, head.bias]", out.get(0));
        assertTrue(after("validation accuracy ", out.get(1)) >= 0.8, out.get(1));   // the README: 0.9
    }

    @Test
    void theCharacterModelLearnsItsText() throws Exception {
        List<String> out = run("CharacterModel");
        assertTrue(after("validation loss ", out.get(0)) < 0.1, out.get(0));   // the README: 0.042
        assertEquals("after 'the quick brown f' comes 'o'", out.get(1));
        assertEquals(List.of("lazy dog.", "the quick brown fox jumps over"), out.subList(2, 4));
    }
}
