#!/usr/bin/env python3
"""Extract the security-relevant default values of the camunda-platform Helm charts.

Usage:
    python3 scripts/gen-chart-defaults.py HELM_CHECKOUT [--out data/helm-chart-defaults]
                                          [--commit SHA] [--check]

HELM_CHECKOUT is a directory holding a checkout of github.com/camunda/camunda-platform-helm
(its `charts/` folder is enough, e.g. made with `git archive <commit> charts | tar -x -C DIR`).
The commit is taken from `git -C HELM_CHECKOUT rev-parse HEAD` when that works; otherwise pass
`--commit`. `--check` regenerates in memory and exits 1 when a committed file differs (for CI).

Requirements: Python 3.11 and PyYAML (`pip install PyYAML`; used for its node tree, which carries
the line of every value). Nothing else.

What it writes: for every chart directory `charts/camunda-platform-<line>` with line 8.6 or newer,
one file `<chart dir>-<chart version>.json` (for example `camunda-platform-8.8-13.12.7.json`) with
the chart's name, version and appVersion, its dependencies, and the *effective default* of every
key path matched by CURATED below, each with the file and line of the layer that supplies it.

How the effective default is computed (Helm's coalescing, see docs/deployments.md "Helm"):
  * a dependency's own values.yaml is the lowest layer, placed under its alias (or name);
  * the parent chart's values.yaml is merged over it: maps merge key by key, scalars and lists
    are replaced as a whole, and a `null` in the parent removes the key (the file keeps such a
    key with value null and the line of the null, so that the removal is visible);
  * only dependencies vendored in the checkout (`repository: file://...`) are read. A dependency
    pulled from a registry is read from a vendored chart with the same name and the exact same
    version when the checkout has one, and the file says so (`values_source_note`); otherwise its
    defaults are not included and the file lists it under `dependencies[].values_source: null`.

This script derives facts from the charts; it copies no chart file. The JSON files are data for
camguard's deployments stage, not a redistribution of values.yaml.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.constructor import SafeConstructor

SCHEMA_VERSION = 1
SOURCE_REPOSITORY = "camunda/camunda-platform-helm"
MIN_LINE = (8, 6)

# Curated key paths. A pattern is a dotted path; `*` matches one key (fnmatch per key, so
# `*ssl-redirect` matches the key `nginx.ingress.kubernetes.io/ssl-redirect`), and `**` matches
# any number of keys (zero included). A pattern selects leaves (scalars), lists (taken whole:
# Helm replaces lists) and empty maps. The second element names the reason: an item of
# ../shared/research/rule-audit.md (E = error, G = gap) or a plain word.
CURATED: list[tuple[str, str]] = [
    # versions the deployment runs (issue 15: versions come from charts and images)
    ("global.image.tag", "versions"),
    ("*.image.repository", "versions"),
    ("*.image.tag", "versions"),
    ("*.*.image.repository", "versions"),
    ("*.*.image.tag", "versions"),
    # which components (and bundled subcharts) are on
    ("*.enabled", "components"),
    # authentication method and built-in users (E1, E2)
    ("global.security.authentication.**", "E1"),
    ("orchestration.security.**", "E1"),
    ("identity.firstUser.**", "E1"),
    ("global.identity.auth.enabled", "E2"),
    ("global.identity.auth.type", "E2"),
    # identity provider endpoints (G9: OIDC endpoints over plain HTTP)
    ("global.identity.auth.issuer", "G9"),
    ("global.identity.auth.issuerBackendUrl", "G9"),
    ("global.identity.auth.publicIssuerUrl", "G9"),
    ("global.identity.auth.authUrl", "G9"),
    ("global.identity.auth.tokenUrl", "G9"),
    ("global.identity.auth.jwksUrl", "G9"),
    ("global.identity.keycloak.**", "G9"),
    ("orchestration.security.authentication.oidc.**", "G9"),
    # literal secrets and secret references (G4)
    ("global.identity.auth.*.existingSecret", "G4"),
    ("global.identity.auth.*.secret.**", "G4"),
    ("global.license.**", "G4"),
    ("global.secrets.**", "G4"),
    ("identity.externalDatabase.**", "G4"),
    ("identityPostgresql.auth.**", "G4"),
    ("webModelerPostgresql.auth.**", "G4"),
    ("postgresql.auth.**", "G4"),
    ("webModeler.restapi.externalDatabase.**", "G4"),
    ("webModeler.restapi.mail.**", "G4"),
    ("webModeler.security.**", "G4"),
    ("identityKeycloak.auth.**", "G4"),
    ("identityKeycloak.postgresql.auth.**", "G4"),
    # bundled Keycloak run mode (G20: Keycloak development flags)
    ("identityKeycloak.production", "G20"),
    ("identityKeycloak.proxy", "G20"),
    ("identityKeycloak.proxyHeaders", "G20"),
    ("identityKeycloak.extraEnvVars", "G20"),
    ("identityKeycloak.tls.**", "E5"),
    # ingress TLS (E5)
    ("global.ingress.enabled", "E5"),
    ("global.ingress.tls.**", "E5"),
    ("global.ingress.annotations.*ssl-redirect", "E5"),
    ("*.ingress.enabled", "E5"),
    ("*.ingress.tls", "E5"),
    ("*.ingress.tls.enabled", "E5"),
    ("*.ingress.*.enabled", "E5"),
    ("*.ingress.*.tls.enabled", "E5"),
    ("*.ingress.annotations.*ssl-redirect", "E5"),
    ("*.ingress.*.annotations.*ssl-redirect", "E5"),
    ("console.tls.**", "E5"),
    ("global.tls.**", "E5"),
    # datastores (E6, E12, G5 and the Helm datastore URLs named in issue 15)
    ("global.elasticsearch.**", "E6"),
    ("global.opensearch.**", "E6"),
    ("elasticsearch.security.**", "E12"),
    ("elasticsearch.extraEnvVars", "E12"),
    ("elasticsearch.*.extraEnvVars", "E12"),
    ("orchestration.data.secondaryStorage.**", "G5"),
    ("optimize.database.**", "G5"),
    # connectors secret provider (G3): the chart sets no prefix unless env says so
    ("connectors.env", "G3"),
    ("connectors.envFrom", "G3"),
    ("connectors.inbound.**", "G3"),
    ("connectors.security.**", "G3"),
    # chart-level environment and mounted extra files of every component (layers)
    ("*.env", "layers"),
    ("*.*.env", "layers"),
    ("*.envFrom", "layers"),
    ("*.extraConfiguration", "layers"),
    ("*.*.extraConfiguration", "layers"),
    ("*.multitenancy.**", "G18"),
]

CHART_DIR_RE = re.compile(r"^camunda-platform-(\d+)\.(\d+)$")


@dataclass
class Value:
    """One selected value of the effective defaults and where it comes from."""

    value: object
    source: str
    line: int
    layer: str


class _Constructor(SafeConstructor):
    """PyYAML's safe constructor, used on single nodes of the composed tree."""


