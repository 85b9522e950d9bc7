#!/usr/bin/env python3
"""Converts the two Go literals of restic's TestApplyPolicy (internal/data/snapshot_policy_test.go) to JSON.

    git -C RESTIC show COMMIT:internal/data/snapshot_policy_test.go | python3 go_table_to_json.py

writes input_snapshots.json (the `testExpireSnapshots` list, in the test's order: time as RFC 3339 UTC,
tags, paths) and policies.json (the `tests` table, one object per policy with restic's field names; the
i-th policy's golden file is policy_keep_snapshots_i). Only the literal forms that test uses are read; any
other line inside the two literals stops the script, so a changed test cannot be converted silently wrong.
"""
import json
import re
import sys

src = sys.stdin.read()


def block(start, end):
    i = src.index(start) + len(start)
    return src[i:src.index(end, i)]


def strings(s):
    return re.findall(r'"([^"]*)"', s)


snaps = []
snap_re = re.compile(
    r'^\{Time: parseTimeUTC\("(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)"\)'
    r'(?:, Tags: \[\]string\{([^}]*)\})?(?:, Paths: \[\]string\{([^}]*)\})?\},$')
for line in block("var testExpireSnapshots = data.Snapshots{", "\n\t}\n").splitlines():
    line = line.strip()
    if not line:
        continue
    m = snap_re.match(line)
    if not m:
        sys.exit(f"unexpected snapshot line: {line}")
    snaps.append({"time": f"{m[1]}T{m[2]}Z", "tags": strings(m[3] or ""), "paths": strings(m[4] or "")})

policies = []
table = block("var tests = []data.ExpirePolicy{", "\n\t}\n")
# One policy per top-level {...}, possibly over several lines; comments dropped.
table = re.sub(r"//[^\n]*", "", table)
depth, cur = 0, ""
for c in table:
    if c == "{":
        depth += 1
    if depth > 0:
        cur += c
    if c == "}":
        depth -= 1
        if depth == 0:
            body = " ".join(cur[1:-1].split())
            p = {}
            for name, value in re.findall(r"(\w+): ((?:-?\d+)|data\.ParseDurationOrPanic\(\"[^\"]*\"\)|\[\]data\.TagList\{.*\})", body):
                if value.startswith("data.ParseDurationOrPanic"):
                    p[name] = strings(value)[0]
                elif value.startswith("[]data.TagList"):
                    p[name] = [strings(t) for t in re.findall(r"\{([^{}]*)\}", value[len("[]data.TagList{"):])]
                else:
                    p[name] = int(value)
            rest = re.sub(r"(\w+): ((?:-?\d+)|data\.ParseDurationOrPanic\(\"[^\"]*\"\)|\[\]data\.TagList\{.*\})", "", body)
            if rest.strip(" ,"):
                sys.exit(f"unexpected policy text: {rest!r} in {body!r}")
            policies.append(p)
            cur = ""

json.dump(snaps, open("input_snapshots.json", "w"), indent=1)
open("input_snapshots.json", "a").write("\n")
json.dump(policies, open("policies.json", "w"), indent=1)
open("policies.json", "a").write("\n")
print(f"{len(snaps)} snapshots, {len(policies)} policies")
