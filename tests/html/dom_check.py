#!/usr/bin/env python3
"""Checks the DOM a browser made of a gomemdx HTML page (--dump-dom).

dom_check.py DOM --text TEXT [--frames N] [--no-injection]
  the page's script ran to its end (data-rendered="ok", no data-error),
  TEXT is in the page's visible text, at least N flame graph frames were
  drawn; with --no-injection, no element came from the input: no img, no
  script but the page's two, no on* attribute anywhere."""
import sys
from html.parser import HTMLParser


class Dom(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.text, self.root, self.frames, self.handlers = [], [], {}, 0, []
        self.in_data = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.root = a
        if tag == "g" and "f" in (a.get("class") or "").split():
            self.frames += 1
        self.handlers += [(tag, k) for k, _ in attrs if k.lower().startswith("on")]
        self.in_data = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_data = False

    def handle_data(self, data):
        if not self.in_data:
            self.text.append(data)


def main():
    args = sys.argv[1:]
    dom = Dom()
    dom.feed(open(args[0], encoding="utf-8").read())
    fail = lambda msg: sys.exit("dom_check: %s: %s" % (args[0], msg))
    if dom.root.get("data-error"):
        fail("script error: " + dom.root["data-error"])
    if dom.root.get("data-rendered") != "ok":
        fail("the page's script did not finish (data-rendered=%r)" % dom.root.get("data-rendered"))
    text = "".join(dom.text)
    want = args[args.index("--text") + 1]
    if want not in text:
        fail("%r is not in the page's text" % want)
    frames = int(args[args.index("--frames") + 1]) if "--frames" in args else 1
    if dom.frames < frames:
        fail("%d flame graph frames drawn, want at least %d" % (dom.frames, frames))
    if "--no-injection" in args:
        if "img" in dom.tags or "iframe" in dom.tags:
            fail("an element from the input: %s" % [t for t in dom.tags if t in ("img", "iframe")])
        if dom.tags.count("script") != 2:
            fail("%d scripts, want the page's two" % dom.tags.count("script"))
        if dom.handlers:
            fail("event handler attributes: %s" % dom.handlers)
    print("ok", args[0], "(%d frames)" % dom.frames)


main()
