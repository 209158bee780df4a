package dev.holon.systemtests;

import dev.holon.localcluster.cluster.LocalCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;


import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The web dashboard in a real (headless) Chromium against a real local cluster: login through Keycloak's own
 * login page, nodes live (a killed worker turns DOWN without a reload), a job submitted from the form runs to
 * the end with a task's log followed live, a job submitted elsewhere appears in the list and is cancelled from its
 * page, cordon buttons only for operators (drain asks first), files up with a progress bar and down again.
 * Screenshots of each page go to target/screenshots/.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardSystemIT {

    /** On a failure: a screenshot of what the browser showed and its console, to see why. */
    @RegisterExtension
    static final TestWatcher ON_FAILURE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (browser != null) {
                Browser.screenshot(browser, "failed-" + context.getRequiredTestMethod().getName());
                browser.manage().logs().get(LogType.BROWSER).forEach(entry -> System.out.println("browser: " + entry));
            }
        }
    };

    static LocalCluster cluster;
    static ClusterApi api;
    static ChromeDriver browser;
    static Path downloads;

    @BeforeAll
    static void startClusterAndBrowser() throws Exception {
        Browser.require();
        cluster = LocalCluster.start(ClusterApi.freshOptions("cluster-dashboard", 17080).replaceRunning(true).build());
        api = ClusterApi.demoOnceThreeNodesAreUp(cluster);
        downloads = Files.createDirectories(Path.of("target", "downloads").toAbsolutePath());
        try (Stream<Path> earlier = Files.list(downloads)) { // an earlier run's download must not pass for this one's
            for (Path file : earlier.toList()) {
                Files.delete(file);
            }
        }
        browser = Browser.start(downloads);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (cluster != null) {
            cluster.stop();
        }
    }

    static WebDriverWait waitUpTo(int seconds) {
        // Live pages rewrite parts of themselves when facts arrive: an element found a moment ago may be gone.
        return (WebDriverWait) new WebDriverWait(browser, Duration.ofSeconds(seconds))
                .ignoring(StaleElementReferenceException.class);
    }

    static void login(String user, String password) {
        browser.get(cluster.gatewayUrl() + "/#/overview");
        waitUpTo(30).until(ExpectedConditions.elementToBeClickable(By.id("login"))).click();
        // Keycloak's own login page.
        waitUpTo(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("kc-login")).click();
        waitUpTo(30).until(ExpectedConditions.textToBe(By.id("user-name"), user));
        waitUpTo(40).until(ExpectedConditions.textToBe(By.id("live"), "live")); // the SSE stream is open
    }

    static void open(String hash) {
        browser.findElement(By.cssSelector("a[data-nav='" + hash + "']")).click();
    }

    static String rowState(String nodeId) {
        return browser.findElement(By.cssSelector("tr[data-node='" + nodeId + "']")).getAttribute("data-state");
    }

    @Test
    @Order(1)
    void aUserLogsInThroughKeycloakAndSeesThreeNodesUp() {
        login("demo", "holon-demo");
        waitUpTo(30).until(ExpectedConditions.textToBePresentInElementLocated(By.id("card-nodes"), "3 UP"));
        waitUpTo(30).until(ExpectedConditions.textToBe(By.id("live"), "live"));
        waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("card-cpu"), "cores"));
        Browser.screenshot(browser, "overview");

        open("nodes");
        waitUpTo(30).until(d -> d.findElements(By.cssSelector("tr[data-state='UP']")).size() == 3);
        assertThat(browser.findElement(By.id("nodes-table")).getText()).contains("UP").contains("zone=a");
        assertThat(browser.findElements(By.cssSelector("button[data-act='cordon']"))).as("cordon for a user").isEmpty();
        Browser.screenshot(browser, "nodes");
    }

    @Test
    @Order(2)
    void aKilledWorkerTurnsDownWithoutAReload() {
        Map<String, Integer> workerOfNode = api.workerOfNode();
        String node2 = workerOfNode.entrySet().stream().filter(e -> e.getValue() == 2).findFirst().orElseThrow().getKey();
        Object marker = browser.executeScript("return window.__notReloaded = 'yes';");
        assertThat(marker).isEqualTo("yes");
        cluster.process("node-2").kill9();
        waitUpTo(30).until(d -> "DOWN".equals(rowState(node2)));
        assertThat(browser.findElement(By.cssSelector("tr[data-node='" + node2 + "'] td.state")).getText()).contains("DOWN");
        assertThat(browser.executeScript("return window.__notReloaded;")).as("the page was not reloaded").isEqualTo("yes");
        Browser.screenshot(browser, "nodes-one-down");
    }

    @Test
    @Order(3)
    void aSixTaskJobSubmittedFromTheFormRunsToTheEndWithALogFollowedLive() {
        open("jobs");
        WebElement name = waitUpTo(20).until(ExpectedConditions.visibilityOfElementLocated(By.name("name")));
        name.clear();
        name.sendKeys("dashboard-six");
        WebElement count = browser.findElement(By.name("count"));
        count.clear();
        count.sendKeys("6");
        // Each task writes a line, then runs on for 8 s before its last line: room to see output while it runs.
        WebElement command = browser.findElement(By.name("command"));
        command.clear();
        command.sendKeys("echo task $HOLON_TASK_INDEX of $HOLON_TASK_COUNT; sleep 8; echo task $HOLON_TASK_INDEX done");
        Browser.screenshot(browser, "jobs");
        browser.findElement(By.id("submit-job")).click();

        waitUpTo(30).until(d -> d.findElements(By.cssSelector("#tasks button[data-index]")).size() == 6);
        waitUpTo(60).until(ExpectedConditions.attributeToBe(By.cssSelector("#tasks button[data-index='3']"), "data-state", "RUNNING"));
        browser.findElement(By.cssSelector("#tasks button[data-index='3']")).click();
        waitUpTo(20).until(ExpectedConditions.textToBePresentInElementLocated(By.id("logs"), "task 3 of 6"));
        assertThat(browser.findElement(By.id("logs")).getText()).as("the first line arrived while the task still runs")
                .doesNotContain("task 3 done");
        Browser.screenshot(browser, "job-running");

        waitUpTo(120).until(ExpectedConditions.textToBe(By.cssSelector("#job-state .badge"), "SUCCEEDED"));
        waitUpTo(20).until(d -> d.findElements(By.cssSelector("#tasks button[data-state='SUCCEEDED']")).size() == 6);
        waitUpTo(20).until(ExpectedConditions.textToBePresentInElementLocated(By.id("logs"), "[end of output]"));
        assertThat(browser.findElement(By.id("logs")).getText()).as("followed to the task's end")
                .contains("task 3 of 6", "task 3 done");
        Browser.screenshot(browser, "job");

        open("jobs");
        waitUpTo(20).until(ExpectedConditions.textToBePresentInElementLocated(By.id("jobs-body"), "dashboard-six"));
        Browser.screenshot(browser, "jobs-list");

        open("overview"); // by now the charts have a few minutes of samples, with node-2's fall
        waitUpTo(20).until(ExpectedConditions.textToBePresentInElementLocated(By.id("card-nodes"), "2 UP"));
        Browser.screenshot(browser, "overview-later");
    }

    @Test
    @Order(4)
    void aJobSubmittedElsewhereAppearsInTheListAndIsCancelledFromItsPage() {
        open("jobs");
        waitUpTo(20).until(ExpectedConditions.textToBePresentInElementLocated(By.id("jobs-body"), "dashboard-six"));
        Object marker = browser.executeScript("return window.__listNotReloaded = 'yes';");
        assertThat(marker).isEqualTo("yes");
        // As the CLI (or another tab) would: straight to the API, not through this page.
        ClusterApi demo = new ClusterApi(cluster, cluster.accessToken("demo", "holon-demo"));
        String id = demo.submit("""
                {"name":"from-elsewhere","command":["sleep","120"],"count":1,
                 "resources":{"cpuMillis":100,"memoryMiB":32}}""");
        By row = By.cssSelector("#jobs-body tr[data-job='" + id + "']");
        waitUpTo(30).until(ExpectedConditions.textToBePresentInElementLocated(row, "from-elsewhere"));
        assertThat(browser.executeScript("return window.__listNotReloaded;")).as("the page was not reloaded").isEqualTo("yes");

        browser.findElement(By.cssSelector("#jobs-body tr[data-job='" + id + "'] a")).click();
        waitUpTo(60).until(ExpectedConditions.textToBe(By.cssSelector("#job-state .badge"), "RUNNING"));
        waitUpTo(20).until(ExpectedConditions.elementToBeClickable(By.id("cancel"))).click();
        waitUpTo(60).until(ExpectedConditions.textToBe(By.cssSelector("#job-state .badge"), "CANCELLED"));
        waitUpTo(10).until(ExpectedConditions.attributeToBe(By.cssSelector("#tasks button[data-index='0']"), "data-state", "CANCELLED"));
        assertThat(browser.findElement(By.id("cancel")).isEnabled()).as("a finished job cannot be cancelled again").isFalse();
        assertThat(demo.job(id).path("state").asString()).isEqualTo("CANCELLED");
    }

    @Test
    @Order(5)
    void anOperatorHasCordonButtonsAndCanCordonAndDrainAsksFirst() {
        browser.quit();
        browser = Browser.start(downloads);
        login("operator", "holon-operator");
        open("nodes");
        waitUpTo(30).until(d -> d.findElements(By.cssSelector("button[data-act='cordon']")).size() >= 2);
        List<WebElement> cordon = browser.findElements(By.cssSelector("tr[data-state='UP'] button[data-act='cordon']"));
        String node = cordon.getFirst().getAttribute("data-id");
        cordon.getFirst().click();
        waitUpTo(20).until(d -> !d.findElements(By.cssSelector("tr[data-node='" + node + "'] [data-state='CORDONED']")).isEmpty());
        Browser.screenshot(browser, "nodes-operator");
        // node-2 was killed: draining it would move nothing, so its Drain is disabled (its Cordon is not).
        assertThat(browser.findElements(By.cssSelector("tr[data-state='DOWN'] button[data-act='drain']")))
                .isNotEmpty().allSatisfy(b -> assertThat(b.isEnabled()).isFalse());
        // Drain asks first; saying no sends nothing.
        String other = browser.findElements(By.cssSelector("tr[data-state='UP'] button[data-act='drain']")).stream()
                .map(b -> b.getAttribute("data-id")).filter(id -> !id.equals(node)).findFirst().orElseThrow();
        browser.findElement(By.cssSelector("tr[data-node='" + other + "'] button[data-act='drain']")).click();
        Alert confirm = waitUpTo(10).until(ExpectedConditions.alertIsPresent());
        assertThat(confirm.getText()).startsWith("Drain ");
        confirm.dismiss();
        assertThat(browser.findElements(By.cssSelector("tr[data-node='" + other + "'] [data-state='DRAINING']"))).isEmpty();
        assertThat(browser.findElement(By.id("message")).getText()).as("no drain was requested").doesNotContain("drain");
        browser.manage().window().setSize(new Dimension(420, 900)); // a phone: one column, fewer table columns
        Browser.screenshot(browser, "nodes-narrow");
        browser.manage().window().setSize(new Dimension(1400, 1000));
        browser.findElement(By.cssSelector("tr[data-node='" + node + "'] button[data-act='uncordon']")).click();
        waitUpTo(20).until(d -> d.findElements(By.cssSelector("tr[data-node='" + node + "'] [data-state='CORDONED']")).isEmpty());
    }

    @Test
    @Order(6)
    void aFileGoesUpWithAProgressBarAndComesBackDown() throws Exception {
        open("files");
        waitUpTo(30).until(d -> d.findElement(By.id("files-body")).getText().contains("empty")
                || !d.findElements(By.cssSelector("#files-body tr[data-file]")).isEmpty());
        assertThat(browser.findElements(By.id("storage-unavailable"))).as("storage is part of every cluster").isEmpty();
        Browser.screenshot(browser, "files");

        String content = "hello from the dashboard " + UUID.randomUUID() + "\n";
        Path upload = Files.writeString(Files.createTempDirectory("dash").resolve("dashboard-upload.txt"), content);
        WebElement progress = browser.findElement(By.id("upload-progress"));
        assertThat(progress.isDisplayed()).as("no progress bar before an upload").isFalse();
        browser.findElement(By.id("upload-input")).sendKeys(upload.toString());
        browser.findElement(By.id("upload")).click();
        waitUpTo(60).until(ExpectedConditions.textToBePresentInElementLocated(By.id("upload-status"), "Uploaded"));
        assertThat(progress.isDisplayed()).as("the progress bar is shown").isTrue();
        assertThat(progress.getDomProperty("value")).as("and full").isEqualTo("100");
        waitUpTo(20).until(d -> !d.findElements(By.cssSelector("#files-body tr[data-file='dashboard-upload.txt']")).isEmpty());
        browser.findElement(By.cssSelector("#files-body tr[data-file='dashboard-upload.txt'] a[data-stat]")).click();
        waitUpTo(20).until(ExpectedConditions.textToBePresentInElementLocated(By.id("file-detail"), "Chunks and their replicas"));
        Browser.screenshot(browser, "files-uploaded");
        browser.findElement(By.cssSelector("#files-body tr[data-file='dashboard-upload.txt'] button[data-download]")).click();
        Path downloaded = downloads.resolve("dashboard-upload.txt");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(downloaded) && Files.size(downloaded) == content.length());
        assertThat(Files.readString(downloaded)).isEqualTo(content);
    }
}
