"""Every console action in headless Chromium, each checked where it lands: its commit in the demo's Git repo
(a clone over its git daemon) and its effect on the hub (kubectl with the demo's kubeconfig). Actions without a
token are refused and commit nothing. Runs in file order: deploy, pin, unpin, rollback, reconcile, what-if."""

import json
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest
import yaml
from selenium.webdriver.common.by import By

from pages import exists, fill, find, paste, tid, wait_until

NEW_APP = "paint-inspection"
NEW_APP_YAML = f"""# Camera inspection of painted bodies: near the paint line, not latency-critical.
apiVersion: codeco.he-codeco.eu/v1alpha1
kind: CodecoApp
metadata:
  name: {NEW_APP}
  namespace: factory
spec:
  appName: {NEW_APP}
  qosClass: BestEffort
  securityClass: Low
  complianceClass: Low
  codecoapp-msspec:
  - serviceName: inspector
    nwbandwidth: "5"
    nwlatency: "200"
    podspec:
      containers:
      - name: inspector
        image: registry.factory.example/paint/inspector:1.0.0
        resources:
          requests:
            cpu: 250m
            memory: 256Mi
"""
MOVED_APP = "digital-twin"


def token(demo) -> str:
    """The first token of the demo's console token file (`TOKEN Name <email>` lines)."""
    for line in demo.token_file.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            return line.split()[0]
    raise AssertionError(f"no token in {demo.token_file}")


def tip(demo) -> str:
    return demo.git("--git-dir", demo.bare, "rev-parse", "main").strip()


def placement_cluster(demo, app: str) -> str | None:
    text = demo.file_at_tip(f"placements/{app}.yaml")
    return yaml.safe_load(text)["spec"].get("cluster") if text else None


def hub_follows_git(demo, app: str, timeout: float = 90) -> str:
    """Waits until the hub's ManifestWork of `app` is on the cluster the tip's placement names; returns it."""

    def settled():
        wanted = placement_cluster(demo, app)
        return wanted if wanted and demo.works().get(app) == wanted else None

    return wait_until(settled, timeout=timeout, message=f"{app}'s ManifestWork on the placement's cluster")


def submit(browser, button: str):
    find(browser, button).click()
    wait_until(lambda: exists(browser, "result-title") or exists(browser, "deploy-errors")
               or exists(browser, "result-errors"), timeout=60, message=f"an answer to {button}")


@pytest.fixture(scope="module")
def signed_in(demo, console, browser):
    """The browser signed in with the demo's token (a session cookie; forms then carry the CSRF token)."""
    browser.get(demo.url + "/login")
    fill(browser, "token", token(demo))
    find(browser, "login-submit").click()
    wait_until(lambda: exists(browser, "signed-in-as"), message="signed in")
    assert "Demo Engineer" in find(browser, "signed-in-as").text
    return browser


def test_deploy_from_pasted_yaml_commits_and_is_applied(demo, signed_in, screenshots, axe_check):
    browser = signed_in
    before = tip(demo)
    browser.get(demo.url + "/apps/new")
    fill(browser, "deploy-name", NEW_APP)
    paste(browser, "deploy-yaml", NEW_APP_YAML)
    screenshots(browser, "deploy-form-filled")
    submit(browser, "deploy-submit")
    assert exists(browser, "result-commit"), browser.page_source[:2000]
    screenshots(browser, "deploy-result")
    axe_check(browser, "deploy result")
    commit = demo.log_of(f"apps/{NEW_APP}", count=1)[0]
    assert commit["subject"] == f"Deploy {NEW_APP}"
    assert (commit["author"], commit["email"]) == ("Demo Engineer", "engineer@factory.example")
    assert commit["sha"] != before
    assert demo.file_at_tip(f"apps/{NEW_APP}/app.yaml").strip() == NEW_APP_YAML.strip()
    # Placer decides, commits the placement and applies it: the new app runs on the hub where Git says.
    cluster = hub_follows_git(demo, NEW_APP)
    placer = demo.log_of(f"placements/{NEW_APP}.yaml", count=1)[0]
    assert placer["author"] == "Placer"
    print(f"deployed {NEW_APP} to {cluster} in {placer['sha'][:12]}")


