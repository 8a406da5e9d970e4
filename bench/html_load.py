#!/usr/bin/env python3
"""html_load.py - how long the HTML report of N findings (default 10,000)
takes to open in headless Chromium, and to re-sort its table.

usage: bench/html_load.py LEAKGATE [N]

It writes a JSON report of N made-up findings over 200 repositories
(redacted secrets, five rules, dates over twelve years), renders it with
`leakgate report --format html`, loads it three times offline through the
DevTools pipe (tests/integration/html_browser.py's Browser) and prints,
for each load: the wall time from navigation to the load event (the
page's script has drawn everything by then), the page's own clock
(first contentful paint, the script's start, the load event), the main
thread's CPU time in HTML parsing (the script runs inside it) and layout,
from a DevTools trace, and the time a sort by date takes. On a loaded
machine the wall times mostly measure the queue for a core: the CPU
times are the ones to compare. Timing lives here, not in the test suite.
"""
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
import html_browser  # noqa: E402

RULES = [("twilio-auth-token", "Twilio auth token", "critical"),
         ("aws-access-key-id", "AWS access key ID", "high"),
         ("github-pat", "GitHub personal access token", "high"),
         ("generic-password", "Password in assignment", "medium"),
         ("slack-webhook-url", "Slack webhook URL", "low")]


def report(n):
    rnd = random.Random(1)
    repos = ["/srv/git/repo%03d.git" % i for i in range(200)]
    findings = []
    for i in range(n):
        rule = rnd.choice(RULES)
        findings.append({
            "rule_id": rule[0], "rule_name": rule[1], "severity": rule[2], "confidence": "high",
            "secret": "abcd\u2026", "path": "src/dir%d/file%d.env" % (i % 50, i),
            "line": rnd.randint(1, 400), "column": 5, "end_column": 30,
            "blob": hashlib.sha1(b"blob%d" % i).hexdigest(),
            "commit": hashlib.sha1(b"commit%d" % i).hexdigest(),
            "author_name": "Dev %d" % (i % 97), "author_email": "dev%d@example.org" % (i % 97),
            "date": "%04d-%02d-11T10:00:00+00:00" % (rnd.randint(2015, 2026), rnd.randint(1, 12)),
            "fingerprint": hashlib.md5(b"fp%d" % i).hexdigest(), "binary": False,
            "repository": repos[i % len(repos)], "excerpt": "TOKEN = abcd\u2026  # value %d" % i,
            "remediation": "Rotate it with its provider.", "also_in": []})
    return {"version": 1, "leakgate_version": "bench", "started": "2026-01-01T02:15:00+00:00",
            "rules_hash": "0" * 40, "secrets_shown": False,
            "repositories": [{"path": p, "findings": n // len(repos), "commits": 100,
                              "blobs_scanned": 500, "bytes_scanned": 10 ** 6, "seconds": 1.0,
                              "error": None} for p in repos],
            "findings": findings,
            "summary": {"commits": 20000, "blobs_scanned": 100000, "bytes_scanned": 10 ** 9,
                        "blobs_skipped": 0, "skipped_reasons": {}, "seconds": 100.0,
                        "findings": n, "ignored": 0, "baselined": 0, "shallow": False,
                        "incremental": False, "unreadable": 0},
            "warnings": []}


def main():
    leakgate = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    work = tempfile.mkdtemp(prefix="leakgate-html-bench-")
    src, page = os.path.join(work, "report.json"), os.path.join(work, "report.html")
    json.dump(report(n), open(src, "w"))
    rc = subprocess.call([leakgate, "report", "-o", page, src])
    if rc not in (0, 1):
        sys.exit("leakgate report failed (%d)" % rc)
    print("%d findings: %.1f MB page" % (n, os.path.getsize(page) / 1e6))
    try:
        measure(work, page)
    finally:
        shutil.rmtree(work, ignore_errors=True)


PAGE_CLOCK = """JSON.stringify((() => {
  const n = performance.getEntriesByType('navigation')[0], o = {};
  performance.getEntriesByType('paint').forEach(p => o[p.name] = p.startTime);
  performance.getEntriesByType('mark').forEach(p => o[p.name] = p.startTime);
  return [o['first-contentful-paint'], o['leakgate-script'], n.loadEventStart]
    .map(Math.round); })())"""


def main_thread_cpu(events):
    """CPU milliseconds of the renderer's main thread: HTML parsing (with
    the script it runs), script evaluation alone, and layout."""
    cpu = {"ParseHTML": 0.0, "EvaluateScript": 0.0, "Layout": 0.0}
    for e in events:
        if e.get("ph") == "X" and e.get("name") in cpu:
            cpu[e["name"]] += e.get("tdur", 0) / 1000
    return cpu


def measure(work, page):
    browser = html_browser.Browser(os.environ.get("LEAKGATE_CHROMIUM", "chromium"), work)
    target = browser.send("Target.createTarget", {"url": "about:blank"})["result"]["targetId"]
    session = browser.send("Target.attachToTarget",
                           {"targetId": target, "flatten": True})["result"]["sessionId"]
    browser.send("Page.enable", session=session)
    for _ in range(3):
        browser.send("Tracing.start", {"categories": "devtools.timeline",
                                       "transferMode": "ReportEvents"}, session=session)
        started = time.time()
        browser.send("Page.navigate", {"url": "file://" + page}, session=session)
        browser.wait(lambda m: m.get("method") == "Page.loadEventFired" and
                     m.get("sessionId") == session)
        loaded = time.time() - started
        browser.send("Tracing.end", session=session)
        events = []
        while True:
            m = browser.wait(lambda m: m.get("method") in ("Tracing.dataCollected",
                                                          "Tracing.tracingComplete"))
            if m["method"] == "Tracing.tracingComplete":
                break
            events += m["params"]["value"]
        cpu = main_thread_cpu(events)
        clock = json.loads(browser.send("Runtime.evaluate", {"expression": PAGE_CLOCK,
                           "returnByValue": True}, session=session)["result"]["result"]["value"])
        started = time.time()
        browser.send("Runtime.evaluate", {"expression": "document.querySelector("
                     "'#finding-table th[data-key=date]').click()"}, session=session)
        print("open %.2f s (page clock: first paint %s ms, script %s ms, load %s ms; "
              "main thread CPU: parse+script %.0f ms, script %.0f ms, layout %.0f ms), "
              "sort by date %.3f s" % (loaded, clock[0], clock[1], clock[2], cpu["ParseHTML"],
                                       cpu["EvaluateScript"], cpu["Layout"],
                                       time.time() - started))
    browser.close()

if __name__ == "__main__":
    main()
