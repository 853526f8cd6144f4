package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.recur.cli.TrainCommandTest.Run;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;

/**
 * The page {@code recur inspect} writes, opened in headless Chromium: the text is rendered with a
 * colour per character, and choosing another unit (or layer) in the menus recolours it. The
 * screenshot goes to {@code recur-cli/target/inspect/inspect-page.png}.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver} ({@code /usr/bin/chromium},
 * {@code /usr/bin/chromedriver}; other paths through {@code -Drecur.chromium} and
 * {@code -Drecur.chromedriver}). Without them the test is skipped with a message, except under CI
 * ({@code CI=true}), where it fails.
 */
class InspectPageBrowserTest {

    @TempDir
    Path tmp;

    private static Path tool(String property, String fallback) {
        return Path.of(System.getProperty(property, fallback));
    }

    @Test
    void theUnitMenuRecoloursTheText() throws IOException {
        Path chromium = tool("recur.chromium", "/usr/bin/chromium");
        Path chromedriver = tool("recur.chromedriver", "/usr/bin/chromedriver");
        if (!Files.isExecutable(chromium) || !Files.isExecutable(chromedriver)) {
            String what = "the inspect page test needs Chromium and ChromeDriver at " + chromium + " and " + chromedriver
                    + " (Debian: apt-get install chromium chromium-driver)";
            if ("true".equals(System.getenv("CI"))) {
                fail(what + "; under CI they must be installed (.ci/run installs them)");
            }
            System.err.println("InspectPageBrowserTest skipped: " + what);
            Assumptions.abort("skipped: " + what);
        }
        Path corpus = Files.writeString(tmp.resolve("quoted.txt"), InspectCommandTest.quotedEnglish(4000));
        Path run = InspectCommandTest.train(corpus, tmp.resolve("runs"), "browser");
        Path page = tmp.resolve("inspect.html");
        Run r = TrainCommandTest.run("inspect", "--checkpoint", run.toString(), "--text", corpus.toString(),
                "--max-chars", "400", "--out", page.toString());
        assertEquals(0, r.code(), r.err());

        // the page needs no DevTools protocol; keep Selenium from warning that it has none for this Chromium
        Logger.getLogger("org.openqa.selenium.devtools").setLevel(Level.SEVERE);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--window-size=1200,900",
                "--user-data-dir=" + tmp.resolve("profile"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        try {
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
            driver.get(page.toUri().toString());
            List<WebElement> spans = driver.findElements(By.cssSelector("#text span"));
            assertEquals(400, spans.size(), "one span per character");
            String shown = (String) ((JavascriptExecutor) driver).executeScript(
                    "return document.getElementById('text').textContent;");
            assertEquals(Files.readString(corpus).substring(0, 400), shown);

            List<String> first = colours(driver);
            assertTrue(new HashSet<>(first).size() > 10, "the characters have many colours: " + new HashSet<>(first));
            Select unit = new Select(driver.findElement(By.id("unit")));
            String before = unit.getFirstSelectedOption().getText();
            unit.selectByValue(before.equals("3") ? "4" : "3");
            List<String> second = colours(driver);
            assertNotEquals(first, second, "choosing another unit recolours the text");
            unit.selectByValue(before);
            assertEquals(first, colours(driver), "choosing the first unit again restores its colours");
            Select layer = new Select(driver.findElement(By.id("layer")));
            layer.selectByValue(layer.getFirstSelectedOption().getText().equals("0") ? "1" : "0");
            assertNotEquals(first, colours(driver), "choosing another layer recolours the text");

            Path shot = Path.of("target", "inspect", "inspect-page.png");
            Files.createDirectories(shot.getParent());
            File png = driver.getScreenshotAs(OutputType.FILE);
            Files.copy(png.toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
            assertTrue(Files.size(shot) > 1000, "screenshot written to " + shot.toAbsolutePath());
        } finally {
            driver.quit();
        }
    }

    /** The computed background colour of every character. */
    @SuppressWarnings("unchecked")
    private static List<String> colours(ChromeDriver driver) {
        return (List<String>) ((JavascriptExecutor) driver).executeScript(
                "return Array.from(document.querySelectorAll('#text span'), s => getComputedStyle(s).backgroundColor);");
    }
}