def _construct(node: yaml.Node) -> object:
    constructor = _Constructor()
    return constructor.construct_object(node, deep=True)


def _flatten_merge_keys(node: yaml.MappingNode) -> None:
    # Resolves `<<: *anchor` the way PyYAML's loader does before building a mapping.
    _Constructor().flatten_mapping(node)


def load_tree(path: Path, rel: str, layer: str) -> dict:
    """Loads a YAML file into nested dicts whose leaves are Value (with line numbers)."""
    text = path.read_text(encoding="utf-8")
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        raise SystemExit(f"{rel}: top level is not a mapping")
    return _tree(node, rel, layer)


def _tree(node: yaml.Node, rel: str, layer: str) -> object:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        _flatten_merge_keys(node)
        if not node.value:
            return Value({}, rel, line, layer)
        out: dict = {}
        for key_node, value_node in node.value:
            key = _construct(key_node)
            out[str(key)] = _tree(value_node, rel, layer)
        return out
    # sequences are taken whole (Helm replaces lists), scalars as typed YAML values
    return Value(_construct(node), rel, line, layer)


def coalesce(upper: dict, lower: dict) -> dict:
    """Helm's rule for chart defaults: upper wins, maps merge, lists/scalars replace.

    A `null` in the upper layer replaces the lower value like any scalar; it is kept (value
    None, with its line) so that a reader sees where the default was removed: Helm removes the
    key, and a template reading it gets nothing.
    """
    out = dict(lower)
    for key, up in upper.items():
        low = out.get(key)
        if isinstance(up, dict) and isinstance(low, dict):
            out[key] = coalesce(up, low)
        else:
            out[key] = up
    return out


