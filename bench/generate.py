#!/usr/bin/env python3
"""Deterministic generator of a benchmark tree of Camunda / Elasticsearch / OpenSearch
configuration files (issue 6, performance).

    python3 bench/generate.py --size small|medium|large --seed 42 --out bench/tree-large
    python3 bench/generate.py --profile dense --size medium --seed 42 --out bench/tree-dense-medium

The tree is a monorepo of "deployments" under ``teams/team-NNN/[domain/]svc-NNNN/``.
Each deployment has an archetype (Camunda 7 Spring Boot app, Camunda 7 Run, Camunda 8
orchestration cluster, Camunda 8 Helm release, Optimize, Elasticsearch, OpenSearch,
Tomcat distribution, or a repository with no Camunda configuration at all) and writes the
files such a deployment has: application.yaml / application.properties,
configuration/default.yml + production.yml, environment-config.yaml, elasticsearch.yml,
opensearch.yml, docker-compose.yaml (environment lists and maps, anchors, aliases and
merge keys), multi-document Kubernetes manifests (Deployment env, ConfigMap with an
embedded application.yaml, Secret, Service), Helm values (the real camunda-platform 8.8
chart values, ~230 KB, varied), small values-<env>.yaml overrides, .env files, web.xml,
bpm-platform.xml, plus noise (READMEs, GitHub workflows, OpenAPI specs, Backstage
catalog files, Grafana dashboards, package.json, renovate.json, logback.xml).

Base content is hardened: with ``--insecure-rate 0`` camguard should report (almost)
nothing. Each configuration file is then made insecure with probability
``--insecure-rate`` (default 0.10): it receives 1-3 "injections" picked from the
settings that make sense for its kind. Each injection kind names the camguard rule it
is expected to trigger (INJECTIONS below); the per-file list is written to the
manifest ``<out>.manifest.json`` next to (outside) the tree.

Profiles (``--profile``): ``sparse`` (the default, above) and ``dense``, the finding-dense
tree of issue 16: configuration files are made insecure with probability 0.90 (2-6
injections each), Helm full values and noise-only repositories are rarer, and about a
third of the deployments are "real-*" ones: real published configurations (Camunda Run
default.yml with demo/demo and CORS "*", C8 Run application.yaml with an unprotected API,
the camunda-distributions compose files with Elasticsearch security off, Helm test values,
Optimize, Elasticsearch and OpenSearch examples), byte copies of tests/corpus/ files in
tests/corpus/ (see tests/corpus/SOURCES.md), listed under ``real_files`` in the
manifest. Dense sizes: small ~450 files / 2.5 MB, medium ~4,200 files / 23.5 MB, large
four times medium. Dense deployment i uses the seed string ``f"{seed}:dense:{i}"``; the
sparse profile's output is unchanged byte for byte.

Determinism: deployment i uses ``random.Random(f"{seed}:{i}")`` (string seeds are hashed
with SHA-512, independent of PYTHONHASHSEED), so a given seed and size always produce
the same bytes, and a smaller size is a prefix (same deployments) of a larger one.
No clock, no global random state, no unordered iteration. ``--out`` is deleted and
recreated. Standard library only (Python 3.11).

Templates (real published files, see bench/templates/SOURCES.md) are read from
bench/templates/ next to this script.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
# Real published configurations: the test corpus (tests/corpus/SOURCES.md names their origins).
CORPUS = HERE.parent / "tests" / "corpus"

# Number of deployments per size. large gives >= 10,000 files and ~100 MB.
SIZES = {"small": 52, "medium": 525, "large": 2100}

# injection kind -> camguard rule it is expected to trigger (at least one finding of
# that code in the file it was injected into; some also trigger CRED001/CRED002 or
# other rules as a side effect).
INJECTIONS = {
    # Camunda 7 Spring Boot / Run (application.yaml, application.properties,
    # configuration/*.yml, ConfigMap-embedded application.yaml)
    "c7-admin-demo": "C7001",
    "c7-authorization-off": "C7003",
    "c7-tenant-check-off": "C7004",
    "c7-java-serialization": "C7008",
    "c7-xxe": "C7009",
    "c7-hsts-off": "C7013",
    "c7-cookie-insecure": "C7015",
    "c7-datasource-default-cred": "CRED001",
    "c7run-auth-off": "C7002",
    "c7run-cors-any": "C7005",
    "c7run-example": "C7006",
    "c7run-demo-keystore": "C7011",
    # Camunda 8 orchestration cluster application.yaml
    "c8-unprotected-api": "C8001",
    "c8-authorizations-off": "C8002",
    "c8-basic-auth": "C8003",
    "c8-initial-user-demo": "C8004",
    "c8-csrf-off": "C8005",
    "c8-actuator-show-values": "C8007",
    "c8-gateway-plaintext": "C8008",
    "c8-datastore-http": "C8009",
    "c8-datastore-no-creds": "C8011",
    # Optimize environment-config.yaml
    "opt-http-port": "OPT001",
    "opt-engine-no-auth": "OPT003",
    "opt-engine-http": "OPT004",
    "opt-es-ssl-off": "OPT005",
    "opt-es-skip-hostname": "OPT006",
    # elasticsearch.yml
    "es-security-off": "ES001",
    "es-http-ssl-off": "ES002",
    "es-transport-ssl-off": "ES003",
    "es-verification-none": "ES004",
    "es-cors-any": "ES005",
    # opensearch.yml
    "os-security-disabled": "OS001",
    "os-demo-certs": "OS002",
    "os-default-init-index": "OS003",
    "os-http-ssl-off": "OS005",
    "os-kirk-admin-dn": "OS006",
    # docker-compose.yaml
    "dc-unprotected-api": "C8001",
    "dc-authorizations-off": "C8002",
    "dc-es-security-off": "ES001",
    "dc-os-security-off": "OS001",
    "dc-published-port": "DC001",
    "dc-run-auth-off": "C7002",
    # .env
    "env-default-cred": "CRED001",
    # Kubernetes manifests (Deployment env)
    "k8s-env-authorizations-off": "C8002",
    "k8s-env-unprotected-api": "C8001",
    # Helm values (full chart values.yaml and small overrides)
    "helm-basic-auth": "HELM006",
    "helm-identity-auth-off": "HELM005",
    "helm-demo-user": "HELM002",
    "helm-bundled-es-no-tls": "HELM007",
    "helm-unprotected-api": "HELM006",
    "helm-datastore-http": "HELM004",
    "helm-ingress-no-tls": "HELM003",
    "helm-inline-secret": "HELM001",
    # web.xml
    "xml-cookie-insecure": "C7015",
    "xml-rest-no-auth-filter": "C7101",
    "xml-bpm-platform-authorization-off": "C7003",
}

# ---------------------------------------------------------------------------------------
# word lists

DOMAINS = ["payments", "lending", "claims", "onboarding", "logistics", "hr", "procurement",
           "insurance", "billing", "customer", "risk", "compliance", "trade", "fleet"]
NOUNS = ["invoice", "payment", "loan", "claim", "order", "shipment", "kyc", "contract",
         "policy", "refund", "dispute", "account", "ticket", "vendor", "quote", "booking",
         "approval", "document", "mandate", "transfer", "credit", "leasing", "returns"]
SUFFIXES = ["service", "worker", "engine", "orchestrator", "api", "process", "app", "flow"]
# (no "test": Semgrep skips test/ directories by default, and k8s/<env>/ is a directory)
ENVS = ["dev", "uat", "staging", "prod", "qa", "int"]
FIRST = ["Ada", "Grace", "Linus", "Margaret", "Ken", "Barbara", "Alan", "Edsger", "Frances",
         "Donald", "Radia", "John", "Leslie", "Tim", "Hedy", "Niklaus"]
LAST = ["Lovelace", "Hopper", "Torvalds", "Hamilton", "Thompson", "Liskov", "Turing",
        "Dijkstra", "Allen", "Knuth", "Perlman", "Backus", "Lamport", "Berners-Lee"]
WORDS = ("the process engine handles every incoming request for the business workflow "
         "and stores history for audit purposes while the workers poll external tasks "
         "from the cluster deployment pipeline runs nightly with integration tests against "
         "a staging environment owned by the platform team who maintain shared charts "
         "configuration secrets are injected by the operator from vault never committed "
         "monitoring dashboards alert on incidents backlog latency and failed jobs").split()

ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def rand_secret(rng: random.Random, n: int = 32) -> str:
    return "".join(rng.choice(ALNUM) for _ in range(n))


def sentence(rng: random.Random, lo: int = 8, hi: int = 20) -> str:
    s = " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi)))
    return s[0].upper() + s[1:] + "."


# ---------------------------------------------------------------------------------------
# YAML / properties rendering

_PLAIN = re.compile(r"^[A-Za-z0-9_/$(][A-Za-z0-9_./:@${}()\-+,=;~ ]*$")
_NUMLIKE = re.compile(r"^[-+]?(\d[\d_]*)?(\.\d*)?([eE][-+]?\d+)?$")


def scalar(v) -> str:
    if v is None:
        return "~"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return str(v)
    s = str(v)
    if (s == "" or s.lower() in ("true", "false", "yes", "no", "on", "off", "null", "~", "y", "n")
            or _NUMLIKE.match(s) or not _PLAIN.match(s) or ": " in s or " #" in s
            or s.endswith(" ") or s.endswith(":")):
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return s


def build_tree(pairs, collapse=()):
    """pairs: [(dotted key, value)] -> nested dicts (insertion ordered)."""
    root: dict = {}
    for key, value in pairs:
        parts = None
        for c in collapse:
            if key.startswith(c + "."):
                parts = [c] + key[len(c) + 1:].split(".")
                break
        if parts is None:
            parts = key.split(".")
        node = root
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = value
    return root


def render_yaml(tree, indent=0, comments=None, path="") -> list[str]:
    out = []
    pad = " " * indent
    for k, v in tree.items():
        full = f"{path}.{k}" if path else k
        if comments and full in comments:
            out.append(f"{pad}# {comments[full]}")
        if isinstance(v, dict):
            out.append(f"{pad}{k}:")
            out.extend(render_yaml(v, indent + 2, comments, full))
        elif isinstance(v, list):
            if not v:
                out.append(f"{pad}{k}: []")
                continue
            out.append(f"{pad}{k}:")
            for item in v:
                if isinstance(item, dict):
                    first = True
                    for ik, iv in item.items():
                        lead = f"{pad}  - " if first else f"{pad}    "
                        out.append(f"{lead}{ik}: {scalar(iv)}")
                        first = False
                else:
                    out.append(f"{pad}  - {scalar(item)}")
        else:
            out.append(f"{pad}{k}: {scalar(v)}")
    return out


def prop_escape(v) -> str:
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return ""
    return str(v)


def render_properties(pairs, comments=None) -> list[str]:
    out = []
    for key, value in pairs:
        if comments and key in comments:
            out.append(f"# {comments[key]}")
        if isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, dict):
                    for ik, iv in item.items():
                        out.append(f"{key}[{i}].{ik}={prop_escape(iv)}")
                else:
                    out.append(f"{key}[{i}]={prop_escape(item)}")
        else:
            out.append(f"{key}={prop_escape(value)}")
    return out


def set_pair(pairs, key, value):
    for i, (k, _) in enumerate(pairs):
        if k == key:
            pairs[i] = (key, value)
            return
    pairs.append((key, value))


def drop_pair(pairs, key):
    pairs[:] = [(k, v) for k, v in pairs if k != key]


def pick_injections(rng, ctx, candidates):
    """With probability rate, pick injection kinds from candidates: 1-3 of them in the
    sparse profile, 2-6 in the dense one (capped by the number of candidates)."""
    if not candidates or rng.random() >= ctx.rate:
        return []
    n = min(len(candidates), rng.choice(ctx.per_file))
    return sorted(rng.sample(sorted(candidates), n))


# ---------------------------------------------------------------------------------------
# deployment context

class Ctx:
    def __init__(self, rng: random.Random, index: int, rate: float, per_file=(1, 1, 1, 2, 2, 3)):
        self.rng = rng
        self.index = index
        self.rate = rate
        self.per_file = list(per_file)
        self.team = f"team-{rng.randint(1, max(8, 1 + index // 6)):03d}"
        self.domain = rng.choice(DOMAINS)
        self.svc = f"{rng.choice(NOUNS)}-{rng.choice(SUFFIXES)}"
        self.svc_id = f"{self.svc}-{index:04d}"
        self.db = self.svc.replace("-", "_")
        self.env = rng.choice(ENVS)
        self.ns = f"{self.team}-{self.env}"
        self.host = f"{self.svc_id}.{self.team}.example.com"
        self.es_host = f"es-{rng.randint(1, 9)}.{self.team}.internal.example.com"
        self.version = f"{rng.randint(1, 4)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}"


COMMENTS_C7 = {
    "spring.datasource.url": "Engine database (shared PostgreSQL cluster of the team)",
    "server.ssl.key-store": "TLS terminates in the pod; the keystore is mounted from a Secret",
    "camunda.bpm.admin-user.id": "Bootstrap administrator, password injected from Vault",
    "camunda.bpm.authorization.enabled": "Keep authorization checks on (security review SEC-214)",
    "camunda.bpm.generic-properties.properties.deserialization-type-validation-enabled":
        "Only allow our own DTOs as serialized variables",
    "camunda.bpm.job-execution.core-pool-size": "Tuned for 2 vCPU pods",
    "camunda.bpm.webapp.header-security.hsts-disabled": "HSTS on: all traffic goes through the ingress over TLS",
    "logging.level.root": "Log levels; override per environment with LOGGING_LEVEL_* variables",
}

COMMENTS_C8 = {
    "camunda.security.authentication.method": "Authentication through the corporate IdP",
    "camunda.security.authorizations.enabled": "Resource authorizations are enforced",
    "camunda.data.secondary-storage.type": "Secondary storage used by Operate/Tasklist and the REST API",
    "zeebe.broker.gateway.security.enabled": "gRPC gateway TLS, certificates from cert-manager",
    "management.endpoints.web.exposure.include": "Only health and metrics are exposed",
    "camunda.cluster.size": "Cluster sizing, see capacity planning sheet",
}


def extra_app_pairs(ctx: Ctx, lo: int, hi: int):
    rng = ctx.rng
    pairs = []
    base = ctx.svc.split("-")[0]
    for j in range(rng.randint(lo, hi)):
        integ = rng.choice(NOUNS)
        kind = rng.randint(0, 4)
        if kind == 0:
            pairs.append((f"{base}.integrations.{integ}.url", f"https://{integ}.{ctx.team}.example.com/api/v{rng.randint(1, 3)}"))
        elif kind == 1:
            pairs.append((f"{base}.integrations.{integ}.timeout", f"{rng.randint(1, 60)}s"))
        elif kind == 2:
            pairs.append((f"{base}.features.{integ}-{j}", rng.choice([True, False])))
        elif kind == 3:
            pairs.append((f"{base}.limits.{integ}.max-retries", rng.randint(1, 10)))
        else:
            pairs.append((f"{base}.topics.{integ}", f"{ctx.team}.{integ}.events.v{rng.randint(1, 4)}"))
    return pairs


def c7_pairs(ctx: Ctx, inj: list[str], run: bool = False):
    rng = ctx.rng
    p = []
    if not run:
        p.append(("spring.application.name", ctx.svc))
    if "c7-datasource-default-cred" in inj:
        p += [("spring.datasource.url", "jdbc:h2:./camunda-h2-database"),
              ("spring.datasource.username", "sa"), ("spring.datasource.password", "sa")]
    else:
        p += [("spring.datasource.url", f"jdbc:postgresql://pg-{rng.randint(1, 5)}.{ctx.team}.internal:5432/{ctx.db}"),
              ("spring.datasource.username", ctx.db),
              ("spring.datasource.password", "${DB_PASSWORD}")]
    p.append(("spring.datasource.hikari.maximum-pool-size", rng.choice([10, 20, 30, 50])))
    if rng.random() < 0.5:
        p.append(("spring.jpa.open-in-view", False))
    p += [("server.port", 8443), ("server.ssl.enabled", True)]
    if "c7run-demo-keystore" in inj:
        p += [("server.ssl.key-store", "classpath:keystore.p12"),
              ("server.ssl.key-store-password", "camunda"),
              ("server.ssl.key-store-type", "pkcs12"), ("server.ssl.key-alias", "camunda"),
              ("server.ssl.key-password", "camunda")]
    else:
        p += [("server.ssl.key-store", f"file:/etc/tls/{ctx.svc}.p12"),
              ("server.ssl.key-store-password", "${KEYSTORE_PASSWORD}"),
              ("server.ssl.key-store-type", "PKCS12")]
    p.append(("server.servlet.session.cookie.secure", "c7-cookie-insecure" not in inj))
    p.append(("server.servlet.session.cookie.http-only", True))
    if "c7-admin-demo" in inj:
        p += [("camunda.bpm.admin-user.id", "demo"), ("camunda.bpm.admin-user.password", "demo"),
              ("camunda.bpm.admin-user.first-name", "Demo")]
    else:
        p += [("camunda.bpm.admin-user.id", f"ops-{ctx.team}"),
              ("camunda.bpm.admin-user.password", "${CAMUNDA_ADMIN_PASSWORD}"),
              ("camunda.bpm.admin-user.first-name", rng.choice(FIRST)),
              ("camunda.bpm.admin-user.last-name", rng.choice(LAST))]
    p.append(("camunda.bpm.authorization.enabled", "c7-authorization-off" not in inj))
    if "c7-tenant-check-off" in inj:
        p.append(("camunda.bpm.authorization.tenant-check-enabled", False))
    elif rng.random() < 0.3:
        p.append(("camunda.bpm.authorization.tenant-check-enabled", True))
    gp = "camunda.bpm.generic-properties.properties."
    p += [(gp + "deserialization-type-validation-enabled", True),
          (gp + "deserialization-allowed-packages", f"com.example.{ctx.domain}"),
          (gp + "enable-password-policy", True)]
    if "c7-xxe" in inj:
        p.append((gp + "enable-xxe-processing", True))
    elif rng.random() < 0.4:
        p.append((gp + "enable-xxe-processing", False))
    if "c7-java-serialization" in inj:
        p.append((gp + "javaSerializationFormatEnabled", True))
    p.append((gp + "history-time-to-live", rng.choice(["P30D", "P90D", "P180D", "P7D"])))
    if run:
        r = "camunda.bpm.run."
        p.append((r + "auth.enabled", "c7run-auth-off" not in inj))
        if "c7run-cors-any" in inj:
            p += [(r + "cors.enabled", True), (r + "cors.allowed-origins", "*")]
        elif rng.random() < 0.5:
            p += [(r + "cors.enabled", True), (r + "cors.allowed-origins", f"https://{ctx.host}")]
        p.append((r + "example.enabled", "c7run-example" in inj))
        p.append((r + "rest.disable-wadl", True))
        p.append((r + "deployment.deploy-changed-only", True))
    p += [("camunda.bpm.webapp.header-security.hsts-disabled", "c7-hsts-off" in inj),
          ("camunda.bpm.webapp.application-path", rng.choice(["/camunda", "/", "/cockpit"])),
          ("camunda.bpm.job-execution.enabled", True),
          ("camunda.bpm.job-execution.core-pool-size", rng.randint(2, 16)),
          ("camunda.bpm.job-execution.max-pool-size", rng.randint(16, 64)),
          ("camunda.bpm.database.schema-update", False),
          ("camunda.bpm.history-level", rng.choice(["full", "audit", "activity"])),
          ("camunda.bpm.metrics.enabled", rng.choice([True, False]))]
    if rng.random() < 0.5:
        p.append(("camunda.bpm.filter.create", "All tasks"))
    p += [("management.endpoints.web.exposure.include", "health,info,prometheus"),
          ("management.endpoint.health.probes.enabled", True),
          ("logging.level.root", rng.choice(["INFO", "WARN"])),
          ("logging.level.org.camunda.bpm", rng.choice(["INFO", "WARN", "DEBUG"]))]
    p += extra_app_pairs(ctx, 3, 40)
    return p


def c8_pairs(ctx: Ctx, inj: list[str]):
    rng = ctx.rng
    store = rng.choice(["elasticsearch", "elasticsearch", "opensearch"])
    p = [("camunda.cluster.size", rng.choice([1, 3, 5])),
         ("camunda.cluster.partition-count", rng.choice([1, 3, 6, 9])),
         ("camunda.cluster.replication-factor", rng.choice([1, 3])),
         ("camunda.api.grpc.port", 26500),
         ("camunda.data.snapshot-period", rng.choice(["5m", "15m", "30m"])),
         ("camunda.data.primary-storage.directory", "/usr/local/camunda/data"),
         ("camunda.data.secondary-storage.type", store)]
    s = f"camunda.data.secondary-storage.{store}."
    scheme = "http" if "c8-datastore-http" in inj else "https"
    p.append((s + "url", f"{scheme}://{store}-{rng.randint(1, 4)}.{ctx.team}.internal.example.com:9200"))
    if "c8-datastore-no-creds" in inj:
        p += [(s + "username", ""), (s + "password", "")]
    else:
        p += [(s + "username", "camunda"), (s + "password", "${SECONDARY_STORAGE_PASSWORD}")]
    p.append((s + "index-prefix", ctx.team))
    a = "camunda.security.authentication."
    p.append((a + "method", "basic" if "c8-basic-auth" in inj else "oidc"))
    unprot = rng.choice(["unprotected-api", "unprotectedApi"])
    p.append((a + unprot, "c8-unprotected-api" in inj))
    if "c8-basic-auth" not in inj:
        p += [(a + "oidc.issuer-uri", f"https://login.example.com/realms/{ctx.team}"),
              (a + "oidc.client-id", ctx.svc_id),
              (a + "oidc.client-secret", "${ORCHESTRATION_CLIENT_SECRET}"),
              (a + "oidc.redirect-uri", f"https://{ctx.host}/sso-callback"),
              (a + "oidc.username-claim", "preferred_username")]
    p.append(("camunda.security.authorizations.enabled", "c8-authorizations-off" not in inj))
    p.append(("camunda.security.multi-tenancy.checks-enabled", rng.choice([True, False])))
    if "c8-csrf-off" in inj:
        p.append(("camunda.security.csrf.enabled", False))
    if "c8-initial-user-demo" in inj:
        p.append(("camunda.security.initialization.users",
                  [{"username": "demo", "password": "demo", "name": "Demo User", "email": "demo@example.com"}]))
    elif rng.random() < 0.4:
        p.append(("camunda.security.initialization.users",
                  [{"username": f"ops-{ctx.team}", "password": "${CAMUNDA_ADMIN_PASSWORD}",
                    "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "email": f"ops@{ctx.team}.example.com"}]))
    g = "zeebe.broker.gateway."
    p.append((g + "enable", True))
    if "c8-gateway-plaintext" in inj:
        p.append((g + "security.enabled", False))
    else:
        p += [(g + "security.enabled", True),
              (g + "security.certificate-chain-path", "/usr/local/camunda/tls/tls.crt"),
              (g + "security.private-key-path", "/usr/local/camunda/tls/tls.key")]
    p += [("zeebe.broker.threads.cpu-thread-count", rng.choice([2, 3, 4])),
          ("zeebe.broker.threads.io-thread-count", rng.choice([2, 3, 4])),
          ("zeebe.broker.data.log-segment-size", rng.choice(["128MB", "256MB"])),
          ("zeebe.broker.backpressure.enabled", True),
          ("management.server.port", 9600),
          ("management.endpoints.web.exposure.include", "health,prometheus,loggers")]
    if "c8-actuator-show-values" in inj:
        p.append(("management.endpoint.configprops.show-values", "ALWAYS"))
    p += [("logging.level.root", rng.choice(["INFO", "WARN"])),
          ("logging.level.io.camunda.zeebe", rng.choice(["INFO", "DEBUG"]))]
    p += extra_app_pairs(ctx, 0, 25)
    return p


C7_INJ_APP = ["c7-admin-demo", "c7-authorization-off", "c7-tenant-check-off", "c7-java-serialization",
              "c7-xxe", "c7-hsts-off", "c7-cookie-insecure", "c7-datasource-default-cred"]
C7_INJ_RUN = ["c7-admin-demo", "c7-authorization-off", "c7run-auth-off", "c7run-cors-any",
              "c7run-example", "c7run-demo-keystore", "c7-xxe", "c7-hsts-off"]
C8_INJ = ["c8-unprotected-api", "c8-authorizations-off", "c8-basic-auth", "c8-initial-user-demo",
          "c8-csrf-off", "c8-actuator-show-values", "c8-gateway-plaintext", "c8-datastore-http",
          "c8-datastore-no-creds"]


def spring_text(ctx: Ctx, pairs, product: str, fmt: str) -> str:
    rng = ctx.rng
    comments = COMMENTS_C7 if product == "c7" else COMMENTS_C8
    comments = {k: v for k, v in sorted(comments.items()) if rng.random() < 0.6}
    head = [f"# {ctx.svc_id} ({ctx.team}) - {'Camunda 7' if product == 'c7' else 'Camunda 8'} configuration",
            f"# Owner: {rng.choice(FIRST)} {rng.choice(LAST)}. {sentence(rng)}", ""]
    if fmt == "properties":
        return "\n".join(head + render_properties(pairs, comments)) + "\n"
    collapse = []
    if product == "c7" and rng.random() < 0.5:
        collapse = ["camunda.bpm"]
    if rng.random() < 0.3:
        collapse.append("spring.datasource")
    tree = build_tree(pairs, collapse)
    return "\n".join(head + render_yaml(tree, 0, comments)) + "\n"


def indent(text: str, n: int) -> str:
    pad = " " * n
    return "\n".join(pad + line if line else "" for line in text.rstrip("\n").split("\n")) + "\n"


# ---------------------------------------------------------------------------------------
# Optimize, Elasticsearch, OpenSearch

def optimize_text(ctx: Ctx, inj: list[str], c7: bool) -> str:
    """c7: Optimize importing from a Camunda 7 engine (else from Zeebe, Camunda 8)."""
    rng = ctx.rng
    L = ["###############################################################################",
         "#                     Optimize Environment Configuration                      #",
         "###############################################################################",
         "",
         "# See https://docs.camunda.io/optimize/self-managed/optimize-deployment/configuration/system-configuration/",
         f"# {ctx.svc_id} / {ctx.team} / {ctx.env}",
         "",
         "container:",
         "  # Listen on all interfaces inside the pod",
         "  host: 0.0.0.0",
         "  ports:"]
    L.append("    http: 8090" if "opt-http-port" in inj else "    http: ~")
    L += ["    https: 8091",
          "  keystore:",
          "    location: /optimize/config/optimize-keystore.jks",
          "    password: ${OPTIMIZE_KEYSTORE_PASSWORD}",
          f"  contextPath: /{rng.choice(['optimize', 'analytics', 'reports'])}",
          "",
          "security:",
          "  auth:",
          "    token:",
          f"      lifeMin: {rng.choice([15, 30, 60, 120])}",
          "      secret: ${CAMUNDA_OPTIMIZE_SECURITY_AUTH_TOKEN_SECRET}",
          "  responseHeaders:",
          "    HSTS:",
          "      max-age: 63072000",
          "      includeSubDomains: true",
          ""]
    if c7:
        scheme = "http" if "opt-engine-http" in inj else "https"
        L += ["# Camunda 7 engine to import from",
              "engines:",
              "  'camunda-bpm':",
              "    name: default",
              f"    rest: '{scheme}://engine-{rng.randint(1, 9)}.{ctx.team}.example.com/engine-rest'",
              "    importEnabled: true",
              "    authentication:"]
        if "opt-engine-no-auth" in inj:
            L += ["      enabled: false", "      password: ''", "      user: ''"]
        else:
            L += ["      enabled: true", "      password: ${ENGINE_REST_PASSWORD}", "      user: optimize"]
        L += ["    webapps:",
              f"      endpoint: 'https://engine.{ctx.team}.example.com/camunda'",
              "      enabled: true", ""]
    else:
        L += ["zeebe:", "  enabled: true", f"  name: zeebe-record", f"  partitionCount: {rng.choice([1, 3, 6])}",
              "  maxImportPageSize: 200", ""]
    L += ["es:", "  connection:", "    nodes:"]
    for n in range(rng.randint(1, 3)):
        L += [f"      - host: es-{n + 1}.{ctx.team}.internal.example.com", "        httpPort: 9200"]
    if "opt-es-skip-hostname" in inj:
        L.append("    skipHostnameVerification: true")
    L += ["  security:", "    username: optimize", "    password: ${OPTIMIZE_ES_PASSWORD}", "    ssl:"]
    L.append("      enabled: false" if "opt-es-ssl-off" in inj else "      enabled: true")
    L += ["      certificate_authorities:", "        - /optimize/certs/ca.crt", "",
          "historyCleanup:", f"  cronTrigger: '0 {rng.randint(0, 5)} * * *'",
          f"  ttl: 'P{rng.choice([90, 180, 365])}D'", "  processDataCleanup:", "    enabled: true", ""]
    return "\n".join(L) + "\n"


OPT_INJ = ["opt-http-port", "opt-engine-no-auth", "opt-engine-http", "opt-es-ssl-off", "opt-es-skip-hostname"]


def es_text(ctx: Ctx, inj: list[str]) -> str:
    rng = ctx.rng
    nodes = [f"es-{i}.{ctx.team}.internal.example.com" for i in range(1, rng.choice([2, 4, 4, 6]))]
    L = ["# ======================== Elasticsearch Configuration =========================",
         f"# Managed by {ctx.team}. {sentence(rng)}",
         "",
         f"cluster.name: {ctx.team}-{ctx.env}",
         f"node.name: ${{HOSTNAME}}",
         f"node.roles: [ {', '.join(rng.sample(['master', 'data', 'ingest'], rng.randint(1, 3)))} ]",
         "path.data: /usr/share/elasticsearch/data",
         "path.logs: /usr/share/elasticsearch/logs",
         "network.host: 0.0.0.0",
         "http.port: 9200",
         "discovery.seed_hosts:"]
    L += [f"  - {n}" for n in nodes]
    L.append("cluster.initial_master_nodes:")
    L += [f"  - {n}" for n in nodes[:3]]
    L += ["bootstrap.memory_lock: true",
          f"indices.memory.index_buffer_size: {rng.choice([10, 15, 20])}%",
          f"thread_pool.write.queue_size: {rng.choice([1000, 2000, 5000])}",
          "",
          "# ---------------------------------- Security ----------------------------------",
          f"xpack.security.enabled: {'false' if 'es-security-off' in inj else 'true'}"]
    if rng.random() < 0.5:
        L += ["xpack.security.http.ssl:",
              f"  enabled: {'false' if 'es-http-ssl-off' in inj else 'true'}",
              "  keystore.path: certs/http.p12"]
    else:
        L += [f"xpack.security.http.ssl.enabled: {'false' if 'es-http-ssl-off' in inj else 'true'}",
              "xpack.security.http.ssl.keystore.path: certs/http.p12"]
    L += ["xpack.security.transport.ssl:",
          f"  enabled: {'false' if 'es-transport-ssl-off' in inj else 'true'}",
          f"  verification_mode: {'none' if 'es-verification-none' in inj else 'certificate'}",
          "  keystore.path: certs/transport.p12",
          "  truststore.path: certs/transport.p12"]
    if "es-cors-any" in inj:
        L += ["http.cors.enabled: true", 'http.cors.allow-origin: "*"']
    elif rng.random() < 0.3:
        L += ["http.cors.enabled: true", f'http.cors.allow-origin: "https://kibana.{ctx.team}.example.com"']
    L += ["xpack.monitoring.collection.enabled: true", ""]
    return "\n".join(L) + "\n"


ES_INJ = ["es-security-off", "es-http-ssl-off", "es-transport-ssl-off", "es-verification-none", "es-cors-any"]


def os_text(ctx: Ctx, inj: list[str]) -> str:
    rng = ctx.rng
    L = ["# OpenSearch node configuration",
         f"# {ctx.svc_id} ({ctx.team}); certificates are issued by the team CA.",
         "",
         f"cluster.name: {ctx.team}-search",
         "node.name: ${HOSTNAME}",
         "network.host: 0.0.0.0",
         "discovery.type: " + ("single-node" if rng.random() < 0.3 else "zen"),
         "path.data: /usr/share/opensearch/data",
         ""]
    if "os-security-disabled" in inj:
        L.append("plugins.security.disabled: true")
    p = "plugins.security."
    L += [p + "ssl.transport.pemcert_filepath: node.pem",
          p + "ssl.transport.pemkey_filepath: node-key.pem",
          p + "ssl.transport.pemtrustedcas_filepath: root-ca.pem",
          p + "ssl.transport.enforce_hostname_verification: true",
          p + f"ssl.http.enabled: {'false' if 'os-http-ssl-off' in inj else 'true'}",
          p + "ssl.http.pemcert_filepath: node.pem",
          p + "ssl.http.pemkey_filepath: node-key.pem",
          p + "ssl.http.pemtrustedcas_filepath: root-ca.pem",
          p + f"allow_unsafe_democertificates: {'true' if 'os-demo-certs' in inj else 'false'}",
          p + f"allow_default_init_securityindex: {'true' if 'os-default-init-index' in inj else 'false'}",
          p + "authcz.admin_dn:",
          f"  - 'CN=admin,OU=ops,O={ctx.team},C=DE'"]
    if "os-kirk-admin-dn" in inj:
        L.append("  - 'CN=kirk,OU=client,O=client,L=test, C=de'")
    L += [p + "nodes_dn:", f"  - 'CN=*.{ctx.team}.internal.example.com,OU=ops,O={ctx.team},C=DE'",
          p + "audit.type: internal_opensearch",
          p + "enable_snapshot_restore_privilege: true",
          p + "check_snapshot_restore_write_privileges: true",
          p + 'restapi.roles_enabled: ["all_access", "security_rest_api_access"]',
          p + f"system_indices.enabled: true", ""]
    return "\n".join(L) + "\n"


OS_INJ = ["os-security-disabled", "os-demo-certs", "os-default-init-index", "os-http-ssl-off", "os-kirk-admin-dn"]


# ---------------------------------------------------------------------------------------
# docker compose, .env, Kubernetes

def compose_text(ctx: Ctx, flavour: str, inj: list[str]) -> str:
    rng = ctx.rng
    L = [f"# Local environment for {ctx.svc_id}. Secrets come from .env (not committed).",
         f"name: {ctx.svc_id}", ""]
    L += ["x-logging: &logging", "  driver: json-file", "  options:", "    max-size: 10m", '    max-file: "3"', ""]
    published = "dc-published-port" in inj

    def port(p, host=None):
        h = host or p
        return f'      - "{h}:{p}"' if published else f'      - "127.0.0.1:{h}:{p}"'

    services = []
    if flavour == "c8":
        L += ["x-camunda-env: &camunda-env",
              "  CAMUNDA_SECURITY_AUTHENTICATION_METHOD: oidc",
              f"  CAMUNDA_SECURITY_AUTHENTICATION_OIDC_ISSUERURI: https://login.example.com/realms/{ctx.team}",
              "  CAMUNDA_SECURITY_AUTHENTICATION_OIDC_CLIENTSECRET: ${ORCHESTRATION_CLIENT_SECRET}"]
        if "dc-unprotected-api" in inj:
            L.append('  CAMUNDA_SECURITY_AUTHENTICATION_UNPROTECTEDAPI: "true"')
        L.append(f'  CAMUNDA_SECURITY_AUTHORIZATIONS_ENABLED: "{"false" if "dc-authorizations-off" in inj else "true"}"')
        L += ["  CAMUNDA_DATA_SECONDARYSTORAGE_TYPE: elasticsearch",
              "  CAMUNDA_DATA_SECONDARYSTORAGE_ELASTICSEARCH_URL: https://elasticsearch:9200",
              "  CAMUNDA_DATA_SECONDARYSTORAGE_ELASTICSEARCH_USERNAME: camunda",
              "  CAMUNDA_DATA_SECONDARYSTORAGE_ELASTICSEARCH_PASSWORD: ${ES_PASSWORD}", ""]
        L += ["services:",
              "  orchestration:",
              f"    image: camunda/camunda:8.8.{rng.randint(0, 9)}",
              f"    container_name: {ctx.svc_id}-orchestration",
              "    ports:",
              port(26500), '      - "127.0.0.1:8080:8080"', port(9600),
              "    environment:",
              "      <<: *camunda-env",
              f"      ZEEBE_BROKER_CLUSTER_PARTITIONCOUNT: \"{rng.choice([1, 3])}\"",
              f"      JAVA_TOOL_OPTIONS: \"-Xms{rng.choice([512, 1024])}m -Xmx{rng.choice([1024, 2048])}m\"",
              "    healthcheck:",
              '      test: ["CMD-SHELL", "timeout 10s bash -c \':> /dev/tcp/127.0.0.1/9600\'"]',
              "      interval: 30s",
              "      timeout: 5s",
              "      retries: 5",
              "    volumes:",
              "      - zeebe:/usr/local/camunda/data",
              "    depends_on:",
              "      - elasticsearch",
              "    logging: *logging"]
        if rng.random() < 0.5:
            L += ["  connectors:",
                  f"    image: camunda/connectors-bundle:8.8.{rng.randint(0, 9)}",
                  "    environment:",
                  "      <<: *camunda-env",
                  "      CAMUNDA_CLIENT_RESTADDRESS: https://orchestration:8080",
                  "      CAMUNDA_CLIENT_GRPCADDRESS: https://orchestration:26500",
                  "    logging: *logging"]
        services.append("es")
    elif flavour == "c7":
        L += ["services:",
              "  camunda:",
              f"    image: camunda/camunda-bpm-platform:run-7.2{rng.randint(0, 3)}.{rng.randint(0, 5)}",
              "    ports:",
              '      - "127.0.0.1:8443:8443"',
              "    environment:",
              "      - DB_DRIVER=org.postgresql.Driver",
              f"      - DB_URL=jdbc:postgresql://postgres:5432/{ctx.db}",
              f"      - DB_USERNAME={ctx.db}",
              "      - DB_PASSWORD=${DB_PASSWORD}",
              "      - WAIT_FOR=postgres:5432"]
        if "dc-run-auth-off" in inj:
            L.append("      - CAMUNDA_BPM_RUN_AUTH_ENABLED=false")
        L += ["    depends_on: [postgres]",
              "    logging: *logging",
              "  postgres:",
              f"    image: postgres:{rng.choice([15, 16, 17])}-alpine",
              "    environment:",
              f"      POSTGRES_DB: {ctx.db}",
              f"      POSTGRES_USER: {ctx.db}",
              "      POSTGRES_PASSWORD: ${DB_PASSWORD}",
              "    volumes:",
              "      - pg:/var/lib/postgresql/data",
              "    logging: *logging"]
    elif flavour == "optimize":
        L += ["services:",
              "  optimize:",
              f"    image: camunda/optimize:8.8.{rng.randint(0, 9)}",
              "    ports:",
              '      - "127.0.0.1:8091:8091"',
              "    volumes:",
              "      - ./optimize/environment-config.yaml:/optimize/config/environment-config.yaml:ro",
              "    environment:",
              "      OPTIMIZE_ELASTICSEARCH_HOST: elasticsearch",
              '      OPTIMIZE_ELASTICSEARCH_HTTP_PORT: "9200"',
              "      CAMUNDA_OPTIMIZE_SECURITY_AUTH_TOKEN_SECRET: ${OPTIMIZE_TOKEN_SECRET}",
              "    depends_on: [elasticsearch]",
              "    logging: *logging"]
        services.append("es")
    elif flavour == "es":
        L += ["services:"]
        services.append("es")
    elif flavour == "os":
        L += ["services:",
              "  opensearch:",
              f"    image: opensearchproject/opensearch:2.{rng.randint(11, 19)}.0",
              "    environment:",
              "      - cluster.name=" + ctx.team,
              "      - discovery.type=single-node",
              "      - OPENSEARCH_INITIAL_ADMIN_PASSWORD=${OPENSEARCH_INITIAL_ADMIN_PASSWORD}"]
        if "dc-os-security-off" in inj:
            L.append("      - DISABLE_SECURITY_PLUGIN=true")
        L += ["    ports:", port(9200), port(9600, 9601),
              "    volumes:",
              "      - ./config/opensearch.yml:/usr/share/opensearch/config/opensearch.yml:ro",
              "      - os-data:/usr/share/opensearch/data",
              "    logging: *logging"]
    if "es" in services:
        L += ["  elasticsearch:",
              f"    image: docker.elastic.co/elasticsearch/elasticsearch:8.{rng.randint(15, 19)}.{rng.randint(0, 9)}",
              "    environment:",
              "      - discovery.type=single-node",
              f"      - xpack.security.enabled={'false' if 'dc-es-security-off' in inj else 'true'}",
              "      - xpack.security.http.ssl.enabled=true",
              "      - xpack.security.http.ssl.keystore.path=certs/http.p12",
              "      - ELASTIC_PASSWORD=${ES_PASSWORD}",
              f'      - "ES_JAVA_OPTS=-Xms{rng.choice([512, 1024])}m -Xmx{rng.choice([1024, 2048])}m"',
              "    ports:", port(9200),
              "    volumes:",
              "      - es-data:/usr/share/elasticsearch/data",
              "      - ./certs:/usr/share/elasticsearch/config/certs:ro",
              "    ulimits:",
              "      memlock: {soft: -1, hard: -1}",
              "    logging: *logging"]
    L += ["", "volumes:"]
    L += {"c8": ["  zeebe: {}", "  es-data: {}"], "c7": ["  pg: {}"], "optimize": ["  es-data: {}"],
          "es": ["  es-data: {}"], "os": ["  os-data: {}"]}[flavour]
    L += ["", "networks:", "  default:", f"    name: {ctx.team}-{ctx.svc}"]
    return "\n".join(L) + "\n"


DC_INJ = {"c8": ["dc-unprotected-api", "dc-authorizations-off", "dc-es-security-off", "dc-published-port"],
          "c7": ["dc-run-auth-off"],
          "optimize": ["dc-es-security-off", "dc-published-port"],
          "es": ["dc-es-security-off", "dc-published-port"],
          "os": ["dc-os-security-off", "dc-published-port"]}


def env_text(ctx: Ctx, inj: list[str]) -> str:
    rng = ctx.rng
    L = [f"## {ctx.svc_id} local secrets - generated per developer, never commit real values",
         f"COMPOSE_PROJECT_NAME={ctx.svc_id}",
         f"CAMUNDA_VERSION=8.8.{rng.randint(0, 9)}",
         f"ELASTIC_VERSION=8.{rng.randint(15, 19)}.{rng.randint(0, 9)}",
         "",
         "## Credentials ##",
         f"DB_PASSWORD={rand_secret(rng, 24)}",
         f"ES_PASSWORD={rand_secret(rng, 24)}",
         f"ORCHESTRATION_CLIENT_SECRET={rand_secret(rng, 32)}",
         f"CAMUNDA_ADMIN_PASSWORD={rand_secret(rng, 20)}"]
    if "env-default-cred" in inj:
        L += rng.sample(["KEYCLOAK_ADMIN_PASSWORD=admin", "ELASTIC_PASSWORD=changeme",
                         "POSTGRES_PASSWORD=demo-postgres-password"], 1)
    else:
        L.append(f"KEYCLOAK_ADMIN_PASSWORD={rand_secret(rng, 20)}")
    L += ["", "## Misc ##", f"TZ=Europe/{rng.choice(['Berlin', 'Amsterdam', 'Vienna', 'Zurich'])}",
          f"LOG_LEVEL={rng.choice(['info', 'warn', 'debug'])}", ""]
    return "\n".join(L) + "\n"


def k8s_text(ctx: Ctx, app_yaml: str | None, product: str, inj: list[str]) -> str:
    rng = ctx.rng
    labels = [f"    app.kubernetes.io/name: {ctx.svc}", f"    app.kubernetes.io/instance: {ctx.svc_id}",
              f"    app.kubernetes.io/part-of: {ctx.team}", "    app.kubernetes.io/managed-by: kustomize"]
    docs = []
    if app_yaml is not None:
        docs.append("\n".join(["apiVersion: v1", "kind: ConfigMap", "metadata:", f"  name: {ctx.svc_id}-config",
                               f"  namespace: {ctx.ns}", "  labels:"] + labels + ["data:", "  application.yaml: |"])
                    + "\n" + indent(app_yaml, 4).rstrip("\n"))
    secret_keys = ["DB_PASSWORD", "CAMUNDA_ADMIN_PASSWORD"] if product == "c7" else \
        ["ORCHESTRATION_CLIENT_SECRET", "SECONDARY_STORAGE_PASSWORD"]
    docs.append("\n".join(["apiVersion: v1", "kind: Secret", "type: Opaque", "metadata:",
                           f"  name: {ctx.svc_id}-secrets", f"  namespace: {ctx.ns}", "data:"]
                          + [f"  {k}: {base64.b64encode(rand_secret(rng, 24).encode()).decode()}" for k in secret_keys]))
    env = [("SPRING_PROFILES_ACTIVE", ctx.env), ("JAVA_TOOL_OPTIONS", f"-XX:MaxRAMPercentage={rng.choice([50, 70, 75])}")]
    if product == "c8":
        env.append(("CAMUNDA_SECURITY_AUTHORIZATIONS_ENABLED",
                    "false" if "k8s-env-authorizations-off" in inj else "true"))
        if "k8s-env-unprotected-api" in inj:
            env.append(("CAMUNDA_SECURITY_AUTHENTICATION_UNPROTECTEDAPI", "true"))
    image = (f"camunda/camunda:8.8.{rng.randint(0, 9)}" if product == "c8"
             else f"registry.example.com/{ctx.team}/{ctx.svc}:{ctx.version}")
    dep = ["apiVersion: apps/v1", "kind: Deployment", "metadata:", f"  name: {ctx.svc_id}", f"  namespace: {ctx.ns}",
           "  labels:"] + labels + [
        "spec:", f"  replicas: {rng.randint(1, 4)}", "  selector:", "    matchLabels:",
        f"      app.kubernetes.io/instance: {ctx.svc_id}", "  template:", "    metadata:", "      labels:",
        f"        app.kubernetes.io/instance: {ctx.svc_id}", "    spec:", "      serviceAccountName: " + ctx.svc,
        "      securityContext:", "        runAsNonRoot: true", "        fsGroup: 1001", "      containers:",
        f"        - name: {ctx.svc}", f"          image: {image}", "          imagePullPolicy: IfNotPresent",
        "          ports:", "            - name: http", "              containerPort: 8080",
        "            - name: management", "              containerPort: 9600", "          env:"]
    for k, v in env:
        dep += [f"            - name: {k}", f"              value: {scalar(v) if v not in ('true', 'false') else chr(34) + v + chr(34)}"]
    for k in secret_keys:
        dep += [f"            - name: {k}", "              valueFrom:", "                secretKeyRef:",
                f"                  name: {ctx.svc_id}-secrets", f"                  key: {k}"]
    dep += ["          resources:", "            requests:", f"              cpu: {rng.choice(['250m', '500m', '1'])}",
            f"              memory: {rng.choice(['512Mi', '1Gi', '2Gi'])}", "            limits:",
            f"              memory: {rng.choice(['1Gi', '2Gi', '4Gi'])}",
            "          readinessProbe:", "            httpGet:", "              path: /actuator/health/readiness",
            "              port: management", "            periodSeconds: 10"]
    if app_yaml is not None:
        dep += ["          volumeMounts:", "            - name: config", "              mountPath: /config",
                "      volumes:", "        - name: config", "          configMap:", f"            name: {ctx.svc_id}-config"]
    docs.append("\n".join(dep))
    docs.append("\n".join(["apiVersion: v1", "kind: Service", "metadata:", f"  name: {ctx.svc_id}",
                           f"  namespace: {ctx.ns}", "spec:", "  selector:",
                           f"    app.kubernetes.io/instance: {ctx.svc_id}", "  ports:",
                           "    - name: http", "      port: 80", "      targetPort: http"]))
    return "---\n" + "\n---\n".join(docs) + "\n"


# ---------------------------------------------------------------------------------------
# Helm

class HelmTemplate:
    """The real chart values, with hotspots that are hardened unless an injection
    keeps (or sets) the insecure value."""

    def __init__(self, text: str):
        self.lines = text.split("\n")

        def find(pred, start=0):
            for i in range(start, len(self.lines)):
                if pred(self.lines[i]):
                    return i
            raise SystemExit("helm template: hotspot not found")

        auth = find(lambda l: l.strip().startswith("## @param global.security.authentication.method"))
        self.method = find(lambda l: l.strip() == 'method: "basic"', auth)
        ia = find(lambda l: l.strip().startswith("## @param global.identity.auth.enabled"))
        self.identity_auth = find(lambda l: l.strip() == "enabled: false", ia)
        fu = find(lambda l: l.strip().startswith("## @param identity.firstUser.password"))
        self.first_user_pw = find(lambda l: l.strip() == "password: demo", fu)
        iu = find(lambda l: l.strip() == "- username: connectors")
        self.init_pw = [find(lambda l: l.strip() == "password: connector", iu),
                        find(lambda l: l.strip() == "password: demo", iu)]
        et = find(lambda l: l.strip() == "- name: ELASTICSEARCH_ENABLE_REST_TLS")
        self.es_tls = find(lambda l: l.strip() == 'value: "false"', et)

    def render(self, ctx: Ctx, inj: list[str]) -> str:
        rng = ctx.rng
        lines = list(self.lines)

        def sub(i, old, new):
            lines[i] = lines[i].replace(old, new)

        if "helm-basic-auth" not in inj:
            sub(self.method, '"basic"', '"oidc"')
        if "helm-identity-auth-off" not in inj:
            sub(self.identity_auth, "false", "true")
        if "helm-demo-user" not in inj:
            sub(self.first_user_pw, "demo", '""')
            sub(self.init_pw[0], "connector", '""')
            sub(self.init_pw[1], "demo", '""')
        if "helm-bundled-es-no-tls" not in inj:
            sub(self.es_tls, '"false"', '"true"')
        drop = rng.choice([0.0, 0.0, 0.1, 0.2, 0.3])
        out = [f"# Helm values for {ctx.svc_id} ({ctx.team}, {ctx.env}), copied from the camunda-platform 8.8 chart",
               f"# {sentence(rng)}"]
        tag_re = re.compile(r"^(\s+tag: )(\d+)\.(\d+)\.(\d+)$")
        for i, line in enumerate(lines):
            s = line.lstrip()
            if drop and s.startswith("## @param") and rng.random() < drop:
                continue
            m = tag_re.match(line)
            if m:
                line = f"{m.group(1)}{m.group(2)}.{m.group(3)}.{rng.randint(0, 40)}"
            elif s.startswith("replicas: 1"):
                line = line.replace("replicas: 1", f"replicas: {rng.randint(1, 3)}")
            elif s == 'clusterSize: "3"' or s == 'partitionCount: "3"':
                line = line.replace('"3"', f'"{rng.choice([1, 3, 5])}"')
            elif s.startswith("memory: 2Gi"):
                line = line.replace("2Gi", rng.choice(["1Gi", "2Gi", "3Gi", "4Gi"]))
            out.append(line)
        return "\n".join(out)


def helm_override_text(ctx: Ctx, inj: list[str]) -> str:
    rng = ctx.rng
    secret = "helm-inline-secret" in inj
    L = [f"# {ctx.env} overrides for {ctx.svc_id}", "global:", "  identity:", "    auth:",
         f"      enabled: {'false' if 'helm-identity-auth-off' in inj else 'true'}",
         f"      issuer: https://login.example.com/realms/{ctx.team}",
         "  elasticsearch:", "    enabled: true", "    external: true", "    auth:", "      username: camunda"]
    if secret:
        L.append(f'      password: "{rand_secret(rng, 16)}"')
    else:
        L += ["      secret:", f"        existingSecret: {ctx.svc_id}-es", "        existingSecretKey: password"]
    L += ["    url:", f"      protocol: {'http' if 'helm-datastore-http' in inj else 'https'}",
          f"      host: {ctx.es_host}", "      port: 443", "  ingress:", "    enabled: true",
          f"    host: {ctx.host}", "    tls:", f"      enabled: {'false' if 'helm-ingress-no-tls' in inj else 'true'}",
          f"      secretName: {ctx.svc_id}-tls", "orchestration:", f'  clusterSize: "{rng.choice([3, 5])}"',
          f'  partitionCount: "{rng.choice([3, 6, 9])}"', f'  replicationFactor: "3"', "  security:",
          "    authentication:"]
    if "helm-unprotected-api" in inj:
        L.append("      unprotectedApi: true")
    L += ["    authorizations:", "      enabled: true", "  resources:", "    requests:",
          f"      cpu: {rng.choice(['800m', '1', '2'])}", f"      memory: {rng.choice(['2Gi', '4Gi'])}",
          "elasticsearch:", "  enabled: false", ""]
    return "\n".join(L) + "\n"


# ---------------------------------------------------------------------------------------
# XML

class XmlTemplates:
    def __init__(self):
        self.webapp = (TEMPLATES / "webapp-web.xml").read_text()
        self.rest = (TEMPLATES / "engine-rest-web.xml").read_text()
        self.bpm = (TEMPLATES / "bpm-platform.xml").read_text()

    def webapp_xml(self, ctx: Ctx, inj: list[str]) -> str:
        t = self.webapp
        if "xml-cookie-insecure" not in inj:
            t = t.replace("<secure>false</secure>", "<secure>true</secure>", 1)
        # enable HSTS (the shipped file has it commented out)
        t = t.replace("""    <!--
    <init-param>
      <param-name>hstsDisabled</param-name>
      <param-value>false</param-value>
    </init-param>
    -->""", """    <init-param>
      <param-name>hstsDisabled</param-name>
      <param-value>false</param-value>
    </init-param>""")
        return t

    def rest_xml(self, ctx: Ctx, inj: list[str]) -> str:
        t = self.rest
        if "xml-rest-no-auth-filter" not in inj:
            t = t.replace("<!-- <filter>\n    <filter-name>camunda-auth</filter-name>",
                          "<filter>\n    <filter-name>camunda-auth</filter-name>")
            t = t.replace("<url-pattern>/*</url-pattern>\n  </filter-mapping> -->",
                          "<url-pattern>/*</url-pattern>\n  </filter-mapping>")
        return t

    def bpm_xml(self, ctx: Ctx, inj: list[str]) -> str:
        rng = ctx.rng
        t = self.bpm
        t = t.replace('<property name="history">full</property>',
                      f'<property name="history">{rng.choice(["full", "audit", "activity"])}</property>')
        t = t.replace('<property name="databaseSchemaUpdate">true</property>',
                      '<property name="databaseSchemaUpdate">false</property>')
        if "xml-bpm-platform-authorization-off" in inj:
            t = t.replace('<property name="authorizationEnabled">true</property>',
                          '<property name="authorizationEnabled">false</property>')
        return t


# ---------------------------------------------------------------------------------------
# noise

def readme_text(ctx: Ctx) -> str:
    rng = ctx.rng
    L = [f"# {ctx.svc_id}", "", f"Owned by **{ctx.team}** ({ctx.domain}).", ""]
    for sec in rng.sample(["Overview", "Running locally", "Configuration", "Deployment", "Operations",
                           "Troubleshooting", "Security"], rng.randint(2, 5)):
        L += [f"## {sec}", ""]
        for _ in range(rng.randint(1, 4)):
            L += [" ".join(sentence(rng) for _ in range(rng.randint(2, 5))), ""]
        if rng.random() < 0.3:
            L += ["```bash", f"docker compose -p {ctx.svc_id} up -d", "```", ""]
    return "\n".join(L)


def workflow_text(ctx: Ctx) -> str:
    rng = ctx.rng
    jdk = rng.choice([17, 21])
    return "\n".join([
        "name: ci", "", "on:", "  push:", "    branches: [main]", "  pull_request:", "",
        "permissions:", "  contents: read", "", "jobs:", "  build:", "    runs-on: ubuntu-latest",
        "    steps:", "      - uses: actions/checkout@v4", "      - uses: actions/setup-java@v4", "        with:",
        "          distribution: temurin", f"          java-version: '{jdk}'", "          cache: maven",
        f"      - run: ./mvnw -B verify -pl {ctx.svc}", "      - name: camguard",
        "        uses: ./.github/actions/camguard", "        with:", "          paths: .",
        "  image:", "    needs: build", "    if: github.ref == 'refs/heads/main'", "    runs-on: ubuntu-latest",
        "    steps:", "      - uses: actions/checkout@v4",
        f"      - run: docker build -t registry.example.com/{ctx.team}/{ctx.svc}:${{{{ github.sha }}}} .", ""])


def openapi_text(ctx: Ctx) -> str:
    rng = ctx.rng
    L = ["openapi: 3.0.3", "info:", f"  title: {ctx.svc} API", f"  version: {ctx.version}", "servers:",
         f"  - url: https://{ctx.host}/api", "paths:"]
    for _ in range(rng.randint(5, 60)):
        res = rng.choice(NOUNS)
        L += [f"  /{res}s/{{id}}/{rng.choice(NOUNS)}:", "    get:", f"      operationId: get{res.title()}{rng.randint(1, 999)}",
              f"      summary: {sentence(rng, 4, 9)}", "      parameters:", "        - name: id", "          in: path",
              "          required: true", "          schema:", "            type: string", "      responses:",
              "        '200':", "          description: OK", "          content:", "            application/json:",
              "              schema:", f"                $ref: '#/components/schemas/{res.title()}'"]
    L += ["components:", "  schemas:"]
    for res in sorted(set(NOUNS)):
        L += [f"    {res.title()}:", "      type: object", "      properties:", "        id:", "          type: string",
              "        createdAt:", "          type: string", "          format: date-time"]
    return "\n".join(L) + "\n"


def catalog_text(ctx: Ctx) -> str:
    return "\n".join(["apiVersion: backstage.io/v1alpha1", "kind: Component", "metadata:", f"  name: {ctx.svc_id}",
                      f"  description: {sentence(ctx.rng, 4, 10)}", "  annotations:",
                      f"    github.com/project-slug: example/{ctx.svc_id}", "spec:", "  type: service",
                      "  lifecycle: production", f"  owner: {ctx.team}", ""])


def dashboard_json(ctx: Ctx) -> str:
    rng = ctx.rng
    panels = []
    for i in range(rng.randint(4, 40)):
        panels.append({"id": i + 1, "type": rng.choice(["timeseries", "stat", "table", "gauge"]),
                       "title": f"{rng.choice(NOUNS)} {rng.choice(['latency', 'throughput', 'errors', 'backlog'])}",
                       "gridPos": {"h": 8, "w": 12, "x": (i % 2) * 12, "y": (i // 2) * 8},
                       "targets": [{"expr": f'sum(rate(zeebe_{rng.choice(NOUNS)}_total{{namespace="{ctx.ns}"}}[5m]))',
                                    "refId": "A"}]})
    return json.dumps({"title": f"{ctx.svc_id}", "uid": f"{ctx.index:08x}", "schemaVersion": 39,
                       "panels": panels, "tags": [ctx.team, ctx.domain]}, indent=2) + "\n"


def package_json(ctx: Ctx) -> str:
    rng = ctx.rng
    deps = {d: f"^{rng.randint(1, 18)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}"
            for d in sorted(rng.sample(["react", "react-dom", "axios", "zod", "vite", "typescript", "eslint",
                                        "bpmn-js", "dmn-js", "@camunda/camunda-8-js-sdk", "lodash"], 5))}
    return json.dumps({"name": f"@{ctx.team}/{ctx.svc}-ui", "version": ctx.version, "private": True,
                       "scripts": {"build": "vite build", "test": "vitest run"}, "dependencies": deps}, indent=2) + "\n"


def logback_xml(ctx: Ctx) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<configuration>\n'
            '  <include resource="org/springframework/boot/logging/logback/defaults.xml"/>\n'
            '  <appender name="JSON" class="ch.qos.logback.core.ConsoleAppender">\n'
            '    <encoder class="net.logstash.logback.encoder.LogstashEncoder"/>\n  </appender>\n'
            f'  <logger name="com.example.{ctx.domain}" level="{ctx.rng.choice(["INFO", "DEBUG"])}"/>\n'
            '  <root level="INFO">\n    <appender-ref ref="JSON"/>\n  </root>\n</configuration>\n')


def chart_yaml(ctx: Ctx) -> str:
    return "\n".join(["apiVersion: v2", f"name: {ctx.svc_id}", f"version: {ctx.version}", "dependencies:",
                      "  - name: camunda-platform", "    version: 13.0.0",
                      "    repository: https://helm.camunda.io", ""])


# ---------------------------------------------------------------------------------------
# deployments

ARCHETYPES = [  # (name, weight)
    ("c7-spring", 20), ("c7-run", 9), ("c8", 20), ("helm", 18), ("optimize", 8),
    ("elasticsearch", 8), ("opensearch", 5), ("tomcat", 6), ("noise", 12),
]


# The finding-dense profile (issue 16): most configuration files are insecure, with several
# findings each, as on a first adoption in a monorepo. Beside the synthetic archetypes (made
# insecure with probability 0.9, 2-6 injections each) it has "real-*" deployments: real
# published configurations from the test corpus (tests/corpus/, see SOURCES.md), most
# of them insecure by design (development defaults), copied with a one-line header comment.
DENSE_ARCHETYPES = [  # (name, weight)
    ("c7-spring", 12), ("c7-run", 6), ("c8", 12), ("helm", 6), ("optimize", 4),
    ("elasticsearch", 4), ("opensearch", 3), ("tomcat", 4), ("noise", 2),
    ("real-c7run", 14), ("real-c7-spring", 10), ("real-c8", 14), ("real-compose", 14),
    ("real-helm", 8), ("real-optimize", 4), ("real-search", 5),
]

# real archetype -> variants; a variant lists (template under tests/corpus/, path in
# the deployment). Templates are byte copies of tests/corpus/ files (same relative path).
_RUN = "camunda/camunda-bpm-platform/distro/run/assembly/resources/"
_GCP = "Noordsestern/camunda-7-gcp/configuration/"
_KC7 = "camunda-community-hub/camunda-platform-7-keycloak/examples/"
_BOOT = "camunda/camunda-bpm-examples/spring-boot-starter/"
_DIST = "camunda/camunda-distributions/docker-compose/versions/"
_HELM8 = "camunda/camunda-platform-helm/charts/camunda-platform-8.8/"
_HELM7 = "camunda/camunda-platform-helm/charts/camunda-platform-8.7/"
_SCEN = "test/integration/scenarios/chart-full-setup/values/"
REAL = {
    "real-c7run": [
        [(_RUN + "default.yml", "configuration/default.yml"), (_RUN + "production.yml", "configuration/production.yml")],
        [(_RUN + "default.yml", "configuration/default.yml")],
        [(_GCP + "default.yml", "configuration/default.yml"), (_GCP + "production.yml", "configuration/production.yml")],
        [(_KC7 + "run/docker/config/default.yml", "configuration/default.yml")],
    ],
    "real-c7-spring": [
        [(_BOOT + "example-invoice/src/main/resources/application.yaml", "src/main/resources/application.yaml")],
        [(_BOOT + "example-web/src/main/resources/application.yml", "src/main/resources/application.yml")],
        [(_KC7 + "jwt/src/main/resources/application.yaml", "src/main/resources/application.yaml")],
        [(_KC7 + "sso-kubernetes/src/main/resources/application.yaml", "src/main/resources/application.yaml")],
    ],
    "real-c8": [
        [("camunda/camunda/c8run/configuration/application.yaml", "configuration/application.yaml")],
        [("camunda/camunda/c8run/configuration/application.yaml", "configuration/application.yaml"),
         ("camunda/camunda/c8run/configuration/default.yaml", "configuration/default.yaml")],
        [("camunda/camunda/dist/src/main/config/application.yaml", "config/application.yaml")],
        [(_DIST + "camunda-8.8/.orchestration/application.yaml", "config/application.yaml")],
        [(_DIST + "camunda-8.9/configuration/application-opensearch.yaml", "config/application-opensearch.yaml")],
    ],
    "real-compose": [
        [(_DIST + "camunda-8.8/docker-compose.yaml", "docker-compose.yaml"), (_DIST + "camunda-8.8/.env", ".env")],
        [(_DIST + "camunda-8.8/docker-compose.yaml", "docker-compose.yaml"),
         (_DIST + "camunda-8.8/.orchestration/application.yaml", ".orchestration/application.yaml"),
         (_DIST + "camunda-8.8/.env", ".env")],
        [(_DIST + "camunda-8.7/docker-compose-core.yaml", "docker-compose-core.yaml"), (_DIST + "camunda-8.7/.env", ".env")],
        [(_DIST + "camunda-8.7/docker-compose.yaml", "docker-compose.yaml"), (_DIST + "camunda-8.7/.env", ".env")],
        [("camunda/camunda-optimize-examples/rpa-monitoring/ui-path/docker-compose.yml", "docker-compose.yml")],
    ],
    "real-helm": [
        [(_HELM8 + "values-local.yaml", "helm/values-local.yaml")],
        [(_HELM8 + "values-local.yaml", "helm/values-local.yaml"),
         (_HELM8 + _SCEN + "identity/keycloak.yaml", "helm/values-keycloak.yaml")],
        [(_HELM8 + _SCEN + "features/orchestration-tls.yaml", "helm/values-tls.yaml")],
        [(_HELM7 + _SCEN + "persistence/elasticsearch-self-signed.yaml", "helm/values-es.yaml"),
         (_HELM7 + _SCEN + "features/zeebe-tls.yaml", "helm/values-zeebe-tls.yaml")],
    ],
    "real-optimize": [
        [("camunda/camunda-optimize-examples/sso-plugin/optimize-sso-keycloak/optimize/environment-config.yaml",
          "optimize/environment-config.yaml")],
        [("camunda/camunda-optimize-examples/optimize-sso-keycloak-example/optimize-config/environment-config.yaml",
          "optimize/environment-config.yaml")],
        [("camunda/camunda/optimize/client/demo-data/environment-config.yaml", "optimize/environment-config.yaml")],
    ],
    "real-search": [
        [("elastic/elasticsearch/docs/reference/setup/install/docker/docker-compose.yml", "docker-compose.yml"),
         ("elastic/elasticsearch/docs/reference/setup/install/docker/.env", ".env")],
        [("opensearch-project/opensearch-build/docker/release/dockercomposefiles/docker-compose-2.x.yml",
          "docker-compose.yml"),
         ("opensearch-project/security/config/opensearch.yml.example", "config/opensearch.yml")],
    ],
}

PROFILES = {
    # name: (archetypes, default insecure rate, injections per insecure file, seed prefix)
    "sparse": (ARCHETYPES, 0.10, (1, 1, 1, 2, 2, 3), ""),
    "dense": (DENSE_ARCHETYPES, 0.90, (2, 3, 4, 5, 6), "dense:"),
}
# Deployments per size and profile. Dense: small ~450 files (callgrind), medium ~4,200 files
# and ~23.5 MB (issue 16), large four times medium.
PROFILE_SIZES = {"sparse": SIZES, "dense": {"small": 100, "medium": 1000, "large": 4000}}


class Generator:
    def __init__(self, seed: int, rate: float, profile: str = "sparse"):
        self.seed = seed
        self.rate = rate
        self.profile = profile
        self.archetypes, _, self.per_file, self.seed_prefix = PROFILES[profile]
        self.real_templates: dict[str, str] = {}
        self.real: dict[str, str] = {}  # path -> template, for real-* files
        self.helm = HelmTemplate((TEMPLATES / "helm-values-8.8.yaml").read_text())
        self.xml = XmlTemplates()
        self.files: dict[str, str] = {}
        self.injected: dict[str, list[str]] = {}
        self.config: set[str] = set()  # files meant as configuration (could get injections)
        self.noise_kinds = Counter()

    def add(self, path: str, text: str, inj=None):
        assert path not in self.files, path
        self.files[path] = text
        if inj is not None:
            self.config.add(path)
        if inj:
            self.injected[path] = list(inj)

    def noise(self, ctx: Ctx, base: str):
        rng = ctx.rng
        self.add(f"{base}/README.md", readme_text(ctx))
        if rng.random() < 0.4:
            self.add(f"{base}/.github/workflows/ci.yml", workflow_text(ctx))
        if rng.random() < 0.2:
            self.add(f"{base}/api/openapi.yaml", openapi_text(ctx))
        if rng.random() < 0.3:
            self.add(f"{base}/catalog-info.yaml", catalog_text(ctx))
        if rng.random() < 0.15:
            self.add(f"{base}/monitoring/dashboard.json", dashboard_json(ctx))

    def deployment(self, i: int):
        rng = random.Random(f"{self.seed}:{self.seed_prefix}{i}")
        ctx = Ctx(rng, i, self.rate, self.per_file)
        names = [a for a, _ in self.archetypes]
        arch = rng.choices(names, weights=[w for _, w in self.archetypes])[0]
        base = f"teams/{ctx.team}/" + (f"{ctx.domain}/" if rng.random() < 0.5 else "") + ctx.svc_id
        inj = lambda cands: pick_injections(rng, ctx, cands)

        if arch in REAL:
            self.real_deployment(ctx, base, arch)
        elif arch == "c7-spring":
            res = f"{base}/src/main/resources"
            fmt = "properties" if rng.random() < 0.35 else "yaml"
            j = inj(C7_INJ_APP)
            self.add(f"{res}/application.{'properties' if fmt == 'properties' else 'yaml'}",
                     spring_text(ctx, c7_pairs(ctx, j), "c7", fmt), j)
            if rng.random() < 0.3:
                j = inj(C7_INJ_APP)
                self.add(f"{res}/application-{ctx.env}.yaml", spring_text(ctx, c7_pairs(ctx, j), "c7", "yaml"), j)
            if rng.random() < 0.5:
                self.add(f"{res}/logback-spring.xml", logback_xml(ctx))
            if rng.random() < 0.3:
                j = inj(["xml-cookie-insecure"])
                self.add(f"{base}/src/main/webapp/WEB-INF/web.xml", self.xml.webapp_xml(ctx, j), j)
            self.compose_env(ctx, base, "c7" if rng.random() < 0.5 else None)
            if rng.random() < 0.4:
                j = inj(C7_INJ_APP)
                app = spring_text(ctx, c7_pairs(ctx, j), "c7", "yaml")
                self.add(f"{base}/k8s/{ctx.env}/manifests.yaml", k8s_text(ctx, app, "c7", []), j)
            if rng.random() < 0.3:
                self.add(f"{base}/frontend/package.json", package_json(ctx))
        elif arch == "c7-run":
            for name in ("default.yml", "production.yml"):
                j = inj(C7_INJ_RUN)
                self.add(f"{base}/configuration/{name}", spring_text(ctx, c7_pairs(ctx, j, run=True), "c7", "yaml"), j)
            self.compose_env(ctx, base, "c7")
        elif arch == "c8":
            fmt = "properties" if rng.random() < 0.15 else "yaml"
            j = inj(C8_INJ)
            self.add(f"{base}/config/application.{'properties' if fmt == 'properties' else 'yaml'}",
                     spring_text(ctx, c8_pairs(ctx, j), "c8", fmt), j)
            self.compose_env(ctx, base, "c8" if rng.random() < 0.6 else None)
            if rng.random() < 0.6:
                j = inj(C8_INJ)
                app = spring_text(ctx, c8_pairs(ctx, j), "c8", "yaml")
                j2 = inj(["k8s-env-authorizations-off", "k8s-env-unprotected-api"])
                self.add(f"{base}/deploy/k8s/{ctx.env}.yaml", k8s_text(ctx, app, "c8", j2), sorted(j + j2))
        elif arch == "helm":
            j = inj(["helm-basic-auth", "helm-identity-auth-off", "helm-demo-user", "helm-bundled-es-no-tls"])
            self.add(f"{base}/helm/values.yaml", self.helm.render(ctx, j), j)
            self.add(f"{base}/helm/Chart.yaml", chart_yaml(ctx))
            for env in sorted(rng.sample(ENVS, rng.randint(1, 3))):
                j = inj(["helm-identity-auth-off", "helm-unprotected-api", "helm-datastore-http",
                         "helm-ingress-no-tls", "helm-inline-secret"])
                self.add(f"{base}/helm/values-{env}.yaml", helm_override_text(ctx, j), j)
        elif arch == "optimize":
            c7 = rng.random() < 0.5
            j = inj(OPT_INJ if c7 else [k for k in OPT_INJ if not k.startswith("opt-engine")])
            self.add(f"{base}/optimize/environment-config.yaml", optimize_text(ctx, j, c7), j)
            self.compose_env(ctx, base, "optimize" if rng.random() < 0.7 else None)
        elif arch == "elasticsearch":
            j = inj(ES_INJ)
            self.add(f"{base}/config/elasticsearch.yml", es_text(ctx, j), j)
            self.compose_env(ctx, base, "es" if rng.random() < 0.5 else None)
        elif arch == "opensearch":
            j = inj(OS_INJ)
            self.add(f"{base}/config/opensearch.yml", os_text(ctx, j), j)
            self.compose_env(ctx, base, "os" if rng.random() < 0.6 else None)
        elif arch == "tomcat":
            j = inj(["xml-cookie-insecure"])
            self.add(f"{base}/webapps/camunda/WEB-INF/web.xml", self.xml.webapp_xml(ctx, j), j)
            j = inj(["xml-rest-no-auth-filter"])
            self.add(f"{base}/webapps/engine-rest/WEB-INF/web.xml", self.xml.rest_xml(ctx, j), j)
            j = inj(["xml-bpm-platform-authorization-off"])
            self.add(f"{base}/conf/bpm-platform.xml", self.xml.bpm_xml(ctx, j), j)
        else:  # repository without Camunda configuration
            if rng.random() < 0.5:
                self.add(f"{base}/frontend/package.json", package_json(ctx))
            self.add(f"{base}/renovate.json", json.dumps({"extends": ["config:recommended"],
                                                           "schedule": ["before 6am on monday"]}, indent=2) + "\n")
            if rng.random() < 0.5:
                self.add(f"{base}/api/public/openapi.yaml", openapi_text(ctx))
            self.add(f"{base}/.github/workflows/release.yml", workflow_text(ctx))
        self.noise(ctx, base)

    def real_deployment(self, ctx: Ctx, base: str, arch: str):
        """Real published files, each with a header comment naming the deployment."""
        for template, dest in ctx.rng.choice(REAL[arch]):
            if template not in self.real_templates:
                self.real_templates[template] = (CORPUS / template).read_text()
            header = f"# {ctx.svc_id} ({ctx.team}, {ctx.env}): copied from {template}\n"
            path = f"{base}/{dest}"
            self.add(path, header + self.real_templates[template], [])
            self.real[path] = template

    def compose_env(self, ctx: Ctx, base: str, flavour: str | None):
        rng = ctx.rng
        if flavour is not None:
            j = pick_injections(rng, ctx, DC_INJ[flavour])
            self.add(f"{base}/docker-compose.yaml", compose_text(ctx, flavour, j), j)
        if rng.random() < 0.45:
            j = pick_injections(rng, ctx, ["env-default-cred"])
            self.add(f"{base}/.env", env_text(ctx, j), j)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", choices=sorted(SIZES), required=True)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", required=True)
    ap.add_argument("--profile", choices=sorted(PROFILES), default="sparse",
                    help="sparse (default): 10%% of configuration files insecure, 1-3 injections each; "
                         "dense: 90%% insecure, 2-6 injections each, plus real published insecure "
                         "configurations")
    ap.add_argument("--insecure-rate", type=float, default=None,
                    help="probability that a configuration file receives injections "
                         "(default 0.10 sparse, 0.90 dense)")
    ap.add_argument("--manifest", help="manifest path (default: <out>.manifest.json, outside the tree)")
    args = ap.parse_args()

    if args.insecure_rate is None:
        args.insecure_rate = PROFILES[args.profile][1]
    deployments = PROFILE_SIZES[args.profile][args.size]
    gen = Generator(args.seed, args.insecure_rate, args.profile)
    for i in range(deployments):
        gen.deployment(i)

    out = Path(args.out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    total = 0
    for rel in sorted(gen.files):
        data = gen.files[rel].encode("utf-8")
        p = out / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)
        total += len(data)

    per_kind = Counter(k for v in gen.injected.values() for k in v)
    by_ext = Counter()
    for rel in gen.files:
        name = rel.rsplit("/", 1)[-1]
        by_ext[name if name in (".env", "web.xml", "README.md") else (name.rsplit(".", 1)[-1] if "." in name else name)] += 1
    manifest = {
        "generator": "bench/generate.py", "size": args.size, "seed": args.seed,
        **({"profile": args.profile} if args.profile != "sparse" else {}),
        "insecure_rate": args.insecure_rate, "deployments": deployments,
        "files": len(gen.files), "bytes": total,
        "config_files": len(gen.config),
        "config_bytes": sum(len(gen.files[p].encode("utf-8")) for p in gen.config),
        "files_by_extension": dict(sorted(by_ext.items())),
        "files_with_injections": len(gen.injected),
        "injections": sum(per_kind.values()),
        "injections_by_kind": dict(sorted(per_kind.items())),
        "expected_rule_by_kind": INJECTIONS,
        "injected_files": {k: gen.injected[k] for k in sorted(gen.injected)},
        "configuration_files": sorted(gen.config),
    }
    if gen.real:
        manifest["real_files"] = {k: gen.real[k] for k in sorted(gen.real)}
    mpath = Path(args.manifest) if args.manifest else out.parent / (out.name + ".manifest.json")
    mpath.write_text(json.dumps(manifest, indent=1) + "\n")
    kinds = " ".join(f"{k}={v}" for k, v in sorted(per_kind.items()))
    print(f"{out}: {len(gen.files)} files ({len(gen.config)} configuration, the rest noise), "
          f"{total} bytes ({total / 1e6:.1f} MB), "
          f"{len(gen.injected)} files with {sum(per_kind.values())} injections [{kinds}]"
          + (f", {len(gen.real)} real insecure-by-design files" if gen.real else "") + f"; manifest {mpath}")


if __name__ == "__main__":
    sys.exit(main())
