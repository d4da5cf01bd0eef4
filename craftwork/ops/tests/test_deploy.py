"""The deploy files: Kubernetes overlays render and validate against the Kubernetes schemas,
alert rules and the dashboard use metrics /metrics exports, compose, the Dockerfile and the
lock files hold what docs/operations.md promises. No cluster, no Docker engine needed."""

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "kubernetes"
OVERLAYS = ["staging", "production"]
KUBERNETES_VERSION = "1.30.0"

sys.path.insert(0, str(K8S))
from render import KustomizeError, render, strategic_merge  # noqa: E402


def rendered(overlay):
    return {(o["kind"], o["metadata"]["name"]): o for o in render(K8S / "overlays" / overlay)}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_rendered_manifest_validates(overlay):
    objects = rendered(overlay)
    assert len(objects) >= 15
    for (kind, name), obj in objects.items():
        try:
            kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(f"{overlay} {kind}/{name}: {exc.message} at {list(exc.path)}")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_has_what_production_needs(overlay):
    objects = rendered(overlay)
    namespace = {"staging": "craftwork-staging", "production": "craftwork"}[overlay]
    assert {o["metadata"]["namespace"] for o in objects.values()} == {namespace}
    beat = objects[("Deployment", "craftwork-beat")]["spec"]
    assert beat["replicas"] == 1 and beat["strategy"]["type"] == "Recreate"
    assert ("HorizontalPodAutoscaler", "craftwork-beat") not in objects
    for name in ("craftwork-web", "craftwork-worker"):
        hpa = objects[("HorizontalPodAutoscaler", name)]["spec"]
        assert hpa["scaleTargetRef"]["name"] == name and hpa["minReplicas"] >= 1
        assert ("PodDisruptionBudget", name) in objects
    web = objects[("Deployment", "craftwork-web")]["spec"]["template"]["spec"]
    container = web["containers"][0]
    assert container["startupProbe"]["httpGet"]["path"] == "/health/"
    assert container["livenessProbe"]["httpGet"]["path"] == "/health/"
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready/"
    assert web["initContainers"][0]["args"] == ["manage", "migrate", "--check"]
    for (kind, name), obj in objects.items():
        pods = []
        if kind in {"Deployment", "Job"}:
            pods = [obj["spec"]["template"]["spec"]]
        elif kind == "CronJob":
            pods = [obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]]
        for pod in pods:
            assert pod["securityContext"]["runAsNonRoot"] is True, name
            assert pod["automountServiceAccountToken"] is False, name
            for c in pod.get("initContainers", []) + pod["containers"]:
                assert c["securityContext"]["readOnlyRootFilesystem"] is True, (name, c["name"])
                assert c["securityContext"]["capabilities"]["drop"] == ["ALL"]
                assert c["resources"]["requests"] and c["resources"]["limits"]
                assert c["image"].startswith("registry.example.com/craftwork:")
                assert any(m["mountPath"] == "/tmp" for m in c["volumeMounts"])
                refs = {next(iter(e.values()))["name"] for e in c.get("envFrom", [])}
                assert refs == {"craftwork-config", "craftwork-secrets"}, (name, c["name"])
    assert ("Job", "craftwork-migrate") in objects
    assert objects[("CronJob", "craftwork-backup")]["spec"]["concurrencyPolicy"] == "Forbid"
    ingress = objects[("Ingress", "craftwork")]
    assert ingress["spec"]["tls"] and "proxy-read-timeout" in " ".join(
        ingress["metadata"]["annotations"]
    )
    assert any(k == "NetworkPolicy" for k, _ in objects)


def test_overlays_differ_where_they_should():
    staging, production = rendered("staging"), rendered("production")
    config = ("ConfigMap", "craftwork-config")
    assert staging[config]["data"]["PAYMENTS_PROVIDER"] == "sandbox"
    assert production[config]["data"]["PAYMENTS_PROVIDER"] == "stripe"
    assert production[("Deployment", "craftwork-web")]["spec"]["replicas"] == 3
    web = production[("Deployment", "craftwork-web")]["spec"]["template"]["spec"]["containers"][0]
    assert web["resources"]["limits"]["cpu"] == "2" and web["ports"][0]["containerPort"] == 8000
    assert staging[("Ingress", "craftwork")]["spec"]["rules"][0]["host"].startswith("staging.")


