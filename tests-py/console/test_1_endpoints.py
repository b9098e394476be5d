"""The demo's health and metrics endpoints, over HTTP and in the browser."""

import re

from selenium.webdriver.common.by import By


def test_health_endpoints_answer_as_kubernetes_components(demo):
    for endpoint in ["/livez", "/readyz", "/healthz"]:
        status, body, headers = demo.get(endpoint)
        assert (status, body) == (200, "ok"), (endpoint, status, body)
        assert headers.get("X-Content-Type-Options") == "nosniff"
    status, body, _ = demo.get("/readyz?verbose")
    assert status == 200
    assert body.splitlines() == ["[+]ping ok", "[+]reconcile-loop ok", "[+]reconcile ok", "readyz check passed"]
    assert demo.get("/livez/reconcile-loop")[:2] == (200, "ok")
    assert demo.get("/livez/nonexistent")[0] == 404


def test_metrics_show_the_demos_reconciles(demo):
    status, body, headers = demo.get("/metrics")
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain; version=0.0.4")
    successes = re.search(r'^placer_reconcile_total\{result="success"\} (\d+)', body, re.M)
    assert successes and int(successes.group(1)) >= 1, body
    placed = sum(int(v) for v in re.findall(r'^placer_decisions_total\{outcome="Placed"\} (\d+)', body, re.M))
    assert placed == len(demo.works()), body
    assert "# HELP placer_apps Apps by condition" in body
    assert re.search(r'^placer_git_operation_duration_seconds_count\{operation="push"\} [1-9]', body, re.M)


def test_endpoints_in_the_browser(demo, browser, screenshots):
    for path, name in [("/healthz?verbose", "healthz"), ("/readyz?verbose", "readyz"), ("/metrics", "metrics")]:
        browser.get(demo.url + path)
        text = browser.find_element(By.TAG_NAME, "body").text
        if path == "/metrics":
            assert "placer_reconcile_total" in text
        else:
            assert text.strip().endswith("check passed"), text
        screenshots(browser, name)
