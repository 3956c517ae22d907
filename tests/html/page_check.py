#!/usr/bin/env python3
"""Checks one gomemdx HTML page without a browser.

page_check.py PAGE [--title TEXT] [--text TEXT]
  the CSP's hashes are those of the inline script and style, the data is
  JSON with no raw <, > or &, nothing can be loaded (no http(s) reference
  but the SVG namespace), there are exactly the page's own two scripts and
  its one style, the report's first finding (or --text) is in the data."""
import base64, hashlib, json, re, sys

SVG_NS = "http://www.w3.org/2000/svg"


def fail(msg):
    sys.exit("page_check: %s: %s" % (sys.argv[1], msg))


def strings(v):
    """Every string in a JSON value, keys included."""
    if isinstance(v, str):
        yield v
    elif isinstance(v, list):
        for x in v:
            yield from strings(x)
    elif isinstance(v, dict):
        for k, x in v.items():
            yield k
            yield from strings(x)


def main():
    args = sys.argv[1:]
    page = open(args[0], encoding="utf-8").read()
    title = args[args.index("--title") + 1] if "--title" in args else None
    text = args[args.index("--text") + 1] if "--text" in args else None

    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)
    if not csp:
        fail("no Content-Security-Policy")
    policy = dict(d.strip().split(" ", 1) for d in csp.group(1).split(";"))
    if policy.get("default-src") != "'none'":
        fail("default-src is not 'none': %r" % policy.get("default-src"))
    styles = re.findall(r"<style>(.*?)</style>", page, re.S)
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    if len(styles) != 1 or len(scripts) != 1:
        fail("want one inline style and one inline script, got %d and %d" % (len(styles), len(scripts)))
    for name, body in (("style-src", styles[0]), ("script-src", scripts[0])):
        want = "'sha256-%s'" % base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        if policy.get(name) != want:
            fail("%s is %r, the inline body hashes to %r" % (name, policy.get(name), want))
    if page.count("<script") != 2 or page.count("</script>") != 2:
        fail("want the page's two scripts only, found %d openings and %d closings"
             % (page.count("<script"), page.count("</script>")))

    data_m = re.search(r'<script type="application/json" id="data">(.*?)</script>', page, re.S)
    if not data_m:
        fail("no data script")
    raw = data_m.group(1)
    for c in "<>&\u2028\u2029":
        if c in raw:
            fail("raw %r inside the data script" % c)
    data = json.loads(raw)

    # The page outside its data: the input's text is data, never markup.
    markup = page.replace(raw, "")
    loads = set(re.findall(r"https?://[^\s\"'<>)\\]*", markup)) - {SVG_NS}
    if loads:
        fail("references that could load something: %s" % sorted(loads))
    if re.search(r"\b(src|href)\s*=", markup):
        fail("an src or href attribute in the page")

    report = data.get("report", {})
    if title is not None:
        findings = report.get("findings") or []
        if not findings or findings[0].get("title") != title:
            fail("rank-1 finding is not %r" % title)
    if text is not None and not any(text in s for s in strings(data)):
        fail("%r not in the data" % text)
    for key in ("goroutine_flame", "heap_flame"):
        if key in data:
            nodes = data[key]["nodes"]
            if not nodes or nodes[0][0] != -1:
                fail("%s has no root" % key)
            if any(not (0 <= n[0] < i) for i, n in enumerate(nodes) if i):
                fail("%s: a node before its parent" % key)
    print("ok", sys.argv[1])


main()