def match(pattern: list[str], path: list[str]) -> bool:
    if not pattern:
        return not path
    head = pattern[0]
    if head == "**":
        return any(match(pattern[1:], path[i:]) for i in range(len(path) + 1))
    return bool(path) and fnmatch.fnmatchcase(path[0], head) and match(pattern[1:], path[1:])


def dotted(path: list[str]) -> str:
    parts = []
    for key in path:
        if re.fullmatch(r"[A-Za-z0-9_-]+", key):
            parts.append(key if not parts else "." + key)
        else:
            parts.append('["' + key.replace("\\", "\\\\").replace('"', '\\"') + '"]')
    return "".join(parts)


def walk(tree: dict, prefix: list[str]):
    for key in sorted(tree):
        node = tree[key]
        path = prefix + [key]
        if isinstance(node, dict):
            yield from walk(node, path)
        else:
            yield path, node


def git_commit(checkout: Path) -> str | None:
    """HEAD of the checkout, only if the checkout is itself the top of a git work tree.

    (A directory that merely lies inside another repository must not borrow that one's commit.)
    """
    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(
                ["git", "-C", str(checkout), *args], check=True, capture_output=True, text=True
            )
        except (OSError, subprocess.CalledProcessError):
            return None
        return out.stdout.strip()

    top = git("rev-parse", "--show-toplevel")
    if top is None or Path(top).resolve() != checkout.resolve():
        return None
    sha = git("rev-parse", "HEAD")
    return sha if sha and re.fullmatch(r"[0-9a-f]{40}", sha) else None


