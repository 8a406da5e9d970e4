#!/usr/bin/env python3
"""html_browser.py - loads an HTML report in headless Chromium and checks it
through the DOM, driving the browser with the DevTools protocol over
--remote-debugging-pipe (NUL-separated JSON on file descriptors 3 and 4), so
nothing beyond Python's standard library and Debian's chromium is needed.

usage: html_browser.py CHROMIUM REPORT.html EXPECT.json

EXPECT.json says what the test planted:
  {"rows": [[rule_id, "path:line"], ...],   every finding row, in any order
   "filter_rule": rule_id,                   a rule to filter by
   "hostile": "path:line",                   a cell that must be text only
   "secrets": [full secret, ...],            must not appear in the page
   "new_in_run": text,                       optional: the "new in this run" card says it
   "refs": N}                                optional: the header's refs count
or, for a report too long to draw at once (the table draws only the rows in view):
  {"many": {"total": N, "first": "path:line", "last": "path:line"}}
      N findings; sorted by path:line, the first and the last row

The network is switched off (offline emulation) before the report loads;
any request other than the report file itself, any console error, any
uncaught exception, any error the browser logs (a Content-Security-Policy
violation among them) and any dialog (alert) fails the test.

Exit status: 0 all checks passed, 1 a check failed, 77 Chromium could not
start (the caller decides whether that is a skip).
"""
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

TIMEOUT = 60.0


class Browser:
    def __init__(self, chromium, profile):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def wire_fds():
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
             "--disable-dev-shm-usage", "--remote-debugging-pipe", "--no-first-run",
             "--no-default-browser-check", "--disable-extensions",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--user-data-dir=" + profile, "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(profile, "chromium.log"), "wb"),
            preexec_fn=wire_fds, close_fds=False)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        return self.wait(lambda m: m.get("id") == self.next_id)

    def read_one(self, deadline):
        while b"\0" not in self.buf:
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError("no answer from Chromium")
            ready, _, _ = select.select([self.from_chrome], [], [], left)
            if ready:
                chunk = os.read(self.from_chrome, 1 << 20)
                if not chunk:
                    raise EOFError("Chromium closed the pipe")
                self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def wait(self, match, timeout=TIMEOUT):
        deadline = time.time() + timeout
        for i, m in enumerate(self.events):
            if match(m):
                return self.events.pop(i)
        while True:
            m = self.read_one(deadline)
            if match(m):
                if "error" in m:
                    raise RuntimeError("DevTools error: %s" % m["error"])
                return m
            self.events.append(m)

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def main():
    """Runs the checks with a Chromium profile of its own, removed after."""
    profile = tempfile.mkdtemp(prefix="leakgate-chromium-")
    try:
        return run(profile)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def run(profile):
    chromium, report, expect_path = sys.argv[1:4]
    expect = json.load(open(expect_path))
    url = "file://" + os.path.abspath(report)
    failures = []

    def check(cond, what):
        print(("ok   " if cond else "FAIL ") + what, file=sys.stderr)
        if not cond:
            failures.append(what)

    browser = None
    try:
        browser = Browser(chromium, profile)
        target = browser.send("Target.createTarget", {"url": "about:blank"})["result"]["targetId"]
    except Exception as e:  # Chromium could not start: the caller decides
        if browser:
            browser.close()
        log = open(os.path.join(profile, "chromium.log"), errors="replace").read()[-2000:]
        print("Chromium could not start: %s\n%s" % (e, log), file=sys.stderr)
        return 77
    try:
        session = browser.send("Target.attachToTarget",
                               {"targetId": target, "flatten": True})["result"]["sessionId"]
        for method in ("Runtime.enable", "Log.enable", "Page.enable", "Network.enable"):
            browser.send(method, session=session)
        browser.send("Network.emulateNetworkConditions",
                     {"offline": True, "latency": 0, "downloadThroughput": 0,
                      "uploadThroughput": 0}, session=session)
        started = time.time()
        browser.send("Page.navigate", {"url": url}, session=session)
        browser.wait(lambda m: m.get("method") == "Page.loadEventFired" and
                     m.get("sessionId") == session)
        print("report loaded in %.2f s" % (time.time() - started), file=sys.stderr)

        def js(expression):
            r = browser.send("Runtime.evaluate", {"expression": expression,
                                                  "returnByValue": True}, session=session)
            if "exceptionDetails" in r["result"]:
                raise RuntimeError("script failed: %s" % r["result"]["exceptionDetails"])
            return r["result"]["result"].get("value")

        check(js("document.body.dataset.ready") == "true", "the script ran to its end")
        if "many" in expect:
            check_many(js, expect["many"], check)
        else:
            check_small(js, expect, check)

        # Nothing left the page, nothing went wrong.
        requests = [m["params"]["request"]["url"] for m in browser.events
                    if m.get("method") == "Network.requestWillBeSent"]
        check(all(u == url for u in requests), "no request but the report itself: %s" % requests)
        errors = [m["params"] for m in browser.events
                  if (m.get("method") == "Runtime.consoleAPICalled" and
                      m["params"].get("type") in ("error", "assert")) or
                  m.get("method") == "Runtime.exceptionThrown" or
                  (m.get("method") == "Log.entryAdded" and
                   m["params"]["entry"].get("level") == "error") or
                  m.get("method") == "Page.javascriptDialogOpening"]
        shown = [e.get("entry", {}).get("text") or e for e in errors[:3]]
        check(not errors, "no console error, exception, policy violation or dialog: %s" % shown)
    finally:
        browser.close()
    return 1 if failures else 0


