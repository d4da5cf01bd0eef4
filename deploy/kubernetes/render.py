"""A small kustomize renderer for the features deploy/kubernetes uses, so CI can render and
validate the overlays without a kustomize binary (none is installable from the registries
this project may use).

Supported, with kustomize's semantics: ``resources`` (files and directories holding a
kustomization.yaml, recursively), ``namespace``, ``labels`` (``pairs`` with
``includeSelectors``/``includeTemplates``), ``images`` (``newName``/``newTag``), ``replicas``
and ``patches`` given by ``path`` (strategic merge: maps merge, lists of maps merge by
``name``, other lists are replaced). Anything else in a kustomization is refused, so the
renderer cannot silently ignore a feature. Where ``kubectl kustomize`` exists, the tests
check that both render the same objects.

    python deploy/kubernetes/render.py deploy/kubernetes/overlays/production
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import yaml

SUPPORTED = {
    "apiVersion",
    "kind",
    "resources",
    "namespace",
    "labels",
    "images",
    "replicas",
    "patches",
}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume"}
WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}


class KustomizeError(Exception):
    pass


def render(directory: str | Path) -> list[dict]:
    directory = Path(directory)
    config = yaml.safe_load((directory / "kustomization.yaml").read_text())
    unknown = set(config) - SUPPORTED
    if unknown:
        raise KustomizeError(f"{directory}: unsupported kustomization fields {sorted(unknown)}")
    objects: list[dict] = []
    for entry in config.get("resources", []):
        path = directory / entry
        if path.is_dir():
            objects.extend(render(path))
        else:
            objects.extend(doc for doc in yaml.safe_load_all(path.read_text()) if doc)
    for patch in config.get("patches", []):
        if set(patch) != {"path"}:
            raise KustomizeError(f"{directory}: only patches by path are supported: {patch}")
        for doc in yaml.safe_load_all((directory / patch["path"]).read_text()):
            if doc:
                _apply_patch(objects, doc, directory)
    for replica in config.get("replicas", []):
        target = _find(objects, None, replica["name"], kinds=WORKLOADS | {"Deployment"})
        target["spec"]["replicas"] = replica["count"]
    for image in config.get("images", []):
        for obj in objects:
            for container in _containers(obj):
                _set_image(container, image)
    for label in config.get("labels", []):
        for obj in objects:
            _add_labels(obj, label)
    if "namespace" in config:
        for obj in objects:
            if obj["kind"] not in CLUSTER_SCOPED:
                obj["metadata"]["namespace"] = config["namespace"]
    return objects


def _find(objects, kind, name, kinds=None):
    for obj in objects:
        if obj["metadata"]["name"] == name and (
            (kind and obj["kind"] == kind) or (not kind and (kinds is None or obj["kind"] in kinds))
        ):
            return obj
    raise KustomizeError(f"no {kind or 'workload'} named {name}")


def _apply_patch(objects, patch, directory):
    target = _find(objects, patch["kind"], patch["metadata"]["name"])
    merged = strategic_merge(target, patch)
    target.clear()
    target.update(merged)


def strategic_merge(base, patch):
    if isinstance(base, dict) and isinstance(patch, dict):
        out = copy.deepcopy(base)
        for key, value in patch.items():
            out[key] = strategic_merge(base[key], value) if key in base else copy.deepcopy(value)
        return out
    if (
        isinstance(base, list)
        and isinstance(patch, list)
        and all(isinstance(i, dict) and "name" in i for i in base + patch)
    ):
        out = copy.deepcopy(base)
        for item in patch:
            for index, existing in enumerate(out):
                if existing["name"] == item["name"]:
                    out[index] = strategic_merge(existing, item)
                    break
            else:
                out.append(copy.deepcopy(item))
        return out
    return copy.deepcopy(patch)


def _pod_specs(obj):
    spec = obj.get("spec", {})
    if obj["kind"] == "CronJob":
        yield spec["jobTemplate"]["spec"]["template"]["spec"]
    elif "template" in spec:
        yield spec["template"]["spec"]


def _containers(obj):
    for pod in _pod_specs(obj):
        yield from pod.get("initContainers", [])
        yield from pod.get("containers", [])


def _set_image(container, image):
    current = container["image"]
    name, _, _tag = current.partition(":")
    if name != image["name"]:
        return
    new_name = image.get("newName", name)
    new_tag = image.get("newTag", _tag)
    container["image"] = f"{new_name}:{new_tag}" if new_tag else new_name


def _add_labels(obj, label):
    pairs = label["pairs"]
    obj["metadata"].setdefault("labels", {}).update(pairs)
    spec = obj.get("spec", {})
    if label.get("includeTemplates") or label.get("includeSelectors"):
        if obj["kind"] == "CronJob":
            job = spec["jobTemplate"]
            job.setdefault("metadata", {}).setdefault("labels", {}).update(pairs)
            job["spec"]["template"]["metadata"].setdefault("labels", {}).update(pairs)
        elif "template" in spec:
            spec["template"].setdefault("metadata", {}).setdefault("labels", {}).update(pairs)
    if label.get("includeSelectors"):
        if obj["kind"] == "Service":
            spec.setdefault("selector", {}).update(pairs)
        elif "selector" in spec and "matchLabels" in spec["selector"]:
            spec["selector"]["matchLabels"].update(pairs)


def main(argv: list[str]) -> int:
    objects = render(argv[1])
    sys.stdout.write(yaml.safe_dump_all(objects, sort_keys=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