def test_deploy_errors_are_shown_inline_and_nothing_is_committed(demo, signed_in, screenshots, axe_check):
    browser = signed_in
    before = tip(demo)
    browser.get(demo.url + "/apps/new")
    fill(browser, "deploy-name", "broken-app")
    paste(browser, "deploy-yaml", NEW_APP_YAML.replace(NEW_APP, "broken-app").replace("BestEffort", "Platinum"))
    submit(browser, "deploy-submit")
    errors = find(browser, "deploy-errors").text
    assert re.search(r"apps/broken-app/app\.yaml:\d+", errors), errors
    assert "Platinum" in errors or "qosClass" in errors, errors
    screenshots(browser, "deploy-errors")
    axe_check(browser, "deploy errors")
    assert tip(demo) == before
    assert demo.file_at_tip("apps/broken-app/app.yaml") is None


def test_pin_moves_the_app_to_the_pinned_cluster(demo, signed_in, screenshots, axe_check):
    browser = signed_in
    current = hub_follows_git(demo, MOVED_APP)
    browser.get(demo.url + f"/apps/{MOVED_APP}")
    candidates = [
        row.get_attribute("data-testid").removeprefix("candidate-")
        for row in browser.find_elements(By.CSS_SELECTOR, '[data-testid^="candidate-"]')
    ]
    target = next(c for c in candidates if c != current)
    fill(browser, "pin-cluster", target)
    submit(browser, "pin")
    assert exists(browser, "result-commit"), browser.page_source[:2000]
    screenshots(browser, "pin-result")
    commit = demo.log_of(f"placements/{MOVED_APP}.yaml", count=1)[0]
    assert commit["subject"] == f"Pin {MOVED_APP} to {target}"
    assert commit["author"] == "Demo Engineer"
    spec = yaml.safe_load(demo.file_at_tip(f"placements/{MOVED_APP}.yaml"))["spec"]
    assert (spec["cluster"], spec["pinned"]) == (target, True)
    assert hub_follows_git(demo, MOVED_APP) == target
    # The app's page says whose placement it is once the reconcile that applied it has finished its status.
    def shows_human():
        browser.get(demo.url + f"/apps/{MOVED_APP}")
        return "human" in find(browser, "detail-authorship").text.lower()

    wait_until(shows_human, timeout=30, message="the app page names the human's placement")
    screenshots(browser, f"app-{MOVED_APP}-pinned")
    axe_check(browser, "/apps/<name> pinned")


def test_unpin_hands_the_app_back_to_placer(demo, signed_in, screenshots):
    browser = signed_in
    browser.get(demo.url + f"/apps/{MOVED_APP}")
    submit(browser, "unpin")
    assert exists(browser, "result-commit"), browser.page_source[:2000]
    screenshots(browser, "unpin-result")
    unpin = next(c for c in demo.log_of(f"placements/{MOVED_APP}.yaml", count=5) if c["subject"].startswith("Unpin"))
    assert unpin["subject"] == f"Unpin {MOVED_APP}" and unpin["author"] == "Demo Engineer"
    # Unpinned, Placer decides again; whatever it decides, the hub follows Git.
    wait_until(lambda: yaml.safe_load(demo.file_at_tip(f"placements/{MOVED_APP}.yaml"))["spec"].get("pinned")
               is not True, message="placement no longer pinned")
    hub_follows_git(demo, MOVED_APP)