ROWS_JS = """Array.from(document.querySelectorAll('#finding-table tbody tr.finding'))
    .map(tr => [tr.querySelector('.c-rule').textContent,
                tr.querySelector('.c-location').textContent,
                tr.querySelector('.c-date').textContent, tr.dataset.index])"""


def check_many(js, many, check):
    """A long table: only the rows in view are drawn; scrolling draws the
    others, and an opened row stays open when it scrolls out and back."""
    total = many["total"]
    drawn = len(js(ROWS_JS))
    check(0 < drawn < min(total, 200), "%d of %d rows drawn at first" % (drawn, total))
    check(js("document.getElementById('shown-count').textContent").startswith("%d findings" % total),
          "the count says %d findings" % total)
    js("document.querySelector('#finding-table th[data-key=location]').click()")
    rows = js(ROWS_JS)
    check(rows and rows[0][1] == many["first"], "sorted by path:line, the first row is %s: %s"
          % (many["first"], rows[:1]))
    # Open the first row, scroll to the end, and back.
    js("document.querySelector('#finding-table td.c-location').click()")
    js("(b => { b.scrollTop = b.scrollHeight; b.dispatchEvent(new Event('scroll')); })"
       "(document.getElementById('finding-scroll'))")
    js("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    time.sleep(0.2)
    rows = js(ROWS_JS)
    check(rows and rows[-1][1] == many["last"], "scrolled to the end, the last row is %s: %s"
          % (many["last"], rows[-1:]))
    check(len(rows) < 200, "still only the rows in view are drawn: %d" % len(rows))
    height = js("document.getElementById('finding-scroll').scrollHeight")
    js("(b => { b.scrollTop = 0; b.dispatchEvent(new Event('scroll')); })"
       "(document.getElementById('finding-scroll'))")
    time.sleep(0.2)
    rows = js(ROWS_JS)
    check(rows and rows[0][1] == many["first"], "scrolled back, the first row again: %s" % rows[:1])
    check(js("(tr => tr.nextSibling && tr.nextSibling.className)"
             "(document.querySelector('#finding-table tr.finding'))") == "detail",
          "the opened row is still open")
    check(js("document.getElementById('finding-scroll').scrollHeight") == height,
          "the table keeps its height when rows are drawn anew")
    # A text filter searches every finding, drawn or not.
    js("(i => { i.value = %s; i.dispatchEvent(new Event('input')); })"
       "(document.getElementById('filter-text'))" % json.dumps(many["last"].split(":")[0]))
    check(js("document.getElementById('shown-count').textContent").startswith("%d findings" % total),
          "a filter on the file name keeps all %d" % total)


def check_small(js, expect, check):
    """A short report: every row, sorting, filtering, a hostile name."""
    if "new_in_run" in expect:
        # A report written with --baseline: the summary says what is new.
        text = js("(f => f.hidden ? null : f.textContent)"
                  "(document.getElementById('new-in-run'))")
        check(text is not None and expect["new_in_run"] in text,
              "the summary shows what is new in this run: %r" % text)
    if "refs" in expect:
        facts = js("Object.fromEntries(Array.from(document.querySelectorAll('#scan-facts div'))"
                   ".map(d => [d.firstChild.textContent, d.lastChild.textContent]))")
        check(facts.get("refs") == str(expect["refs"]),
              "the header says %s refs: %s" % (expect["refs"], facts))
    rows = js(ROWS_JS)
    check(sorted([r[0], r[1]] for r in rows) == sorted(expect["rows"]),
          "the table has the expected rows: %s" % [r[:2] for r in rows])
    check(js("document.querySelectorAll('#by-severity svg rect').length") >= 1,
          "the severity chart is drawn")
    check(js("document.querySelectorAll('#timeline svg rect').length") >= 1,
          "the timeline is drawn")

    # Sorting by date: ascending, then the reverse.
    js("document.querySelector('#finding-table th[data-key=date]').click()")
    ascending = js(ROWS_JS)
    dates = [r[2] for r in ascending]
    check(dates == sorted(dates), "one click sorts by date, oldest first: %s" % dates)
    js("document.querySelector('#finding-table th[data-key=date]').click()")
    descending = js(ROWS_JS)
    check([r[3] for r in descending] == [r[3] for r in reversed(ascending)],
          "a second click reverses the order")
    check(js("document.querySelector('#finding-table th[data-key=date]')"
             ".getAttribute('aria-sort')") == "descending", "the header says descending")

    # Filtering by a rule leaves only its rows.
    rule = expect["filter_rule"]
    js("(s => { s.value = %s; s.dispatchEvent(new Event('change')); })"
       "(document.getElementById('filter-rule'))" % json.dumps(rule))
    filtered = js(ROWS_JS)
    want = sorted(r for r in expect["rows"] if r[0] == rule)
    check(sorted([r[0], r[1]] for r in filtered) == want,
          "filtering by %s leaves only its rows: %s" % (rule, [r[:2] for r in filtered]))
    js("(s => { s.value = ''; s.dispatchEvent(new Event('change')); })"
       "(document.getElementById('filter-rule'))")
    js("(i => { i.value = 'no such text anywhere'; i.dispatchEvent(new Event('input')); })"
       "(document.getElementById('filter-text'))")
    check(len(js(ROWS_JS)) == 0, "a text filter that matches nothing leaves no row")
    js("(i => { i.value = ''; i.dispatchEvent(new Event('input')); })"
       "(document.getElementById('filter-text'))")
    check(len(js(ROWS_JS)) == len(expect["rows"]), "clearing the filter brings all rows back")

    # The hostile file name is text, in its cell and in the expanded row.
    hostile = json.dumps(expect["hostile"])
    cell = js("""(() => { const td = Array.from(document.querySelectorAll('td.c-location'))
        .find(td => td.textContent === %s);
        if (!td) return null;
        td.click();
        const detail = td.parentNode.nextSibling;
        return {children: td.childElementCount,
                detail: detail && detail.className === 'detail' ?
                        detail.textContent : null}; })()""" % hostile)
    check(cell is not None and cell["children"] == 0,
          "the hostile file name is the text of its cell: %s" % cell)
    check(cell is not None and cell["detail"] is not None and
          ".leakgateignore" in cell["detail"], "its row expands to the details")
    check(js("document.querySelectorAll('img, iframe, object, embed').length") == 0,
          "no element came from a file name")
    check(js("typeof window.__leakgate_pwned") == "undefined", "no injected script ran")
    page_text = js("document.documentElement.textContent")
    for s in expect.get("secrets", []):
        check(s not in page_text, "the page does not show a secret in full")


if __name__ == "__main__":
    sys.exit(main())