def read_chart_yaml(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise SystemExit(f"{path}: not a mapping")
    return data


def chart_yaml_lines(path: Path) -> dict[str, int]:
    node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    lines = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            lines[str(key_node.value)] = value_node.start_mark.line + 1
    return lines


def vendored_charts(charts_dir: Path) -> dict[tuple[str, str], Path]:
    """Chart directories of the checkout by (name, version)."""
    found = {}
    for chart_yaml in sorted(charts_dir.glob("*/Chart.yaml")):
        meta = read_chart_yaml(chart_yaml)
        found[(str(meta.get("name")), str(meta.get("version")))] = chart_yaml.parent
    return found


def build(checkout: Path, chart_dir: Path, commit: str) -> dict:
    charts_dir = checkout / "charts"
    rel_dir = chart_dir.relative_to(checkout).as_posix()
    chart_yaml = chart_dir / "Chart.yaml"
    meta = read_chart_yaml(chart_yaml)
    meta_lines = chart_yaml_lines(chart_yaml)
    vendored = vendored_charts(charts_dir)

    merged: dict = {}
    dependencies = []
    for dep in meta.get("dependencies") or []:
        name = str(dep.get("name"))
        key = str(dep.get("alias") or name)
        repo = str(dep.get("repository") or "")
        version = str(dep.get("version") or "")
        entry = {
            "name": name,
            "alias": dep.get("alias"),
            "values_key": key,
            "version": version,
            "repository": repo,
            "condition": dep.get("condition"),
            "values_source": None,
            "values_source_note": None,
        }
        dep_dir = None
        if repo.startswith("file://"):
            dep_dir = (chart_dir / repo[len("file://") :]).resolve()
            entry["values_source_note"] = "vendored dependency (repository: file://)"
        elif (name, version) in vendored:
            dep_dir = vendored[(name, version)]
            entry["values_source_note"] = (
                f"the chart pulls {name} {version} from {repo}; values read from the checkout's "
                f"vendored chart of the same name and version; identity with the registry "
                f"package is UNCONFIRMED"
            )
        else:
            entry["values_source_note"] = (
                f"{name} {version} comes from {repo} and is not in the checkout: its defaults "
                f"are not included"
            )
        if dep_dir is not None:
            values = dep_dir / "values.yaml"
            if not values.is_file():
                raise SystemExit(f"{values}: missing")
            rel = values.resolve().relative_to(checkout.resolve()).as_posix()
            entry["values_source"] = rel
            merged = coalesce({key: load_tree(values, rel, f"dependency:{key}")}, merged)
        dependencies.append(entry)

    values = chart_dir / "values.yaml"
    rel_values = values.relative_to(checkout).as_posix()
    merged = coalesce(load_tree(values, rel_values, "chart"), merged)

    patterns = [(p.split("."), p, why) for p, why in CURATED]
    used = set()
    entries = []
    for path, val in walk(merged, []):
        reasons = sorted({why for segs, _, why in patterns if match(segs, path)})
        if not reasons:
            continue
        for segs, text, why in patterns:
            if match(segs, path):
                used.add(text)
        entries.append(
            {
                "path": dotted(path),
                "segments": path,
                "value": val.value,
                "templated": isinstance(val.value, str) and "{{" in val.value,
                "source": val.source,
                "line": val.line,
                "layer": val.layer,
                "why": reasons,
            }
        )

    rel_chart_yaml = chart_yaml.relative_to(checkout).as_posix()
    return {
        "schema": SCHEMA_VERSION,
        "generator": "scripts/gen-chart-defaults.py",
        "source_repository": SOURCE_REPOSITORY,
        "source_commit": commit,
        "chart_dir": rel_dir,
        "chart": {
            "name": meta.get("name"),
            "version": str(meta.get("version")),
            "appVersion": str(meta.get("appVersion")),
            "source": rel_chart_yaml,
            "version_line": meta_lines.get("version"),
            "appVersion_line": meta_lines.get("appVersion"),
        },
        "merge_rule": (
            "dependency values.yaml under its alias, then the chart values.yaml over it; maps "
            "merge, scalars and lists replace, null removes the key (kept here as value null with its line)"
        ),
        "dependencies": dependencies,
        "entries": entries,
        "patterns": [{"pattern": p, "why": why} for p, why in CURATED],
        "patterns_without_match": [p for p, _ in CURATED if p not in used],
    }


def chart_dirs(checkout: Path) -> list[Path]:
    found = []
    for d in sorted((checkout / "charts").iterdir()):
        m = CHART_DIR_RE.match(d.name)
        if m and d.is_dir() and (int(m.group(1)), int(m.group(2))) >= MIN_LINE:
            found.append(((int(m.group(1)), int(m.group(2))), d))
    return [d for _, d in sorted(found)]


def _compact(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def render(doc: dict) -> str:
    """Sorted keys; one line per top-level key, and one line per element of a list of objects.

    Valid JSON that stays small and gives one-line diffs when a chart default changes.
    """
    lines = ["{"]
    keys = sorted(doc)
    for i, key in enumerate(keys):
        value = doc[key]
        comma = "," if i + 1 < len(keys) else ""
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            lines.append(f" {_compact(key)}:[")
            for j, item in enumerate(value):
                lines.append("  " + _compact(item) + ("," if j + 1 < len(value) else ""))
            lines.append(" ]" + comma)
        else:
            lines.append(f" {_compact(key)}:{_compact(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkout", type=Path, help="checkout of camunda/camunda-platform-helm")
    ap.add_argument("--out", type=Path, default=Path("data/helm-chart-defaults"))
    ap.add_argument("--commit", help="commit of the checkout (when it is not a git work tree)")
    ap.add_argument("--check", action="store_true", help="exit 1 if the output would change")
    args = ap.parse_args(argv)

    checkout = args.checkout
    if not (checkout / "charts").is_dir():
        raise SystemExit(f"{checkout}: no charts/ directory")
    commit = args.commit or git_commit(checkout)
    if not commit or not re.fullmatch(r"[0-9a-f]{40}", commit):
        raise SystemExit("cannot tell the checkout's commit: pass --commit <40 hex digits>")

    dirs = chart_dirs(checkout)
    if not dirs:
        raise SystemExit(f"{checkout}: no charts/camunda-platform-8.6 or newer")
    stale = []
    for d in dirs:
        doc = build(checkout, d, commit)
        target = args.out / f"{d.name}-{doc['chart']['version']}.json"
        text = render(doc)
        if args.check:
            if not target.is_file() or target.read_text(encoding="utf-8") != text:
                stale.append(str(target))
            continue
        args.out.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"{target}: {len(doc['entries'])} entries")
    if stale:
        print("out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
