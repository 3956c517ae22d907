/* gomemdx HTML report: draws the page from the JSON in #data. Every string
 * from the input goes into the page as text (textContent, SVG <title>),
 * never as markup or attributes that could run or load anything. */
(function () {
  'use strict';
  var root = document.documentElement;
  window.onerror = function (message, source, line) {
    root.dataset.error = String(message) + ' (line ' + line + ')';
  };
  var SVG = 'http://www.w3.org/2000/svg';
  var data = JSON.parse(document.getElementById('data').textContent);
  var report = data.report || {};
  var app = document.getElementById('app');

  /* ---- small helpers ---- */
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function add(parent, child) { parent.appendChild(child); return child; }
  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function card(title, sub) {
    var s = add(app, el('section', 'card'));
    add(s, el('h2', null, title));
    if (sub) add(s, el('p', 'sub', sub));
    return s;
  }
  function num(x) { return typeof x === 'number' && isFinite(x); }
  function count(v) {
    if (!num(v)) return String(v);
    var s = Math.round(v).toString();
    return s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }
  function bytes(v) {
    if (!num(v)) return String(v);
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'], a = Math.abs(v), i = 0;
    while (a >= 1024 && i < units.length - 1) { a /= 1024; i++; }
    return (v < 0 ? '-' : '') + (i ? a.toFixed(1) : Math.round(a)) + ' ' + units[i];
  }
  function amount(v, unit) {
    if (unit === 'bytes') return bytes(v);
    if (unit === 'goroutines') return count(v) + (v === 1 ? ' goroutine' : ' goroutines');
    return count(v) + ' ' + unit;
  }
  function pct(part, whole) { return whole ? (100 * part / whole).toFixed(part / whole < 0.1 ? 2 : 1) + '%' : ''; }
  function pad2(n) { return (n < 10 ? '0' : '') + n; }
  function clock(ns) {
    var d = new Date(ns / 1e6);
    return pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes()) + ':' + pad2(d.getUTCSeconds());
  }
  function when(ns) {
    var d = new Date(ns / 1e6);
    return d.getUTCFullYear() + '-' + pad2(d.getUTCMonth() + 1) + '-' + pad2(d.getUTCDate()) + ' ' + clock(ns) + ' UTC';
  }
  function duration(seconds) {
    if (!num(seconds)) return 'never';
    if (seconds < 120) return Math.round(seconds) + ' s';
    if (seconds < 7200) return Math.round(seconds / 60) + ' min';
    if (seconds < 172800) return (seconds / 3600).toFixed(1) + ' h';
    return (seconds / 86400).toFixed(1) + ' days';
  }
  function hashName(s) {
    var h = 0;
    for (var i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
    return Math.abs(h);
  }
  function siteText(site) {
    if (!site) return '';
    return String(site.function) + '  ' + String(site.file) + (site.line ? ':' + site.line : '');
  }

  /* ---- masthead ---- */
  var findings = Array.isArray(report.findings) ? report.findings : [];
  var titles = { diagnose: 'Memory diagnosis', goroutines: 'Goroutine report', top: 'Profile top', watch: 'Watching' };
  var mast = add(app, el('header', 'masthead'));
  var left = add(mast, el('div'));
  add(left, el('div', 'tool', 'gomemdx ' + String(data.command || '')));
  add(left, el('h1', null, titles[data.command] || 'Report'));
  var chips = add(mast, el('div', 'chips'));
  ['critical', 'warning', 'info'].forEach(function (sev) {
    var n = findings.filter(function (f) { return f.severity === sev; }).length;
    if (n) add(chips, el('span', 'chip ' + sev, n + ' ' + sev));
  });
  if (Array.isArray(report.inputs)) add(chips, el('span', 'chip', report.inputs.length + (report.inputs.length === 1 ? ' file read' : ' files read')));

  /* ---- 1. actions and findings ---- */
  function evidenceValue(key, v) {
    if (typeof v !== 'number') return String(v);
    if (/bytes/.test(key) && !/per_hour|per_second/.test(key)) return bytes(v) + ' (' + count(v) + ')';
    if (/bytes_per_(second|hour)/.test(key)) return bytes(v) + (/hour/.test(key) ? '/h' : '/s');
    if (/share|fraction/.test(key) && v <= 1) return (100 * v).toFixed(1) + '%';
    return Number.isInteger(v) ? count(v) : v.toFixed(2);
  }
  function findingCard(parent, f) {
    var sev = ['critical', 'warning', 'info'].indexOf(f.severity) >= 0 ? f.severity : 'info';
    var box = add(parent, el('article', 'finding ' + sev));
    box.dataset.rank = String(f.rank);
    var top = add(box, el('div', 'top'));
    add(top, el('span', 'rank', '#' + f.rank));
    add(top, el('span', 'sev ' + sev, sev));
    add(top, el('span', 'cat', f.category));
    if (f.healthy) add(top, el('span', 'cat', 'healthy: ' + f.healthy));
    add(box, el('div', 'title', f.title));
    var dl = add(box, el('dl', 'facts'));
    function fact(name, value, cls) {
      add(dl, el('dt', null, name));
      var dd = add(dl, el('dd'));
      add(dd, el('span', cls || null, value));
    }
    if (f.site) fact(f.site_is_mechanism ? 'mechanism' : 'your line', siteText(f.site), 'userline');
    if (f.created_by) fact('created by', siteText(f.created_by), 'mono');
    if (num(f.goroutines)) fact('goroutines', count(f.goroutines));
    if (num(f.bytes)) fact('bytes', bytes(f.bytes) + ' (' + count(f.bytes) + ')');
    var ev = f.evidence || {};
    if (ev.why) add(box, el('p', 'why', ev.why));
    if (f.advice) add(box, el('p', 'advice', f.advice));
    var keys = Object.keys(ev).filter(function (k) { return k !== 'why' && k !== 'series' && k !== 'source'; });
    if (keys.length || ev.source || Array.isArray(ev.series)) {
      var det = add(box, el('details'));
      add(det, el('summary', null, 'Evidence (' + keys.length + ' figures)'));
      var t = add(det, el('table', 'evidence'));
      keys.forEach(function (k) {
        var tr = add(t, el('tr'));
        add(tr, el('td', null, k));
        add(tr, el('td', null, evidenceValue(k, ev[k])));
      });
      if (Array.isArray(ev.series)) {
        var tr2 = add(t, el('tr'));
        add(tr2, el('td', null, 'count per snapshot'));
        add(tr2, el('td', null, ev.series.map(count).join(' → ')));
      }
      if (ev.source) {
        var tr3 = add(t, el('tr'));
        add(tr3, el('td', null, 'source'));
        add(tr3, el('td', null, ev.source));
      }
    }
    if (Array.isArray(f.stack) && f.stack.length) {
      var sd = add(box, el('details'));
      add(sd, el('summary', null, 'Stack (' + f.stack.length + ' frames, innermost first)'));
      var st = add(sd, el('div', 'stack'));
      f.stack.forEach(function (fr) { add(st, el('div', null, siteText(fr))); });
      if (Array.isArray(f.labels)) {
        f.labels.forEach(function (l) {
          add(st, el('div', null, 'labels ' + JSON.stringify(l.labels) + ' × ' + count(l.goroutines)));
        });
      }
    }
  }
  if (data.command !== 'top') {
    var first = card('What to do', report.summary ? null : 'The actions in order, then the findings ranked most suspicious first.');
    if (report.head) add(first, el('div', 'head', report.head));
    if (report.summary) add(first, el('p', 'summary', report.summary));
    if (report.change && report.change.event) {
      var evn = report.change.event;
      add(first, el('p', 'summary', 'The change closest before the climb: ' + when(evn.time_unix_ns) + ', ' +
        String(evn.kind) + ': ' + String(evn.description) + '.'));
    }
    if (Array.isArray(report.actions) && report.actions.length) {
      add(first, el('h3', null, 'Actions'));
      var ol = add(first, el('ol', 'actions'));
      report.actions.forEach(function (a) {
        var li = add(ol, el('li'));
        add(li, el('span', 'kind ' + (['mitigate', 'fix', 'verify'].indexOf(a.kind) >= 0 ? a.kind : 'verify'), a.kind));
        add(li, el('span', null, a.text));
      });
    }
    add(first, el('h3', null, 'Findings')).id = 'findings';
    if (!findings.length) add(first, el('p', 'empty', 'No finding: nothing looks like a leak in these inputs.'));
    findings.forEach(function (f) { findingCard(first, f); });
    if (num(report.findings_left_out) && report.findings_left_out > 0)
      add(first, el('p', 'empty', count(report.findings_left_out) + ' more findings, less suspicious, are left out of this page; --json lists them all.'));
  }

  /* ---- 2, 3. flame graphs ---- */
  var KIND_CLASSES = 10;
  function flameGraph(title, fl, marks) {
    var s = card(title, String(fl.label || '') + '. Click a frame to zoom into it, a row above it to zoom back out; search highlights matching frames.');
    var nodes = fl.nodes.map(function (r, i) {
      return { id: i, parent: r[0], name: String(r[1]), value: r[2], kind: r[3], marked: r[4], rank: r[5],
               children: [], depth: 0, up: null };
    });
    nodes.forEach(function (n) {
      if (n.parent >= 0 && n.parent < n.id) {
        n.up = nodes[n.parent];
        n.up.children.push(n);
        n.depth = n.up.depth + 1;
      }
    });
    nodes.forEach(function (n) {
      n.children.sort(function (a, b) { return a.name < b.name ? -1 : a.name > b.name ? 1 : 0; });
      if (marks && !n.rank && marks[n.name]) { n.rank = marks[n.name]; n.marked = n.value; n.label = true; }
    });
    /* A leaked stack's number goes on the finding's own line (your code),
     * not on the runtime frame where the goroutine is parked. */
    var siteOf = {};
    findings.forEach(function (f) { if (f.site && f.stack) siteOf[f.rank] = String(f.site.function); });
    nodes.forEach(function (n) {
      n.label = n.rank > 0;
      if (!n.rank || n.children.length || !siteOf[n.rank] || n.name === siteOf[n.rank]) return;
      for (var a = n.up; a; a = a.up) {
        if (a.name === siteOf[n.rank]) {
          if (!a.rank) { a.rank = n.rank; a.label = true; }
          n.label = false;
          break;
        }
      }
    });
    var top = nodes[0];
    var kinds = Array.isArray(fl.kinds) ? fl.kinds : [];
    var bar = add(s, el('div', 'toolbar'));
    var search = add(bar, el('input'));
    search.type = 'search';
    search.placeholder = 'Search frames (substring)';
    search.setAttribute('aria-label', 'search frames');
    var reset = add(bar, el('button', null, 'Reset zoom'));
    reset.type = 'button';
    var status = add(bar, el('span', 'status', 'total ' + amount(top.value, fl.unit)));
    var legend = add(s, el('div', 'legend'));
    kinds.forEach(function (k, i) {
      if (!nodes.some(function (n) { return n.kind === i && n.children.length === 0; })) return;
      var sp = add(legend, el('span'));
      add(sp, el('i', 'k' + (i % KIND_CLASSES)));
      add(sp, document.createTextNode(String(k)));
    });
    if (nodes.some(function (n) { return n.rank; })) {
      var lk = add(legend, el('span'));
      add(lk, el('i', 'leakswatch'));
      add(lk, document.createTextNode(marks ? 'named by a finding (#rank)' : 'leaked: named by a finding (#rank)'));
    }
    var box = add(s, el('div', 'flame'));
    var hover = add(s, el('div', 'hover', ' '));
    var ROW = 18, width = Math.max(600, Math.floor(box.clientWidth || 1180));
    var graph = svg('svg', { width: width, height: ROW, role: 'img' });
    box.appendChild(graph);
    var term = '';
    function label(n) {
      var t = amount(n.value, fl.unit) + ', ' + pct(n.value, top.value) + ' of total';
      if (n.marked) t += '; ' + amount(n.marked, fl.unit) + (marks ? ' at the site of finding #' : ' leaked, finding #') + n.rank;
      if (kinds.length) t += '; mostly ' + String(kinds[n.kind] || 'other');
      return n.name + ' — ' + t;
    }
    function frame(n, x, w, d, ancestor) {
      var cls = 'f ' + (kinds.length ? 'k' + (n.kind % KIND_CLASSES) : 'h' + (hashName(n.name.replace(/\..*$/, '')) % 8));
      if (n.rank && (n.children.length === 0 || n.marked * 2 >= n.value)) cls += ' leak';
      if (ancestor) cls += ' anc';
      if (term && n.name.toLowerCase().indexOf(term) >= 0) cls += ' match';
      var g = svg('g', { 'class': cls });
      g.appendChild(svg('title', {}, label(n)));
      g.appendChild(svg('rect', { x: x.toFixed(2), y: d * ROW, width: Math.max(w - 0.5, 0.5).toFixed(2), height: ROW - 1, rx: 2 }));
      var chars = Math.floor((w - 8) / 6.7);
      if (chars >= 3) {
        var text = (n.rank && n.label && !ancestor ? '#' + n.rank + ' ' : '') + n.name;
        if (text.length > chars) text = text.slice(0, chars - 1) + '…';
        g.appendChild(svg('text', { x: (x + 4).toFixed(2), y: d * ROW + 13 }, text));
      }
      g.addEventListener('click', function () { draw(n === zoomed ? (n.up || top) : n); });
      g.addEventListener('mouseover', function () { hover.textContent = label(n); });
      graph.appendChild(g);
    }
    var zoomed = top;
    function draw(z) {
      zoomed = z;
      while (graph.firstChild) graph.removeChild(graph.firstChild);
      var chain = [];
      for (var a = z.up; a; a = a.up) chain.unshift(a);
      chain.forEach(function (a, i) { frame(a, 0, width, i, true); });
      var deepest = chain.length;
      (function layout(n, x, w, d) {
        if (w < 0.8) return;
        frame(n, x, w, d, false);
        if (d > deepest) deepest = d;
        var cx = x;
        n.children.forEach(function (c) {
          var cw = n.value > 0 ? w * c.value / n.value : 0;
          layout(c, cx, cw, d + 1);
          cx += cw;
        });
      })(z, 0, width, chain.length);
      graph.setAttribute('height', String((deepest + 1) * ROW));
    }
    function searchNow() {
      term = search.value.trim().toLowerCase();
      box.classList.toggle('searching', term.length > 0);
      var matched = 0, frames = 0;
      (function walk(n, inside) {
        var hit = term && n.name.toLowerCase().indexOf(term) >= 0;
        if (hit) frames++;
        if (hit && !inside) matched += n.value;
        n.children.forEach(function (c) { walk(c, inside || hit); });
      })(top, false);
      status.textContent = term ? frames + ' frames match: ' + amount(matched, fl.unit) + ', ' + pct(matched, top.value) + ' of total'
                                : 'total ' + amount(top.value, fl.unit);
      draw(zoomed);
    }
    search.addEventListener('input', searchNow);
    reset.addEventListener('click', function () { draw(top); });
    draw(top);
    return s;
  }
  if (data.goroutine_flame && data.goroutine_flame.nodes && data.goroutine_flame.nodes.length > 1)
    flameGraph('Goroutines', data.goroutine_flame, null);
  if (data.heap_flame && data.heap_flame.nodes && data.heap_flame.nodes.length === 1)
    add(card(data.command === 'top' ? 'Flame graph' : 'Heap', String(data.heap_flame.label || '') + '.'),
        el('p', 'empty', 'Nothing to draw: no stack holds more than it did.'));
  if (data.heap_flame && data.heap_flame.nodes && data.heap_flame.nodes.length > 1) {
    var heapMarks = {};
    findings.forEach(function (f) {
      if (f.site && !f.stack && num(f.bytes) && !heapMarks[f.site.function]) heapMarks[String(f.site.function)] = f.rank;
    });
    flameGraph(data.command === 'top' ? 'Flame graph' : 'Heap', data.heap_flame, heapMarks);
  }

  /* ---- top: the table ---- */
  if (Array.isArray(report.rows)) {
    var ts = card('Top', String(report.sample_type || '') + ' of ' + String(report.profile || '') +
      ', total ' + amount(report.total, report.unit) + (report.dropped_nodes ? ', ' + report.dropped_nodes + ' nodes dropped' : ''));
    var tt = add(ts, el('table'));
    var hr = add(tt, el('tr'));
    ['flat', 'flat%', 'sum%', 'cum', 'cum%', 'function'].forEach(function (h, i) { add(hr, el('th', i < 5 ? 'num' : null, h)); });
    var sum = 0;
    report.rows.slice(0, 60).forEach(function (r) {
      sum += r.flat;
      var tr = add(tt, el('tr'));
      add(tr, el('td', 'num', amount(r.flat, report.unit)));
      add(tr, el('td', 'num', pct(r.flat, report.total)));
      add(tr, el('td', 'num', pct(sum, report.total)));
      add(tr, el('td', 'num', amount(r.cum, report.unit)));
      add(tr, el('td', 'num', pct(r.cum, report.total)));
      add(tr, el('td', 'mono', r.name + (r.inline ? ' (' + r.inline + ')' : '')));
    });
  }

  /* ---- 4. growth charts ---- */
  function niceStep(range) {
    var raw = range / 4, p = Math.pow(10, Math.floor(Math.log10(raw || 1))), m = raw / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10) * p;
  }
  function chart(parent, title, lines, isBytes, opt) {
    var box = add(parent, el('div', 'chart'));
    add(box, el('h3', null, title));
    var W = 580, H = 250, L = 70, R = 18, T = 22, B = 30;
    function isTimed(l) { return l.points.every(function (p) { return num(p.time_unix_ns); }); }
    var timed = isTimed(lines[0]);
    lines = lines.filter(function (l, i) { return !i || isTimed(l) === timed; });
    var xs = [], ys = [0];
    lines.forEach(function (l) {
      l.points.forEach(function (p, i) { xs.push(timed ? p.time_unix_ns : i); if (num(p.value)) ys.push(p.value); });
    });
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
    var marks = timed ? (opt.marks || []) : [];
    marks.forEach(function (m) { if (m.t >= x0 - (x1 - x0) && m.t < x0) x0 = m.t; });
    var fc = timed ? opt.forecast : null, fcEnd = null;
    if (fc) {
      var span = Math.max(x1 - x0, 1);
      var end = num(fc.moment_unix_ns) ? Math.min(fc.moment_unix_ns, x1 + span) : x1 + span * 0.5;
      if (end > x1) x1 = end;
      fcEnd = { t: end, v: fc.current_bytes + fc.bytes_per_second * (end - fc.last_observation_unix_ns) / 1e9 };
      ys.push(fcEnd.v);
      if (fc.limit_bytes <= Math.max.apply(null, ys) * 1.25) ys.push(fc.limit_bytes);
    }
    if (x1 === x0) x1 = x0 + 1;
    var y1 = Math.max.apply(null, ys) * 1.08 || 1;
    function X(v) { return L + (W - L - R) * (v - x0) / (x1 - x0); }
    function Y(v) { return T + (H - T - B) * (1 - v / y1); }
    var g = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img' });
    g.appendChild(svg('title', {}, title));
    var step = niceStep(y1);
    for (var v = 0; v <= y1; v += step) {
      g.appendChild(svg('line', { x1: L, x2: W - R, y1: Y(v).toFixed(1), y2: Y(v).toFixed(1), 'class': 'grid', stroke: '#e3e6ec' }));
      g.appendChild(svg('text', { x: L - 6, y: (Y(v) + 3.5).toFixed(1), 'text-anchor': 'end', 'class': 'tick' }, isBytes ? bytes(v) : count(v)));
    }
    var nt = 5;
    for (var i = 0; i <= nt; i++) {
      var xv = x0 + (x1 - x0) * i / nt;
      if (!timed && Math.round(xv) !== xv) continue;
      g.appendChild(svg('text', { x: X(xv).toFixed(1), y: H - 10, 'text-anchor': i === 0 ? 'start' : i === nt ? 'end' : 'middle', 'class': 'tick' },
        timed ? clock(xv) : 'snapshot ' + (xv + 1)));
    }
    g.appendChild(svg('line', { x1: L, x2: W - R, y1: Y(0), y2: Y(0), stroke: '#9aa1ad' }));
    lines.forEach(function (l, li) {
      var pts = l.points.map(function (p, i) { return X(timed ? p.time_unix_ns : i).toFixed(1) + ',' + Y(p.value).toFixed(1); });
      g.appendChild(svg('polyline', { points: pts.join(' '), 'class': 'line' + (li ? ' alt' : '') }));
      if (!li) l.points.forEach(function (p, i) {
        var dot = svg('circle', { cx: X(timed ? p.time_unix_ns : i).toFixed(1), cy: Y(p.value).toFixed(1), r: 2.6, 'class': 'dot' });
        dot.appendChild(svg('title', {}, (timed ? when(p.time_unix_ns) + ': ' : '') + (isBytes ? bytes(p.value) : count(p.value))));
        g.appendChild(dot);
      });
    });
    marks.forEach(function (m, mi) {
      if (m.t < x0 || m.t > x1) return;
      var mx = X(m.t).toFixed(1);
      g.appendChild(svg('line', { x1: mx, x2: mx, y1: T - 8, y2: H - B, 'class': m.cls }));
      var text = m.label.length > 44 ? m.label.slice(0, 43) + '…' : m.label;
      var anchor = X(m.t) > W * 0.6 ? 'end' : 'start';
      var t = svg('text', { x: (X(m.t) + (anchor === 'end' ? -4 : 4)).toFixed(1), y: T - 10 + 12 * (mi + 1), 'text-anchor': anchor, 'class': m.cls + '-label' }, text);
      t.appendChild(svg('title', {}, m.label));
      g.appendChild(t);
    });
    if (fc && fcEnd) {
      g.appendChild(svg('line', { x1: X(fc.last_observation_unix_ns).toFixed(1), y1: Y(fc.current_bytes).toFixed(1),
        x2: X(fcEnd.t).toFixed(1), y2: Y(Math.min(fcEnd.v, y1)).toFixed(1), 'class': 'forecast' }));
      if (fc.limit_bytes <= y1) {
        g.appendChild(svg('line', { x1: L, x2: W - R, y1: Y(fc.limit_bytes).toFixed(1), y2: Y(fc.limit_bytes).toFixed(1), 'class': 'limit' }));
        g.appendChild(svg('text', { x: L + 4, y: (Y(fc.limit_bytes) - 4).toFixed(1), 'class': 'limit-label' }, 'limit ' + bytes(fc.limit_bytes)));
      }
    }
    box.appendChild(g);
    if (lines.length > 1) add(box, el('div', 'series-key', 'solid: ' + lines[0].name + '; dashed: ' + lines[1].name));
    if (opt.caption) add(box, el('p', 'caption', opt.caption));
  }
  function seriesOf(key) {
    var s = report.series && report.series[key];
    return Array.isArray(s) && s.length > 1 ? s : null;
  }
  var marks = [];
  if (report.change && report.change.event)
    marks.push({ t: report.change.event.time_unix_ns, cls: 'event', label: String(report.change.event.kind) + ': ' + String(report.change.event.description) });
  if (report.change && report.change.found && num(report.change.time_unix_ns))
    marks.push({ t: report.change.time_unix_ns, cls: 'began', label: 'growth began' });
  var gSeries = seriesOf('watched_goroutines') || seriesOf('goroutines');
  if (!gSeries && data.command === 'goroutines' && Array.isArray(report.inputs) && report.inputs.length > 1)
    gSeries = report.inputs.map(function (i) { return { time_unix_ns: null, value: i.goroutines }; });
  var hLines = [];
  var hs = seriesOf('heap_inuse_bytes'), ms = seriesOf('watched_heap_inuse_bytes') || seriesOf('memstats_heap_inuse_bytes');
  if (hs) hLines.push({ name: 'sum of the heap profile', points: hs });
  if (ms) hLines.push({ name: 'MemStats HeapInuse', points: ms });
  if (gSeries || hLines.length) {
    var cs = card('Growth', 'Over the snapshots, in UTC. Dashed red: the change closest before the climb; dotted: where growth began' +
      (report.forecast && report.forecast.available ? '; the red dashed slope is the OOM forecast.' : '.'));
    var grid = add(cs, el('div', 'charts'));
    if (gSeries) chart(grid, 'Goroutines', [{ name: 'goroutines', points: gSeries }], false, { marks: marks });
    if (hLines.length) {
      var fc = report.forecast && report.forecast.available ? report.forecast : null;
      var cap = null;
      if (report.forecast) {
        if (!fc) cap = 'No OOM forecast: ' + String(report.forecast.why_not || '');
        else if (fc.seconds_to_limit === null) cap = 'Forecast: not growing toward the limit of ' + bytes(fc.limit_bytes) + '.';
        else if (fc.seconds_to_limit <= 0) cap = 'Forecast: already past the limit of ' + bytes(fc.limit_bytes) + '.';
        else cap = 'Forecast: ' + bytes(fc.limit_bytes) + ' reached in about ' + duration(fc.seconds_to_limit) +
          (num(fc.moment_unix_ns) ? ', at ' + when(fc.moment_unix_ns) : '') + ' (' + bytes(fc.bytes_per_second) + '/s, ' + String(fc.series) + ').';
      }
      if (fc && !(fc.seconds_to_limit > 0)) fc = null;
      chart(grid, 'Heap in use', hLines, true, { marks: marks, forecast: fc, caption: cap });
    }
  }

  /* ---- 5. escapes ---- */
  if (report.escapes && Array.isArray(report.escapes.findings) && report.escapes.findings.length) {
    var es = card('Heap escapes', report.escapes.summary || null);
    var et = add(es, el('table'));
    var eh = add(et, el('tr'));
    ['#', 'cause', 'site', 'allocated', 'what the compiler said'].forEach(function (h, i) { add(eh, el('th', i === 3 ? 'num' : null, h)); });
    report.escapes.findings.slice(0, 200).forEach(function (f) {
      var tr = add(et, el('tr'));
      add(tr, el('td', null, f.rank));
      add(tr, el('td', 'nowrap', (f.evidence && f.evidence.cause) || f.category));
      add(tr, el('td', 'mono', siteText(f.site)));
      add(tr, el('td', 'num', num(f.bytes) ? bytes(f.bytes) : ''));
      add(tr, el('td', null, f.title));
    });
  }

  /* ---- 6. inventory ---- */
  if (Array.isArray(report.inputs) && report.inputs.length) {
    var is = card('Files read', null);
    var det = add(is, el('details'));
    add(det, el('summary', null, report.inputs.length + (report.inputs.length === 1 ? ' file' : ' files') + ': what each is and when it was taken'));
    var it = add(det, el('table'));
    var ih = add(it, el('tr'));
    ['file', 'kind', 'time', 'notes'].forEach(function (h) { add(ih, el('th', null, h)); });
    report.inputs.forEach(function (i) {
      var tr = add(it, el('tr'));
      add(tr, el('td', 'mono', i.name));
      add(tr, el('td', null, i.kind));
      add(tr, el('td', null, num(i.time_unix_ns) ? when(i.time_unix_ns) + ' (' + String(i.time_source) + ')' :
        num(i.goroutines) ? count(i.goroutines) + ' goroutines' : 'no time'));
      add(tr, el('td', null, [i.reason, i.reading, i.detail].filter(Boolean).join('; ')));
    });
    if (Array.isArray(report.notes) && report.notes.length) {
      var ul = add(det, el('ul', 'notes'));
      report.notes.forEach(function (n) { add(ul, el('li', null, n)); });
    }
  }
  add(app, el('footer', null, 'gomemdx ' + String(data.command || '') + ' report. Self-contained: this page loads nothing.'));
  root.dataset.rendered = 'ok';
})();