def test_rollback_restores_an_earlier_placement(demo, signed_in, screenshots):
    browser = signed_in
    history = demo.log_of(f"placements/{MOVED_APP}.yaml", count=10)
    browser.get(demo.url + f"/apps/{MOVED_APP}")
    # Back to the placement Placer made before the pin: the commit of the app's placement history before it.
    pin = next(index for index, c in enumerate(history) if c["subject"].startswith("Pin "))
    before_pin = history[pin + 1]["sha"]
    wanted = yaml.safe_load(demo.git("--git-dir", demo.bare, "show", f"{before_pin}:placements/{MOVED_APP}.yaml"))
    fill(browser, "rollback-revision", before_pin)
    submit(browser, "rollback")
    assert exists(browser, "result-commit"), browser.page_source[:2000]
    screenshots(browser, "rollback-result")
    commit = demo.log_of(f"placements/{MOVED_APP}.yaml", count=1)[0]
    assert "Placer-Rollback:" in commit["body"], commit
    assert commit["author"] == "Demo Engineer"
    assert placement_cluster(demo, MOVED_APP) == wanted["spec"]["cluster"]
    assert hub_follows_git(demo, MOVED_APP) == wanted["spec"]["cluster"]


def reconciles(demo) -> int:
    body = demo.get("/metrics")[1]
    return sum(int(v) for v in re.findall(r"^placer_reconcile_total\{[^}]*\} (\d+)", body, re.M))


def test_reconcile_now_runs_a_reconcile(demo, signed_in, screenshots):
    browser = signed_in
    browser.get(demo.url + "/")
    before = reconciles(demo)
    submit(browser, "reconcile")
    screenshots(browser, "reconcile-result")
    wait_until(lambda: reconciles(demo) > before, timeout=30, message="placer_reconcile_total grows")


def test_what_if_shows_a_plan_and_commits_nothing(demo, signed_in, screenshots, axe_check):
    browser = signed_in
    before = tip(demo)
    works = demo.works()
    down = max(set(works.values()), key=list(works.values()).count)
    browser.get(demo.url + "/what-if")
    fill(browser, "wi-down", down)
    find(browser, "what-if-run").click()
    wait_until(lambda: exists(browser, "#what-if-result") or exists(browser, "what-if-error"), message="a plan")
    result = find(browser, "#what-if-result")
    moved = {row.get_attribute("data-testid").removeprefix("what-if-")
             for row in result.find_elements(By.CSS_SELECTOR, '[data-testid^="what-if-"]')}
    on_down = {app for app, cluster in works.items() if cluster == down}
    # Only apps on the downed cluster move, none onto it; the page shows the plan the JSON API gives.
    plan = json.loads(demo.get(f"/what-if?down={down}", {"Accept": "application/json"})[1])["moves"]
    assert plan and {move["app"] for move in plan} == moved, (plan, moved)
    assert all(move["from"] == down and move["to"] != down for move in plan), plan
    assert moved <= on_down, (moved, on_down)
    screenshots(browser, "what-if-result")
    axe_check(browser, "/what-if result")
    assert tip(demo) == before, "what-if committed"
    assert demo.works() == works, "what-if changed the hub"


def test_actions_without_a_token_are_refused(demo, console, browser, screenshots):
    before = tip(demo)
    target = placement_cluster(demo, MOVED_APP)
    data = urllib.parse.urlencode({"cluster": target}).encode()
    for headers in [{}, {"Authorization": "Bearer not-the-token-0123456789"}]:
        request = urllib.request.Request(demo.url + f"/apps/{MOVED_APP}/pin", data=data, headers=headers)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 401, (headers, refused.value.code)
    # JSON bodies too, and the deploy action.
    request = urllib.request.Request(
        demo.url + "/apps", data=json.dumps({"name": "sneaky", "yaml": NEW_APP_YAML}).encode(),
        headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 401
    # In the browser: signed out, the pin form is refused.
    browser.delete_all_cookies()
    browser.get(demo.url + f"/apps/{MOVED_APP}")
    if exists(browser, "#pin-form"):
        fill(browser, "pin-cluster", target)
        find(browser, "pin").click()
        wait_until(lambda: browser.find_element(By.TAG_NAME, "body").text, message="an answer")
        text = browser.find_element(By.TAG_NAME, "body").text.lower()
        assert "sign in" in text or "401" in text or "unauthor" in text or "forbidden" in text, text[:500]
        screenshots(browser, "pin-refused")
    assert tip(demo) == before, "a refused action committed"
