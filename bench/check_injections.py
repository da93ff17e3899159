#!/usr/bin/env python3
"""Check a generated tree against its manifest: every injected insecure setting must give
a finding of its expected rule in its file, and files without injections should give none
(except the real, insecure-by-design files of the dense profile, whose findings are counted).

    python3 bench/check_injections.py bench/tree-small [path/to/camguard]
"""
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict

tree = sys.argv[1].rstrip("/")
camguard = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
    os.environ.get("CARGO_TARGET_DIR", "target"), "release", "camguard")
m = json.load(open(tree + ".manifest.json"))
d = json.loads(subprocess.run([camguard, "check", tree, "--format", "json", "--exit-zero"],
                              capture_output=True, text=True, check=True).stdout)
codes = defaultdict(set)
for f in d["findings"]:
    codes[f["path"]].add(f["code"])
hit, miss, examples = Counter(), Counter(), {}
for path, kinds in m["injected_files"].items():
    p = f"{tree}/{path}"
    for k in kinds:
        if m["expected_rule_by_kind"][k] in codes.get(p, ()):
            hit[k] += 1
        else:
            miss[k] += 1
            examples.setdefault(k, p)
injected = {f"{tree}/{p}" for p in m["injected_files"]}
# Real published files (dense profile) are insecure by design: their findings are expected.
real = {f"{tree}/{p}" for p in m.get("real_files", {})}
extra = Counter(f["code"] for f in d["findings"] if f["path"] not in injected | real)
if real:
    in_real = [f for f in d["findings"] if f["path"] in real]
    print(f"{len(in_real)} findings in {len({f['path'] for f in in_real})} of {len(real)} real files:",
          dict(sorted(Counter(f["code"] for f in in_real).items())))
print(f"{tree}: {d['summary']['findings']} findings, {d['summary']['files_scanned']} files scanned; "
      f"{sum(hit.values())} of {sum(hit.values()) + sum(miss.values())} injections found")
print("findings by code:", dict(sorted(Counter(f["code"] for f in d["findings"]).items())))
for k, p in sorted(examples.items()):
    print(f"MISSED {k} (expected {m['expected_rule_by_kind'][k]}) x{miss[k]}, e.g. {p}")
if extra:
    print("findings in files without injections:", dict(sorted(extra.items())))
sys.exit(1 if miss or extra else 0)
