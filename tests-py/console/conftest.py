"""Fixtures of the console's browser suite: the demo, headless Chromium, screenshots and axe-core.

The demo is `placer-lab demo` from the Swift build (``PLACER_BIN_DIR``, set by scripts/test.sh to
`swift build --show-bin-path`) in a temporary --workdir, with its own git daemon and EdgeSim hub on 127.0.0.1.
Chromium and ChromeDriver are Debian's (`/usr/bin/chromium`, `/usr/bin/chromedriver`, installed by
scripts/setup.sh), given to Selenium by path so its driver manager never runs and nothing is downloaded.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("PLACER_SCREENSHOTS", ROOT / "tests-py" / "console" / "screenshots"))
CHROMIUM = os.environ.get("PLACER_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("PLACER_CHROMEDRIVER", "/usr/bin/chromedriver")
# axe-core impacts that fail the suite (the bar: no serious or critical violation).
FAILING_IMPACTS = {"serious", "critical"}


def bin_dir() -> Path:
    """The folder holding the built `placer` and `placer-lab`."""
    if "PLACER_BIN_DIR" in os.environ:
        return Path(os.environ["PLACER_BIN_DIR"])
    out = subprocess.run(
        ["swift", "build", "--show-bin-path"], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return Path(out.stdout.strip())


class Demo:
    """A running `placer-lab demo`: its URLs, repo and kubeconfig, and helpers to look at Git and the hub."""

    def __init__(self, workdir: Path, process: subprocess.Popen, log: Path):
        self.workdir = workdir
        self.process = process
        self.log = log
        self.url = ""
        self.clone_url = ""
        self.kubeconfig = str(workdir / "hub.kubeconfig")
        self.bare = str(workdir / "app-repo.git")
        self.token_file = workdir / "console-token"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for_url(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.output()
            console = re.search(r"^console:\s+(http://\S+)$", text, re.M | re.I)
            clone = re.search(r"^clone URL:\s+(\S+)$", text, re.M)
            if console and clone:
                self.url = console.group(1).rstrip("/")
                self.clone_url = clone.group(1)
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"placer-lab demo exited {self.process.returncode}:\n{text}")
            time.sleep(0.2)
        raise RuntimeError(f"placer-lab demo printed no console URL in {timeout} s:\n{self.output()}")

    def get(self, path: str, headers: dict | None = None) -> tuple[int, str, dict]:
        """One HTTP GET to the demo's server: (status, body, headers)."""
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def git(self, *args: str, cwd: Path | None = None) -> str:
        out = subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, timeout=60)
        return out.stdout

    def clone(self) -> Path:
        """A fresh clone of the demo's repo (over its git daemon), in the workdir."""
        target = Path(tempfile.mkdtemp(prefix="clone-", dir=self.workdir))
        self.git("clone", "-q", self.clone_url, str(target))
        return target

    def log_of(self, path: str = "", count: int = 20) -> list[dict]:
        """The branch's last commits (optionally touching `path`): sha, author, subject, body."""
        clone = self.clone()
        fmt = "%H%x1f%an%x1f%ae%x1f%s%x1f%b%x1e"
        args = ["log", f"-{count}", f"--format={fmt}"] + (["--", path] if path else [])
        entries = []
        for record in self.git(*args, cwd=clone).split("\x1e"):
            fields = record.strip("\n").split("\x1f")
            if len(fields) == 5:
                entries.append(dict(zip(["sha", "author", "email", "subject", "body"], fields)))
        shutil.rmtree(clone, ignore_errors=True)
        return entries

    def file_at_tip(self, path: str) -> str | None:
        try:
            return self.git("--git-dir", self.bare, "show", f"main:{path}")
        except subprocess.CalledProcessError:
            return None

    def kubectl(self, *args: str) -> dict:
        """`kubectl --kubeconfig <the demo's> … -o json`, parsed."""
        out = subprocess.run(
            ["kubectl", "--kubeconfig", self.kubeconfig, *args, "-o", "json"],
            check=True, capture_output=True, text=True, timeout=60,
        )
        return json.loads(out.stdout)

    def works(self) -> dict[str, str]:
        """ManifestWorks on the hub as app → cluster (namespace)."""
        items = self.kubectl("get", "manifestworks", "-A")["items"]
        return {item["metadata"]["name"]: item["metadata"]["namespace"] for item in items}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """`placer-lab demo` in a temporary workdir, polling every 2 s, stopped (SIGINT) after the session."""
    workdir = tmp_path_factory.mktemp("demo")
    log = workdir / "demo.log"
    binary = bin_dir() / "placer-lab"
    with open(log, "w") as output:
        process = subprocess.Popen(
            [str(binary), "demo", "--workdir", str(workdir), "--interval", "2s", "--console-port", "0",
             "--source", str(ROOT), "--log-level", "warning"],
            cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    running = Demo(workdir, process, log)
    try:
        running.wait_for_url()
        yield running
    finally:
        running.stop()
        print(f"\ndemo log: {log}")


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium through Debian's chromedriver (paths given: Selenium Manager never runs)."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--lang=en-GB"]:
        options.add_argument(argument)
    service = Service(executable_path=CHROMEDRIVER)
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def screenshots():
    """Saves a full-window PNG per page under tests-py/console/screenshots/ (git-ignored) and lists the paths."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []

    def save(driver, name: str) -> Path:
        # The page's full height, so a screenshot shows the whole page, not the first screen of it.
        height = driver.execute_script("return Math.max(document.body ? document.body.scrollHeight : 0, 900)")
        driver.set_window_size(1280, min(int(height) + 40, 6000))
        path = SCREENSHOTS / f"{len(saved) + 1:02d}-{name}.png"
        driver.save_screenshot(str(path))
        driver.set_window_size(1280, 900)
        saved.append(path)
        return path

    yield save
    SAVED.extend(saved)


AXE_RESULTS: dict[str, list[dict]] = {}
SAVED: list[Path] = []


@pytest.fixture(scope="session")
def axe_check():
    """Runs axe-core (shipped by axe-selenium-python) on the current page; fails on serious or critical
    violations, and prints every page's counts at the end of the session."""

    def check(driver, name: str) -> list[dict]:
        axe = Axe(driver)
        axe.inject()
        results = axe.run()
        violations = results["violations"]
        AXE_RESULTS[name] = violations
        failing = [v for v in violations if v.get("impact") in FAILING_IMPACTS]
        assert not failing, f"axe-core on {name}: " + axe.report(failing)
        return violations

    yield check


def pytest_terminal_summary(terminalreporter):
    """Lists the screenshots and each page's axe-core result after the tests (shown with -q too)."""
    if SAVED:
        terminalreporter.write_line("screenshots:")
        for path in SAVED:
            terminalreporter.write_line(f"  {path}")
    if AXE_RESULTS:
        terminalreporter.write_line("axe-core (axe-selenium-python) violations by impact, per page:")
        for name, violations in AXE_RESULTS.items():
            by_impact: dict[str, int] = {}
            for violation in violations:
                impact = violation.get("impact") or "none"
                by_impact[impact] = by_impact.get(impact, 0) + 1
            summary = ", ".join(f"{k} {v}" for k, v in sorted(by_impact.items())) or "none"
            terminalreporter.write_line(f"  {name}: {summary}")


@pytest.fixture(scope="session")
def console(demo):
    """The demo, once it serves the console's pages (they come from the console-pages work); until then the page
    and action tests are skipped, saying why."""
    status = demo.get("/")[0]
    if status == 404:
        pytest.skip("the demo serves no console pages yet (GET / is 404)")
    return demo
