"""Walks every console page in headless Chromium: it renders, shows what the demo holds, passes axe-core (no
serious or critical violation), and is saved as a screenshot."""

import time

import pytest

from pages import exists, find, tid


def visit(browser, demo, path: str):
    browser.get(demo.url + path)
    assert "404" not in browser.title and "500" not in browser.title, (path, browser.title)
    return browser


def test_apps_page_lists_every_app_with_its_cluster(demo, console, browser, screenshots, axe_check):
    visit(browser, demo, "/")
    works = demo.works()
    for app, cluster in works.items():
        row = find(browser, f"app-row-{app}")
        assert row.find_element(*tid("app-cluster")).text.strip() == cluster, app
    assert str(len(works)) in find(browser, "apps-count").text
    screenshots(browser, "apps")
    axe_check(browser, "/")


def test_apps_filter_is_served_by_the_server(demo, console, browser, screenshots, axe_check):
    works = demo.works()
    app = sorted(works)[0]
    visit(browser, demo, f"/?q={app[:6]}")
    names = [row.get_attribute("data-testid") for row in browser.find_elements(*_rows())]
    assert f"app-row-{app}" in names
    assert all(name.removeprefix("app-row-").find(app[:6]) >= 0 for name in names), names
    cluster = works[app]
    visit(browser, demo, f"/?cluster={cluster}")
    names = {row.get_attribute("data-testid").removeprefix("app-row-") for row in browser.find_elements(*_rows())}
    assert names == {a for a, c in works.items() if c == cluster}
    screenshots(browser, "apps-filtered")
    axe_check(browser, "/?cluster=…")


def _rows():
    from selenium.webdriver.common.by import By

    return By.CSS_SELECTOR, '[data-testid^="app-row-"]'


def test_app_detail_explains_the_placement(demo, console, browser, screenshots, axe_check):
    works = demo.works()
    app = "digital-twin" if "digital-twin" in works else sorted(works)[0]
    visit(browser, demo, f"/apps/{app}")
    assert find(browser, "app-name").text.strip() == app
    assert works[app] in find(browser, "detail-cluster").text
    assert exists(browser, "score-chart")
    assert exists(browser, f"candidate-{works[app]}")
    assert exists(browser, "#app-history")
    screenshots(browser, f"app-{app}")
    axe_check(browser, "/apps/<name>")


def test_clusters_pages(demo, console, browser, screenshots, axe_check):
    visit(browser, demo, "/clusters")
    clusters = demo.kubectl("get", "managedclusters")["items"]
    for cluster in clusters:
        assert exists(browser, f"cluster-row-{cluster['metadata']['name']}")
    screenshots(browser, "clusters")
    axe_check(browser, "/clusters")
    busiest = max(set(demo.works().values()), key=list(demo.works().values()).count)
    visit(browser, demo, f"/clusters/{busiest}")
    assert find(browser, "cluster-name").text.strip() == busiest
    screenshots(browser, f"cluster-{busiest}")
    axe_check(browser, "/clusters/<name>")
    # The cluster's learning agent: its AddOnPlacementScore on the hub, and the model and ε spent on the page
    # once a reconcile has read it (the demo's agents publish every 2 s, a round runs every few seconds).
    scores = demo.kubectl("get", "addonplacementscores", "-n", busiest)["items"]
    assert any(item["metadata"]["name"] == "placer-forecast" for item in scores)
    deadline = time.time() + 60
    while True:
        visit(browser, demo, f"/clusters/{busiest}")
        agent = find(browser, "cluster-agent").text
        if "model ridge" in agent and "ε spent" in agent:
            break
        assert time.time() < deadline, f"no agent model or ε on /clusters/{busiest}: {agent!r}"
        time.sleep(2)
    screenshots(browser, f"cluster-{busiest}-agent")


def test_history_and_commit_pages(demo, console, browser, screenshots, axe_check):
    visit(browser, demo, "/history")
    placer_commit = next(c for c in demo.log_of("placements") if c["author"] == "Placer")
    assert exists(browser, f"history-{placer_commit['sha'][:7]}") or exists(
        browser, f"history-{placer_commit['sha'][:12]}"
    )
    screenshots(browser, "history")
    axe_check(browser, "/history")
    visit(browser, demo, f"/commits/{placer_commit['sha']}")
    assert find(browser, "commit-subject").text.strip() == placer_commit["subject"]
    assert "placements/" in find(browser, "commit-diff").text
    screenshots(browser, "commit")
    axe_check(browser, "/commits/<sha>")


@pytest.mark.parametrize("path,name", [("/what-if", "what-if"), ("/apps/new", "deploy"), ("/login", "login")])
def test_form_pages(demo, console, browser, screenshots, axe_check, path, name):
    visit(browser, demo, path)
    screenshots(browser, name)
    axe_check(browser, path)
