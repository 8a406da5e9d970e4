/* report.js - draws the HTML report from its JSON data block (see
 * report/html.c). Every string from the report reaches the page through
 * textContent, an attribute value or an Option's text: never as markup. */
'use strict';
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var findings = data.findings || [];
  var summary = data.summary || {};
  var SEVERITIES = ['critical', 'high', 'medium', 'low'];
  var RANK = { critical: 3, high: 2, medium: 1, low: 0 };
  var PAGE = 500;
  var SVG = 'http://www.w3.org/2000/svg';

  /* An element with an optional class and text. */
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function svgEl(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    return e;
  }
  function str(v) { return v === undefined || v === null ? '' : String(v); }
  function bytes(n) {
    var units = ['B', 'kB', 'MB', 'GB', 'TB'], i = 0;
    n = Number(n) || 0;
    while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
    return (i ? n.toFixed(1) : String(n)) + ' ' + units[i];
  }
  function count(n) { return (Number(n) || 0).toLocaleString('en'); }
  /* Control characters of a path or name, as the text format prints them. */
  function printable(s) {
    return str(s).replace(/[\u0000-\u001f\u007f]/g, function (c) {
      return '\\x' + ('0' + c.charCodeAt(0).toString(16)).slice(-2);
    });
  }
  function provider(f) { return str(f.rule_id).split('-')[0] || '(unknown)'; }
  function shortId(id) { return str(id).slice(0, 12); }
  function dateOnly(d) { return str(d).slice(0, 10); }

  /* Precomputed per finding: index, sort keys, the text the filter sees. */
  findings.forEach(function (f, i) {
    f._i = i;
    f._time = f.date ? Date.parse(f.date) : NaN;
    if (isNaN(f._time)) f._time = -Infinity;
    f._rank = RANK[f.severity] === undefined ? -1 : RANK[f.severity];
    f._text = [f.rule_id, f.rule_name, f.repository, f.path, f.author_name, f.author_email,
               f.commit, f.fingerprint].map(str).join('\n').toLowerCase();
  });

  /* ---- header ------------------------------------------------------ */
  function facts() {
    var repos = data.repositories || [];
    var distinct = {};
    findings.forEach(function (f) { distinct[str(f.repository)] = 1; });
    var rows = [
      ['repositories', count(repos.length || Object.keys(distinct).length || 1)],
      ['commits', count(summary.commits)],
      ['blobs', count(summary.blobs_scanned)],
      ['bytes', bytes(summary.bytes_scanned)],
      ['started', data.started ? str(data.started).replace('T', ' ') : 'unknown'],
      ['duration', (Number(summary.seconds) || 0).toFixed(2) + ' s'],
      ['leakgate', str(data.leakgate_version)],
      ['rule pack', data.rules_hash ? shortId(data.rules_hash) : 'unknown'],
      ['findings', count(findings.length)]
    ];
    if (summary.refs !== undefined) rows.splice(1, 0, ['refs', count(summary.refs)]);
    if (summary.baselined) rows.push(['in the baseline', count(summary.baselined)]);
    if (summary.ignored) rows.push(['ignored', count(summary.ignored)]);
    if (summary.blobs_skipped) rows.push(['blobs skipped', count(summary.blobs_skipped)]);
    if (data.secrets_shown) rows.push(['secrets', 'shown in full']);
    var dl = document.getElementById('scan-facts');
    rows.forEach(function (r) {
      var d = el('div');
      d.appendChild(el('dt', null, r[0]));
      d.appendChild(el('dd', null, r[1]));
      dl.appendChild(d);
    });
    if (repos.length === 1) document.title = 'leakgate report: ' + printable(repos[0].path);
  }

  /* ---- summary ----------------------------------------------------- */
  /* Horizontal bars: rows of {label, value, cls}. */
  function barChart(rows) {
    var rowH = 22, labelW = 150, barW = 200, max = 1;
    rows.forEach(function (r) { if (r.value > max) max = r.value; });
    var svg = svgEl('svg', { width: labelW + barW + 60, height: rows.length * rowH + 4,
                            role: 'img' });
    rows.forEach(function (r, i) {
      var y = i * rowH + 2;
      var label = svgEl('text', { x: labelW - 6, y: y + 14, 'text-anchor': 'end' });
      var name = printable(r.label);
      label.textContent = name.length > 20 ? '\u2026' + name.slice(-19) : name;
      var title = svgEl('title', {});
      title.textContent = printable(r.label) + ': ' + r.value;
      label.appendChild(title);
      svg.appendChild(label);
      svg.appendChild(svgEl('rect', { x: labelW, y: y + 2, height: rowH - 6,
        width: Math.max(1, Math.round(barW * r.value / max)), 'class': r.cls || 'bar' }));
      var v = svgEl('text', { x: labelW + Math.round(barW * r.value / max) + 6, y: y + 14 });
      v.textContent = String(r.value);
      svg.appendChild(v);
    });
    return svg;
  }
  function tally(key) {
    var m = {};
    findings.forEach(function (f) { var k = key(f); m[k] = (m[k] || 0) + 1; });
    return Object.keys(m).map(function (k) { return { label: k, value: m[k] }; })
      .sort(function (a, b) { return b.value - a.value || (a.label < b.label ? -1 : 1); });
  }
  function empty(fig, text) { fig.appendChild(el('p', 'empty', text || 'none')); }

  /* Vertical bars by month of introduction (by year past ten years). */
  function timeline(fig) {
    var months = {};
    findings.forEach(function (f) {
      var m = str(f.date).slice(0, 7);
      if (/^\d{4}-\d{2}$/.test(m)) months[m] = (months[m] || 0) + 1;
    });
    var keys = Object.keys(months).sort();
    if (!keys.length) return empty(fig, 'no dates (not a git history)');
    var first = keys[0].split('-').map(Number), last = keys[keys.length - 1].split('-').map(Number);
    var span = (last[0] - first[0]) * 12 + last[1] - first[1] + 1, buckets = [];
    if (span <= 120) {
      for (var i = 0; i < span; i++) {
        var y = first[0] + Math.floor((first[1] - 1 + i) / 12), mo = (first[1] - 1 + i) % 12 + 1;
        var k = y + '-' + (mo < 10 ? '0' : '') + mo;
        buckets.push({ label: k, value: months[k] || 0 });
      }
    } else {
      for (var yr = first[0]; yr <= last[0]; yr++) {
        var n = 0;
        keys.forEach(function (k) { if (Number(k.slice(0, 4)) === yr) n += months[k]; });
        buckets.push({ label: String(yr), value: n });
      }
    }
    var W = 340, H = 120, max = 1, bw = Math.max(1, Math.floor((W - 10) / buckets.length));
    buckets.forEach(function (b) { if (b.value > max) max = b.value; });
    var svg = svgEl('svg', { width: W, height: H + 34, role: 'img' });
    buckets.forEach(function (b, i) {
      var h = Math.round(H * b.value / max);
      var r = svgEl('rect', { x: 5 + i * bw, y: H - h + 4, width: Math.max(1, bw - 1),
                              height: h, 'class': 'bar' });
      var t = svgEl('title', {});
      t.textContent = b.label + ': ' + b.value;
      r.appendChild(t);
      svg.appendChild(r);
    });
    var a = svgEl('text', { x: 5, y: H + 22 });
    a.textContent = buckets[0].label;
    var z = svgEl('text', { x: W - 5, y: H + 22, 'text-anchor': 'end' });
    z.textContent = buckets[buckets.length - 1].label;
    svg.appendChild(a);
    svg.appendChild(z);
    fig.appendChild(svg);
  }

  function findingLine(f) {
    return dateOnly(f.date) + '  ' + str(f.rule_id) + '  ' + printable(f.path) + ':' + str(f.line);
  }

  function summaryCards() {
    var sev = SEVERITIES.map(function (s) {
      return { label: s, value: findings.filter(function (f) { return f.severity === s; }).length,
               cls: 'sev-' + s };
    });
    var fig = document.getElementById('by-severity');
    if (findings.length) fig.appendChild(barChart(sev)); else empty(fig, 'no findings');
    fig = document.getElementById('by-provider');
    var prov = tally(provider).slice(0, 12);
    if (prov.length) fig.appendChild(barChart(prov)); else empty(fig, 'no findings');
    timeline(document.getElementById('timeline'));
    fig = document.getElementById('top-repositories');
    var repos = tally(function (f) { return str(f.repository) || '(no repository)'; }).slice(0, 10);
    if (repos.length) fig.appendChild(barChart(repos)); else empty(fig, 'no findings');
    fig = document.getElementById('newest');
    var newest = findings.filter(function (f) { return f._time > -Infinity; })
      .sort(function (a, b) { return b._time - a._time; }).slice(0, 10);
    if (newest.length) {
      var ol = el('ol', 'list');
      newest.forEach(function (f) { ol.appendChild(el('li', null, findingLine(f))); });
      fig.appendChild(ol);
    } else {
      empty(fig, 'no dated findings');
    }
    /* With --baseline or --state the report holds only what is new. */
    if (summary.baselined || summary.incremental) {
      fig = document.getElementById('new-in-run');
      fig.hidden = false;
      var why = summary.incremental ? 'in what changed since the last run (--state)'
                                    : 'not in the baseline (' + count(summary.baselined) + ' known)';
      fig.appendChild(el('p', 'new', count(findings.length) + ' new finding' +
                         (findings.length === 1 ? '' : 's') + ' ' + why));
      var list = el('ol', 'list');
      findings.slice().sort(function (a, b) { return b._rank - a._rank || b._time - a._time; })
        .slice(0, 10).forEach(function (f) { list.appendChild(el('li', null, findingLine(f))); });
      if (findings.length) fig.appendChild(list);
    }
  }

  /* ---- repositories ------------------------------------------------ */
  function repositories() {
    var repos = data.repositories || [];
    if (repos.length < 2 && !repos.some(function (r) { return r.error; })) return;
    var worst = {};
    findings.forEach(function (f) {
      var k = str(f.repository);
      if (worst[k] === undefined || f._rank > worst[k]) worst[k] = f._rank;
    });
    var rows = repos.map(function (r) {
      var w = worst[str(r.path)];
      return { r: r, w: w === undefined ? -1 : w };
    }).sort(function (a, b) {
      return (b.r.error ? 1 : 0) - (a.r.error ? 1 : 0) || b.w - a.w ||
        (b.r.findings || 0) - (a.r.findings || 0) || (a.r.path < b.r.path ? -1 : 1);
    });
    var tbody = document.querySelector('#repo-table tbody');
    rows.forEach(function (x) {
      var tr = el('tr');
      tr.appendChild(el('td', 'path', printable(x.r.path)));
      tr.appendChild(el('td', null, count(x.r.findings)));
      var td = el('td');
      if (x.w >= 0) td.appendChild(el('span', 'sev ' + SEVERITIES[3 - x.w], SEVERITIES[3 - x.w]));
      tr.appendChild(td);
      tr.appendChild(el('td', null, count(x.r.commits)));
      tr.appendChild(el('td', null, count(x.r.blobs_scanned)));
      tr.appendChild(el('td', 'error', str(x.r.error)));
      tbody.appendChild(tr);
    });
    document.getElementById('repositories').hidden = false;
  }

  /* ---- the findings table ----------------------------------------- */
  var hasVerification = findings.some(function (f) { return f.verification; });
  var columns = [
    { key: 'severity', label: 'severity', sort: function (f) { return f._rank; },
      cell: function (td, f) { td.appendChild(el('span', 'sev ' + str(f.severity), f.severity)); } },
    { key: 'rule', label: 'rule', sort: function (f) { return str(f.rule_id); },
      text: function (f) { return f.rule_id; } },
    { key: 'repository', label: 'repository', cls: 'path',
      sort: function (f) { return str(f.repository); },
      text: function (f) { return printable(f.repository); } },
    { key: 'location', label: 'path:line', cls: 'path',
      sort: function (f) { return str(f.path) + '\u0000' + ('0000000000' + f.line).slice(-10); },
      text: function (f) { return printable(f.path) + ':' + str(f.line); } },
    { key: 'commit', label: 'commit', cls: 'mono', sort: function (f) { return str(f.commit); },
      text: function (f) { return shortId(f.commit); } },
    { key: 'author', label: 'author', sort: function (f) { return str(f.author_name); },
      text: function (f) { return printable(f.author_name); } },
    { key: 'date', label: 'introduced', sort: function (f) { return f._time; },
      text: function (f) { return dateOnly(f.date); } },
    { key: 'also_in', label: 'also in',
      sort: function (f) { return (f.also_in || []).length; },
      text: function (f) { return (f.also_in || []).length; } }
  ];
  if (hasVerification)
    columns.push({ key: 'verification', label: 'verified',
      sort: function (f) { return f.verification ? str(f.verification.status) : ''; },
      text: function (f) { return f.verification ? str(f.verification.status) : ''; } });
  columns.push({ key: 'fingerprint', label: 'fingerprint', cls: 'mono',
    sort: function (f) { return str(f.fingerprint); },
    text: function (f) { return f.fingerprint; } });

  var state = { key: 'severity', dir: 'desc', shown: PAGE, rows: [] };
  var tbody = document.querySelector('#finding-table tbody');
  var headRow = document.querySelector('#finding-table thead tr');

  columns.forEach(function (c) {
    var th = el('th', null, c.label);
    th.dataset.key = c.key;
    th.setAttribute('aria-sort', 'none');
    th.addEventListener('click', function () {
      if (state.key === c.key) state.dir = state.dir === 'asc' ? 'desc' : 'asc';
      else { state.key = c.key; state.dir = 'asc'; }
      update();
    });
    headRow.appendChild(th);
  });

  function fillSelect(id, label, values) {
    var s = document.getElementById(id);
    s.appendChild(new Option(label, ''));
    values.forEach(function (v) { s.appendChild(new Option(printable(v.label) + ' (' + v.value + ')', v.label)); });
    s.addEventListener('change', function () { state.shown = PAGE; update(); });
    return s;
  }
  var sevSelect = fillSelect('filter-severity', 'all severities',
    SEVERITIES.map(function (s) {
      return { label: s, value: findings.filter(function (f) { return f.severity === s; }).length };
    }).filter(function (x) { return x.value; }));
  var ruleSelect = fillSelect('filter-rule', 'all rules',
    tally(function (f) { return str(f.rule_id); }).sort(function (a, b) { return a.label < b.label ? -1 : 1; }));
  var repoSelect = fillSelect('filter-repository', 'all repositories',
    tally(function (f) { return str(f.repository); }).sort(function (a, b) { return a.label < b.label ? -1 : 1; }));
  var textInput = document.getElementById('filter-text');
  textInput.addEventListener('input', function () { state.shown = PAGE; update(); });
  var more = document.getElementById('show-more');
  more.addEventListener('click', function () { state.shown += PAGE; render(); });

  function compare(get, dir) {
    return function (a, b) {
      var x = get(a), y = get(b);
      var c = x < y ? -1 : x > y ? 1 : 0;
      return (dir === 'asc' ? c : -c) || a._i - b._i;
    };
  }

  function update() {
    var text = textInput.value.trim().toLowerCase();
    var sev = sevSelect.value, rule = ruleSelect.value, repo = repoSelect.value;
    var col = columns.filter(function (c) { return c.key === state.key; })[0] || columns[0];
    state.rows = findings.filter(function (f) {
      return (!sev || f.severity === sev) && (!rule || str(f.rule_id) === rule) &&
        (!repo || str(f.repository) === repo) && (!text || f._text.indexOf(text) >= 0);
    });
    if (state.key === 'severity' && state.dir === 'desc')
      state.rows.sort(function (a, b) { return b._rank - a._rank || b._time - a._time || a._i - b._i; });
    else
      state.rows.sort(compare(col.sort, state.dir));
    Array.prototype.forEach.call(headRow.children, function (th) {
      th.setAttribute('aria-sort', th.dataset.key === state.key ?
        (state.dir === 'asc' ? 'ascending' : 'descending') : 'none');
    });
    render();
  }

  function render() {
    var frag = document.createDocumentFragment();
    var n = Math.min(state.rows.length, state.shown);
    for (var i = 0; i < n; i++) frag.appendChild(row(state.rows[i]));
    tbody.textContent = '';
    tbody.appendChild(frag);
    document.getElementById('shown-count').textContent = 'showing ' + count(n) + ' of ' +
      count(state.rows.length) + (state.rows.length === findings.length ? '' :
      ' (' + count(findings.length) + ' in all)');
    more.hidden = n >= state.rows.length;
  }

  function row(f) {
    var tr = el('tr', 'finding');
    tr.dataset.index = String(f._i);
    columns.forEach(function (c) {
      var td = el('td', 'c-' + c.key + (c.cls ? ' ' + c.cls : ''));
      if (c.cell) c.cell(td, f); else td.textContent = str(c.text(f));
      tr.appendChild(td);
    });
    return tr;
  }

  /* A ready-to-paste .leakgateignore line: the fingerprint, and as a
   * comment what it is (no newline can slip in from the path). */
  function ignoreLine(f) {
    return str(f.fingerprint) + '  # ' + str(f.rule_id) + ' ' +
      printable(f.path).replace(/\s+/g, ' ') + ':' + str(f.line);
  }

  function detail(f) {
    var tr = el('tr', 'detail');
    var td = el('td');
    td.colSpan = columns.length;
    var dl = el('dl');
    function item(term, node) {
      dl.appendChild(el('dt', null, term));
      var dd = el('dd');
      if (typeof node === 'string') dd.textContent = node; else dd.appendChild(node);
      dl.appendChild(dd);
    }
    item('rule', str(f.rule_name) + ' (' + str(f.rule_id) + '), confidence ' + str(f.confidence));
    item('secret', el('code', null, str(f.secret)));
    if (f.excerpt !== undefined) item('line', el('pre', 'excerpt', f.excerpt));
    item('where', printable(f.path) + ':' + str(f.line) + ':' + str(f.column) +
         (f.binary ? ' (binary file)' : ''));
    if (f.commit) item('commit', str(f.commit) + '  ' + printable(f.author_name) + ' <' +
                       printable(f.author_email) + '>  ' + str(f.date));
    if (f.decoded) item('decoded', str(f.decoded));
    if (f.unconfirmed) item('unconfirmed', str(f.unconfirmed));
    (f.secret_parts || []).forEach(function (p) { item('part ' + str(p.name), el('code', null, str(p.secret))); });
    if (f.verification) item('verification', str(f.verification.status) +
      (f.verification.http_status ? ' (HTTP ' + f.verification.http_status + ')' : '') +
      (f.verification.identity ? ', ' + str(f.verification.identity) : ''));
    item('what to do', str(f.remediation) ||
         'Rotate the credential with its provider, then remove it from the history.');
    item('.leakgateignore', el('code', 'ignore-line', ignoreLine(f)));
    var also = f.also_in || [];
    if (also.length) {
      var ol = el('ol', 'list');
      also.slice(0, 50).forEach(function (l) {
        ol.appendChild(el('li', null, printable(l.path) + (l.commit ? ' (' + shortId(l.commit) + ')' : '')));
      });
      if (also.length > 50) ol.appendChild(el('li', null, 'and ' + (also.length - 50) + ' more'));
      item('also in', ol);
    }
    td.appendChild(dl);
    tr.appendChild(td);
    return tr;
  }

  tbody.addEventListener('click', function (ev) {
    var tr = ev.target.closest('tr.finding');
    if (!tr) return;
    var next = tr.nextSibling;
    if (next && next.className === 'detail') { tbody.removeChild(next); return; }
    tbody.insertBefore(detail(findings[Number(tr.dataset.index)]), next);
  });

  facts();
  repositories();
  summaryCards();
  update();
  document.body.dataset.ready = 'true';
})();