@pytest.mark.skipif(not shutil.which("kubectl"), reason="kubectl (with kustomize) not installed")
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_renderer_matches_kustomize(overlay):
    out = subprocess.run(
        ["kubectl", "kustomize", str(K8S / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    theirs = {(o["kind"], o["metadata"]["name"]): o for o in yaml.safe_load_all(out) if o}
    assert rendered(overlay) == theirs


def test_renderer_refuses_what_it_does_not_know(tmp_path):
    (tmp_path / "kustomization.yaml").write_text("resources: []\nconfigMapGenerator: []\n")
    with pytest.raises(KustomizeError):
        render(tmp_path)
    merged = strategic_merge(
        {"containers": [{"name": "a", "env": [{"name": "X", "value": "1"}]}], "list": [1]},
        {"containers": [{"name": "a", "env": [{"name": "Y", "value": "2"}]}], "list": [2]},
    )
    assert merged["containers"][0]["env"] == [
        {"name": "X", "value": "1"},
        {"name": "Y", "value": "2"},
    ]
    assert merged["list"] == [2]


# --- monitoring ---------------------------------------------------------------------------

METRIC = re.compile(r"\b((?:craftwork|django)_[a-z0-9_]+)")


@pytest.fixture
def exported_names(db, settings):
    from django.core.cache import cache
    from django.test import Client

    from craftwork.ops.collectors import RECONCILE_CACHE_KEY, BusinessCollector
    from craftwork.ops.metrics import celery_task_duration, celery_tasks, websocket_connections

    # Every labelled family shows at least one sample.
    celery_tasks.labels("t", "failed")
    celery_task_duration.labels("t")
    websocket_connections.labels("me")
    settings.METRICS_TOKEN, settings.PRODUCTION = "", False
    cache.set(RECONCILE_CACHE_KEY, {"ok": True, "problems": 0, "at": 1.0})
    cache.get(RECONCILE_CACHE_KEY)
    BusinessCollector.clear()
    client = Client()
    client.get("/health/")
    client.get("/no-such-page/")
    text = client.get("/metrics").content.decode()
    names = set()
    for line in text.splitlines():
        if line and not line.startswith("#"):
            names.add(re.split(r"[{ ]", line)[0])
    # Families the test database cannot show (no Celery broker, no DB wrapper in tests).
    names |= {
        "craftwork_celery_queue_depth",
        "django_db_execute_total",
        "django_db_errors_total",
    }
    return names


def _exprs_in_alerts():
    rules = yaml.safe_load((DEPLOY / "monitoring" / "alerts.yml").read_text())
    return [rule for group in rules["groups"] for rule in group["rules"]]


def test_alert_rules_are_complete_and_use_exported_metrics(exported_names):
    rules = _exprs_in_alerts()
    names = {rule["alert"] for rule in rules}
    for expected in (
        "CraftworkHighErrorRate",
        "CraftworkSlowRequests",
        "CraftworkWebhookBacklog",
        "CraftworkOutboxBacklog",
        "CraftworkReconcileFailed",
        "CraftworkQueueDepth",
    ):
        assert expected in names
    operations = (ROOT / "docs" / "operations.md").read_text()
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', operations))
    for rule in rules:
        assert set(rule) == {"alert", "expr", "for", "labels", "annotations"}, rule["alert"]
        assert rule["labels"]["severity"] in {"page", "warn"}
        assert re.fullmatch(r"\d+[smh]", rule["for"])
        assert rule["annotations"]["summary"]
        assert rule["expr"].count("(") == rule["expr"].count(")")
        anchor = rule["annotations"]["runbook_url"].split("#")[1]
        assert anchor in anchors, f"{rule['alert']}: no runbook #{anchor} in docs/operations.md"
        for metric in METRIC.findall(rule["expr"]):
            base = re.sub(r"_(bucket|count|sum)$", "", metric)
            assert metric in exported_names or base in {
                re.sub(r"_(bucket|count|sum)$", "", n) for n in exported_names
            }, f"{rule['alert']}: {metric} is not exported"


def test_dashboard_panels_use_exported_metrics(exported_names):
    dashboard = json.loads((DEPLOY / "monitoring" / "grafana-dashboard.json").read_text())
    assert dashboard["uid"] and dashboard["panels"]
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    bases = {re.sub(r"_(bucket|count|sum)$", "", n) for n in exported_names}
    for panel in dashboard["panels"]:
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            for metric in METRIC.findall(target["expr"]):
                assert re.sub(r"_(bucket|count|sum)$", "", metric) in bases | exported_names, (
                    f"{panel['title']}: {metric}"
                )


# --- compose, image, lock ---------------------------------------------------------------------


def test_compose_stack():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "migrate", "web", "worker", "beat", "proxy"}
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["postgres"]["condition"] == "service_healthy"
        assert services[name]["healthcheck"]["test"]
        assert services[name]["read_only"] is True and services[name]["env_file"] == ".env"
    assert services["migrate"]["command"] == ["migrate"] and services["migrate"]["restart"] == "no"
    assert services["proxy"]["profiles"] == ["proxy"]
    assert {"postgres-data", "redis-data", "app-data"} <= set(compose["volumes"])
    caddy = (DEPLOY / "Caddyfile").read_text()
    assert "reverse_proxy web:8000" in caddy
    example = (DEPLOY / "env.example").read_text()
    for variable in ("SECRET_KEY", "POSTGRES_PASSWORD", "METRICS_TOKEN", "SENTRY_DSN"):
        assert f"\n{variable}=" in example


def test_dockerfile_is_multi_stage_non_root_with_healthcheck():
    text = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+) AS (\w+)", text, re.MULTILINE)
    assert [name for _, name in stages] == ["builder", "runtime"]
    runtime = text.split("AS runtime", 1)[1]
    assert "build-essential" not in runtime and "gcc" not in runtime
    assert re.search(r"^USER craftwork", runtime, re.MULTILINE)
    assert "HEALTHCHECK" in runtime and "collectstatic" in runtime
    assert "requirements.lock" in text and "msgfmt" in text
    entry = (DEPLOY / "entrypoint.sh").read_text()
    for role in ("web)", "worker)", "beat)", "migrate)", "backup)", "manage)"):
        assert role in entry
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "var"} <= set(ignored)


def _names(lock: Path) -> set[str]:
    return {
        re.split(r"[=<>\[ ]", line)[0].lower().replace("_", "-")
        for line in lock.read_text().splitlines()
        if line and not line.startswith((" ", "#"))
    }


def test_lock_files_pin_every_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

    def wanted(requirements):
        return {re.split(r"[=<>\[ ;]", r)[0].lower().replace("_", "-") for r in requirements}

    runtime = _names(ROOT / "requirements.lock")
    dev = _names(ROOT / "requirements-dev.lock")
    missing = wanted(project["dependencies"]) - runtime
    assert not missing, f"requirements.lock lacks {missing}: run `make lock`"
    missing = wanted(project["dependencies"] + project["optional-dependencies"]["dev"]) - dev
    assert not missing, f"requirements-dev.lock lacks {missing}: run `make lock`"
    assert all(
        "==" in line
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if line and not line.startswith((" ", "#"))
    )
