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
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

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
 * screenshots go to {@code recur-cli/target/inspect/} ({@code inspect-page.png} as the page opens,
 * {@code inspect-page-other-unit.png} after the switch).
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

            JsonNode data = InspectCommandTest.pageData(Files.readString(page));
            List<String> first = colours(driver);
            assertEquals(expectedColours(driver, data), first, "each character's colour is its value for the unit shown");
            assertTrue(new HashSet<>(first).size() > 10, "the characters have many colours: " + new HashSet<>(first));
            screenshot(driver, "inspect-page.png");
            Select unit = new Select(driver.findElement(By.id("unit")));
            String before = unit.getFirstSelectedOption().getText();
            unit.selectByValue(before.equals("3") ? "4" : "3");
            List<String> second = colours(driver);
            assertNotEquals(first, second, "choosing another unit recolours the text");
            assertEquals(expectedColours(driver, data), second, "the colours after switching are the new unit's values");
            screenshot(driver, "inspect-page-other-unit.png");
            unit.selectByValue(before);
            assertEquals(first, colours(driver), "choosing the first unit again restores its colours");
            Select layer = new Select(driver.findElement(By.id("layer")));
            layer.selectByValue(layer.getFirstSelectedOption().getText().equals("0") ? "1" : "0");
            assertNotEquals(first, colours(driver), "choosing another layer recolours the text");
            assertEquals(expectedColours(driver, data), colours(driver));
        } finally {
            driver.quit();
        }
    }

    private static void screenshot(ChromeDriver driver, String name) throws IOException {
        Path shot = Path.of("target", "inspect", name);
        Files.createDirectories(shot.getParent());
        File png = driver.getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.size(shot) > 1000, "screenshot written to " + shot.toAbsolutePath());
    }

    /**
     * The colours the page's legend promises for the layer, signal and unit now selected, from the
     * page's data: values in (−1, 1) blue (−1) to white (0) to red (+1), values in (0, 1) (and the
     * relu state) white to green, each channel faded by 0.85 (green's by 0.45) of the position.
     */
    private static List<String> expectedColours(ChromeDriver driver, JsonNode data) {
        String layer = new Select(driver.findElement(By.id("layer"))).getFirstSelectedOption().getAttribute("value");
        String signal = new Select(driver.findElement(By.id("signal"))).getFirstSelectedOption().getAttribute("value");
        int unit = Integer.parseInt(new Select(driver.findElement(By.id("unit"))).getFirstSelectedOption().getText());
        int steps = data.get("text").size();
        for (JsonNode s : data.get("signals")) {
            if (s.get("layer").asText().equals(layer) && s.get("signal").asText().equals(signal)) {
                byte[] q = Base64.getDecoder().decode(s.get("data").asText());
                boolean diverging = s.get("lo").asDouble() < 0;
                List<String> out = new ArrayList<>();
                for (int t = 0; t < steps; t++) {
                    double x = (q[unit * steps + t] & 0xff) / 255.0;
                    if (diverging) {
                        double v = 2 * x - 1;
                        long fade = Math.round(255 * (1 - 0.85 * Math.abs(v)));
                        out.add(v >= 0 ? "rgb(255, " + fade + ", " + fade + ")" : "rgb(" + fade + ", " + fade + ", 255)");
                    } else {
                        long rb = Math.round(255 * (1 - 0.85 * x));
                        out.add("rgb(" + rb + ", " + Math.round(255 * (1 - 0.45 * x)) + ", " + rb + ")");
                    }
                }
                return out;
            }
        }
        throw new AssertionError("no trace for layer " + layer + ", signal " + signal);
    }

    /** The computed background colour of every character. */
    @SuppressWarnings("unchecked")
    private static List<String> colours(ChromeDriver driver) {
        return (List<String>) ((JavascriptExecutor) driver).executeScript(
                "return Array.from(document.querySelectorAll('#text span'), s => getComputedStyle(s).backgroundColor);");
    }
}
