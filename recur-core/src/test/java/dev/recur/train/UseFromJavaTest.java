package dev.recur.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "Use from Java" section of the training documentation: its Java code block is extracted
 * verbatim, compiled against recur-core and run in a separate JVM; its output must be what the
 * documentation shows below the program.
 */
class UseFromJavaTest {

    /** The documentation, relative to the recur-core module folder (where the tests run). */
    private static final Path DOC = Path.of("..", "README.md");

    @TempDir
    Path tmp;

    /** The first fenced block of the given language after the heading. */
    private static String block(String doc, String heading, String language) {
        int at = doc.indexOf("\n" + heading + "\n");
        assertTrue(at >= 0, "heading '" + heading + "' in " + DOC);
        Matcher m = Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertTrue(m.find(at), "a ```" + language + " block after '" + heading + "'");
        return m.group(1);
    }

    @Test
    void theProgramInTheDocumentationCompilesRunsAndPrintsWhatItShows() throws IOException, InterruptedException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        String program = block(doc, "## Use from Java", "java");
        Matcher name = Pattern.compile("public class (\\w+)").matcher(program);
        assertTrue(name.find(), "a public class");
        Path source = tmp.resolve(name.group(1) + ".java");
        Files.writeString(source, program, StandardCharsets.UTF_8);

        String classpath = System.getProperty("java.class.path");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "a JDK with a Java compiler");
        int compiled = javac.run(null, null, null, "-d", tmp.toString(), "-cp", classpath, source.toString());
        assertEquals(0, compiled, "the program compiles");

        Path out = tmp.resolve("stdout.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", classpath + java.io.File.pathSeparator + tmp,
                name.group(1))
                .redirectOutput(out.toFile()).redirectError(tmp.resolve("stderr.txt").toFile()).start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the program ends");
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("stderr.txt")));

        // The documentation shows the output in the ``` block after the program: "It prints:".
        int after = doc.indexOf("It prints:", doc.indexOf("## Use from Java"));
        assertTrue(after >= 0, "the documentation shows the output");
        Matcher shown = Pattern.compile("```\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertTrue(shown.find(after));
        List<String> expected = shown.group(1).lines().toList();
        List<String> actual = Files.readString(out, StandardCharsets.UTF_8).lines().toList();
        assertEquals(expected, actual);
    }
}
