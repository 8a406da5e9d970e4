/* report.js - draws the HTML report from its data block (see report/html.c
 * and lg_report__html_data in report/json.c). Every string from the report
 * reaches the page through textContent, an attribute value or an Option's
 * text: never as markup.
 *
 * The data is columnar (one array a field; rules and repeated strings in
 * tables the columns index), and the findings table is virtual: only the
 * rows in view (and a few around them) are in the document, between two
 * spacer rows that stand for the others, so a report of 10,000 findings
 * opens as fast as one of 50. Rows are all one line high; an opened row's
 * details take the height they measure. */
'use strict';
(function () {
  performance.mark('leakgate-script');
  var data = JSON.parse(document.getElementById('report-data').textContent);
  performance.mark('leakgate-parsed');
  var F = data.findings || { count: 0 };
  var N = F.count || 0;
  var RULES = data.rules || [];
  var STR = data.strings || [];
  var EXTRA = F.extra || {};
  var summary = data.summary || {};
  var SEVERITIES = ['critical', 'high', 'medium', 'low'];
  var RANK = { critical: 3, high: 2, medium: 1, low: 0 };
  var SVG = 'http://www.w3.org/2000/svg';
  var OVERSCAN = 12;
  var REPO_ROWS = 25;

  /* An element with an optional class and text. */
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function svgEl(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    for (var k in attrs) e.setAttribute(k, String(attrs[k]));
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
  var CONTROL = /[\u0000-\u001f\u007f]/g;
  function printable(s) {
    s = str(s);
    return s.search(CONTROL) < 0 ? s : s.replace(CONTROL, function (c) {
      return '\\x' + ('0' + c.charCodeAt(0).toString(16)).slice(-2);
    });
  }
  function shortId(id) { return str(id).slice(0, 12); }

  /* ---- the columns, and per-finding accessors ----------------------- */
  function col(name) { return F[name] || []; }
  var cRule = col('rule'), cRepo = col('repository'), cCommit = col('commit');
  var cAuthor = col('author_name'), cEmail = col('author_email'), cLine = col('line');
  var cColumn = col('column'), cTime = col('time'), cPath = col('path'), cDate = col('date');
  var cFp = col('fingerprint'), cSecret = col('secret'), cExcerpt = col('excerpt');
  var cAlso = col('also_in');
  function s(column, i) { var x = column[i]; return x === undefined || x < 0 ? null : STR[x]; }
  function rule(i) { return RULES[cRule[i]] || {}; }
  function repo(i) { return s(cRepo, i); }
  function commit(i) { return s(cCommit, i); }
  function author(i) { return s(cAuthor, i); }
  function date(i) { return cDate[i] || null; }
  function extra(i) { return EXTRA[i] || {}; }
  function also(i) { return cAlso[i] || []; }
  var ruleRank = RULES.map(function (r) { return RANK[r.severity] === undefined ? -1 : RANK[r.severity]; });
  function rank(i) { var r = ruleRank[cRule[i]]; return r === undefined ? -1 : r; }
  /* Seconds since the epoch, -Infinity without a date (sorts first). */
  function time(i) { var t = cTime[i]; return typeof t === 'number' ? t : -Infinity; }
  function provider(i) { return str(rule(i).id).split('-')[0] || '(unknown)'; }
  function dateOnly(i) { return str(date(i)).slice(0, 10); }

  /* Counts by key(i), most first (then by name). */
  function tally(key) {
    var m = Object.create(null);
    for (var i = 0; i < N; i++) { var k = key(i); m[k] = (m[k] || 0) + 1; }
    return Object.keys(m).map(function (k) { return { label: k, value: m[k] }; })
      .sort(function (a, b) { return b.value - a.value || (a.label < b.label ? -1 : 1); });
  }
  function bySeverity() {
    var n = [0, 0, 0, 0];
    for (var i = 0; i < N; i++) { var r = rank(i); if (r >= 0) n[3 - r]++; }
    return SEVERITIES.map(function (sv, k) { return { label: sv, value: n[k], cls: 'sev-' + sv }; });
  }

  /* ---- header ------------------------------------------------------ */
  function facts() {
    var repos = data.repositories || [];
    var distinct = Object.create(null);
    for (var i = 0; i < N; i++) distinct[cRepo[i]] = 1;
    var rows = [['repositories', count(repos.length || Object.keys(distinct).length || 1)]];
    if (summary.refs !== undefined) rows.push(['refs', count(summary.refs)]);
    rows.push(
      ['commits', count(summary.commits)],
      ['blobs', count(summary.blobs_scanned)],
      ['bytes', bytes(summary.bytes_scanned)],
      ['started', data.started ? str(data.started).replace('T', ' ') : 'unknown'],
      ['duration', (Number(summary.seconds) || 0).toFixed(2) + ' s'],
      ['leakgate', str(data.leakgate_version)],
      ['rule pack', data.rules_hash ? shortId(data.rules_hash) : 'unknown'],
      ['findings', count(N)]);
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
      title.textContent = name + ': ' + r.value;
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
  function empty(fig, text) { fig.appendChild(el('p', 'empty', text || 'none')); }

  /* Vertical bars by month of introduction (by year past ten years). */
  function timeline(fig) {
    var months = Object.create(null);
    for (var i = 0; i < N; i++) {
      var m = str(date(i)).slice(0, 7);
      if (/^\d{4}-\d{2}$/.test(m)) months[m] = (months[m] || 0) + 1;
    }
    var keys = Object.keys(months).sort();
    if (!keys.length) return empty(fig, 'no dates (not a git history)');
    var first = keys[0].split('-').map(Number), last = keys[keys.length - 1].split('-').map(Number);
    var span = (last[0] - first[0]) * 12 + last[1] - first[1] + 1, buckets = [];
    if (span <= 120) {
      for (var b = 0; b < span; b++) {
        var y = first[0] + Math.floor((first[1] - 1 + b) / 12), mo = (first[1] - 1 + b) % 12 + 1;
        var k = y + '-' + (mo < 10 ? '0' : '') + mo;
        buckets.push({ label: k, value: months[k] || 0 });
      }
    } else {
      var years = Object.create(null);
      keys.forEach(function (k) { years[k.slice(0, 4)] = (years[k.slice(0, 4)] || 0) + months[k]; });
      for (var yr = first[0]; yr <= last[0]; yr++)
        buckets.push({ label: String(yr), value: years[yr] || 0 });
    }
    var W = 340, H = 120, max = 1, bw = Math.max(1, Math.floor((W - 10) / buckets.length));
    buckets.forEach(function (x) { if (x.value > max) max = x.value; });
    var svg = svgEl('svg', { width: W, height: H + 34, role: 'img' });
    buckets.forEach(function (x, n) {
      var h = Math.round(H * x.value / max);
      var r = svgEl('rect', { x: 5 + n * bw, y: H - h + 4, width: Math.max(1, bw - 1),
                              height: h, 'class': 'bar' });
      var t = svgEl('title', {});
      t.textContent = x.label + ': ' + x.value;
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

  function findingLine(i) {
    return dateOnly(i) + '  ' + str(rule(i).id) + '  ' + printable(cPath[i]) + ':' + str(cLine[i]);
  }
  /* The first `n` findings by `better(a, b) > 0`, without sorting them all. */
  function top(n, keep, better) {
    var best = [];
    for (var i = 0; i < N; i++) {
      if (!keep(i)) continue;
      if (best.length === n && better(i, best[n - 1]) <= 0) continue;
      var at = best.length < n ? best.length : n - 1;
      while (at > 0 && better(i, best[at - 1]) > 0) { best[at] = best[at - 1]; at--; }
      best[at] = i;
    }
    return best;
  }
  function list(fig, items) {
    var ol = el('ol', 'list');
    items.forEach(function (i) { ol.appendChild(el('li', null, findingLine(i))); });
    fig.appendChild(ol);
  }

  function summaryCards() {
    var fig = document.getElementById('by-severity');
    if (N) fig.appendChild(barChart(bySeverity())); else empty(fig, 'no findings');
    fig = document.getElementById('by-provider');
    var prov = tally(provider).slice(0, 12);
    if (prov.length) fig.appendChild(barChart(prov)); else empty(fig, 'no findings');
    timeline(document.getElementById('timeline'));
    fig = document.getElementById('top-repositories');
    var repos = tally(function (i) { return str(repo(i)) || '(no repository)'; }).slice(0, 10);
    if (repos.length) fig.appendChild(barChart(repos)); else empty(fig, 'no findings');
    fig = document.getElementById('newest');
    var newest = top(10, function (i) { return time(i) > -Infinity; },
                     function (a, b) { return time(a) - time(b) || b - a; });
    if (newest.length) list(fig, newest); else empty(fig, 'no dated findings');
    /* With --baseline or --state the report holds only what is new. */
    if (summary.baselined || summary.incremental) {
      fig = document.getElementById('new-in-run');
      fig.hidden = false;
      var why = summary.incremental ? 'in what changed since the last run (--state)'
                                    : 'not in the baseline (' + count(summary.baselined) + ' known)';
      fig.appendChild(el('p', 'new', count(N) + ' new finding' + (N === 1 ? '' : 's') + ' ' + why));
      if (N) list(fig, top(10, function () { return true; }, function (a, b) {
        return rank(a) - rank(b) || time(a) - time(b) || b - a;
      }));
    }
  }

  /* ---- repositories ------------------------------------------------ */
  function repositories() {
    var repos = data.repositories || [];
    if (repos.length < 2 && !repos.some(function (r) { return r.error; })) return;
    var worst = Object.create(null);
    for (var i = 0; i < N; i++) {
      var k = str(repo(i));
      if (worst[k] === undefined || rank(i) > worst[k]) worst[k] = rank(i);
    }
    var rows = repos.map(function (r) {
      var w = worst[str(r.path)];
      return { r: r, w: w === undefined ? -1 : w };
    }).sort(function (a, b) {
      return (b.r.error ? 1 : 0) - (a.r.error ? 1 : 0) || b.w - a.w ||
        (b.r.findings || 0) - (a.r.findings || 0) || (a.r.path < b.r.path ? -1 : 1);
    });
    var tbody = document.querySelector('#repo-table tbody');
    /* The worst first; a long fleet's others behind a button, so that the
     * page does not lay out a thousand rows before anyone asks for them. */
    var more = document.getElementById('repo-more');
    if (rows.length > REPO_ROWS) {
      more.textContent = 'show all ' + count(rows.length) + ' repositories';
      more.hidden = false;
      more.addEventListener('click', function () {
        more.hidden = true;
        tbody.textContent = '';
        tbody.appendChild(repoRows(rows));
      });
    }
    tbody.appendChild(repoRows(rows.slice(0, REPO_ROWS)));
    document.getElementById('repositories').hidden = false;
  }
  function repoRows(rows) {
    var frag = document.createDocumentFragment();
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
      frag.appendChild(tr);
    });
    return frag;
  }

  /* ---- the findings table: columns ---------------------------------- */
  /* A column's sort key is computed once for all findings, when first
   * sorted by: numbers, or strings replaced by their rank in a sorted list
   * of the distinct values, so a sort compares numbers only. */
  function ranks(get) {
    var v = new Array(N), seen = Object.create(null), distinct = [];
    for (var i = 0; i < N; i++) {
      v[i] = get(i);
      if (!(v[i] in seen)) { seen[v[i]] = 0; distinct.push(v[i]); }
    }
    distinct.sort();
    distinct.forEach(function (d, k) { seen[d] = k; });
    var out = new Float64Array(N);
    for (var j = 0; j < N; j++) out[j] = seen[v[j]];
    return out;
  }
  function numbers(get) {
    var out = new Float64Array(N);
    for (var i = 0; i < N; i++) out[i] = get(i);
    return out;
  }
  var hasVerification = false;
  for (var x in EXTRA) if (EXTRA[x].verification) { hasVerification = true; break; }
  var COLUMNS = [
    { key: 'severity', label: 'severity', key_of: function () { return numbers(rank); } },
    { key: 'rule', label: 'rule', text: function (i) { return rule(i).id; },
      key_of: function () { return ranks(function (i) { return str(rule(i).id); }); } },
    { key: 'repository', label: 'repository', cls: 'path',
      text: function (i) { return printable(repo(i)); },
      key_of: function () { return ranks(function (i) { return str(repo(i)); }); } },
    { key: 'location', label: 'path:line', cls: 'path',
      text: function (i) { return printable(cPath[i]) + ':' + str(cLine[i]); },
      key_of: function () {
        return ranks(function (i) { return str(cPath[i]) + '\u0000' + ('0000000000' + cLine[i]).slice(-10); });
      } },
    { key: 'commit', label: 'commit', cls: 'mono', text: function (i) { return shortId(commit(i)); },
      key_of: function () { return ranks(function (i) { return str(commit(i)); }); } },
    { key: 'author', label: 'author', text: function (i) { return printable(author(i)); },
      key_of: function () { return ranks(function (i) { return str(author(i)); }); } },
    { key: 'date', label: 'introduced', text: dateOnly, key_of: function () { return numbers(time); } },
    { key: 'also_in', label: 'also in', text: function (i) { return also(i).length; },
      key_of: function () { return numbers(function (i) { return also(i).length; }); } }
  ];
  function verification(i) { var v = extra(i).verification; return v ? str(v.status) : ''; }
  if (hasVerification)
    COLUMNS.push({ key: 'verification', label: 'verified', text: verification,
      key_of: function () { return ranks(verification); } });
  COLUMNS.push({ key: 'fingerprint', label: 'fingerprint', cls: 'mono',
    text: function (i) { return cFp[i]; },
    key_of: function () { return ranks(function (i) { return str(cFp[i]); }); } });
  COLUMNS.forEach(function (c) { c.td = 'c-' + c.key + (c.cls ? ' ' + c.cls : ''); });

  /* ---- the findings table: state ------------------------------------ */
  var state = {
    key: 'severity', dir: 'desc',
    rows: [],            /* finding indexes shown, in order */
    open: Object.create(null),   /* finding index -> its details' height (px), once opened */
    openAt: [],          /* [row position, height] of the opened rows shown, by position */
    first: -1, last: -1  /* the rows in the document: [first, last) */
  };
  var ROW_H = 0;         /* measured from the first row drawn */
  var scroller = document.getElementById('finding-scroll');
  var table = document.getElementById('finding-table');
  var tbody = table.querySelector('tbody');
  var headRow = table.querySelector('thead tr');
  var sortKeys = Object.create(null);
  var filterText = null; /* lower-cased text of each finding, made when first filtered */

  COLUMNS.forEach(function (c) {
    var th = el('th', 'c-' + c.key, c.label);
    th.dataset.key = c.key;
    th.setAttribute('aria-sort', 'none');
    headRow.appendChild(th);
  });
  headRow.addEventListener('click', function (ev) {
    var th = ev.target.closest('th');
    if (!th) return;
    if (state.key === th.dataset.key) state.dir = state.dir === 'asc' ? 'desc' : 'asc';
    else { state.key = th.dataset.key; state.dir = 'asc'; }
    update();
  });

  function fillSelect(id, label, values) {
    var sel = document.getElementById(id);
    sel.appendChild(new Option(label, ''));
    values.forEach(function (v) { sel.appendChild(new Option(printable(v.label) + ' (' + v.value + ')', v.label)); });
    sel.addEventListener('change', update);
    return sel;
  }
  function byLabel(a, b) { return a.label < b.label ? -1 : 1; }
  var sevSelect = fillSelect('filter-severity', 'all severities',
    bySeverity().filter(function (v) { return v.value; }));
  var ruleSelect = fillSelect('filter-rule', 'all rules',
    tally(function (i) { return str(rule(i).id); }).sort(byLabel));
  var repoSelect = fillSelect('filter-repository', 'all repositories',
    tally(function (i) { return str(repo(i)); }).sort(byLabel));
  var textInput = document.getElementById('filter-text');
  textInput.addEventListener('input', update);

  function textOf(i) {
    var r = rule(i);
    return [r.id, r.name, repo(i), cPath[i], author(i), s(cEmail, i), commit(i), cFp[i]]
      .map(str).join('\n').toLowerCase();
  }

  /* Filters and sorts state.rows, then draws from the top. */
  function update() {
    var text = textInput.value.trim().toLowerCase();
    var sev = sevSelect.value, ruleId = ruleSelect.value, repoPath = repoSelect.value;
    var sevRank = sev ? RANK[sev] : -2, rows = [];
    if (text && !filterText) {
      filterText = new Array(N);
      for (var t = 0; t < N; t++) filterText[t] = textOf(t);
    }
    for (var i = 0; i < N; i++) {
      if ((sev && rank(i) !== sevRank) || (ruleId && str(rule(i).id) !== ruleId) ||
          (repoPath && str(repo(i)) !== repoPath) || (text && filterText[i].indexOf(text) < 0))
        continue;
      rows.push(i);
    }
    var k, sign = state.dir === 'asc' ? 1 : -1;
    if (state.key === 'severity' && state.dir === 'desc') {
      /* The default order: worst first, newest first among equals. */
      rows.sort(function (a, b) { return rank(b) - rank(a) || time(b) - time(a) || a - b; });
    } else {
      var c = COLUMNS.filter(function (x) { return x.key === state.key; })[0] || COLUMNS[0];
      k = sortKeys[c.key] || (sortKeys[c.key] = c.key_of());
      rows.sort(function (a, b) { return sign * (k[a] - k[b]) || a - b; });
    }
    state.rows = rows;
    for (var h = 0; h < headRow.children.length; h++) {
      var th = headRow.children[h];
      th.setAttribute('aria-sort', th.dataset.key === state.key ?
        (state.dir === 'asc' ? 'ascending' : 'descending') : 'none');
    }
    document.getElementById('shown-count').textContent = count(rows.length) + ' finding' +
      (rows.length === 1 ? '' : 's') + (rows.length === N ? '' : ' (' + count(N) + ' in all)');
    placeOpened();
    scroller.scrollTop = 0;
    draw(true);
  }

  /* ---- the findings table: the rows in view -------------------------- */
  /* state.openAt from state.open: where the opened rows are now. */
  function placeOpened() {
    state.openAt = [];
    if (!Object.keys(state.open).length) return;
    for (var p = 0; p < state.rows.length; p++) {
      var h = state.open[state.rows[p]];
      if (h !== undefined) state.openAt.push([p, h]);
    }
  }
  /* The offset of row position p from the table body's top. */
  function topOf(p) {
    var y = p * ROW_H;
    for (var k = 0; k < state.openAt.length && state.openAt[k][0] < p; k++) y += state.openAt[k][1];
    return y;
  }
  /* The row position at offset y. */
  function rowAt(y) {
    var extraH = 0;
    for (var k = 0; k < state.openAt.length; k++) {
      var q = state.openAt[k][0], qTop = q * ROW_H + extraH;
      if (y < qTop) break;
      if (y < qTop + ROW_H + state.openAt[k][1]) return q;
      extraH += state.openAt[k][1];
    }
    return Math.floor((y - extraH) / ROW_H);
  }

  function spacer() {
    var tr = el('tr', 'spacer'), td = el('td');
    td.colSpan = COLUMNS.length;
    tr.appendChild(td);
    return tr;
  }
  var topSpacer = spacer(), bottomSpacer = spacer();

  function row(i) {
    var tr = el('tr', 'finding');
    tr.dataset.index = String(i);
    for (var k = 0; k < COLUMNS.length; k++) {
      var c = COLUMNS[k], td = el('td', c.td);
      if (c.key === 'severity') td.appendChild(el('span', 'sev ' + str(rule(i).severity), rule(i).severity));
      else td.textContent = str(c.text(i));
      if (c.cls) td.title = td.textContent; /* cut to the column: the whole on hover */
      tr.appendChild(td);
    }
    return tr;
  }

  /* Puts the rows in view into the table (all anew when `force`). */
  function draw(force) {
    var n = state.rows.length;
    if (!ROW_H && n) {
      tbody.textContent = '';
      tbody.appendChild(row(state.rows[0]));
      ROW_H = tbody.firstChild.getBoundingClientRect().height;
    }
    if (!ROW_H) ROW_H = 28; /* no row, or not laid out */
    /* The box is never taller than the window (report.css: 80vh); before
     * the first draw it is only as tall as one row. */
    var view = window.innerHeight || 1000, y = scroller.scrollTop - topOffset();
    var first = Math.max(0, Math.min(n, rowAt(Math.max(0, y))) - OVERSCAN);
    var last = Math.min(n, rowAt(Math.max(0, y + view)) + 1 + OVERSCAN);
    if (!force && first === state.first && last === state.last) return;
    state.first = first;
    state.last = last;
    var frag = document.createDocumentFragment();
    frag.appendChild(topSpacer);
    for (var p = first; p < last; p++) {
      var i = state.rows[p];
      frag.appendChild(row(i));
      if (state.open[i] !== undefined) frag.appendChild(detail(i));
    }
    frag.appendChild(bottomSpacer);
    topSpacer.firstChild.style.height = topOf(first) + 'px';
    bottomSpacer.firstChild.style.height = (topOf(n) - topOf(last)) + 'px';
    tbody.textContent = '';
    tbody.appendChild(frag);
  }
  /* The table body's offset inside the scrolled box (under the header). */
  var headH = 0;
  function topOffset() {
    if (!headH) headH = table.tHead.getBoundingClientRect().height;
    return headH;
  }
  var pending = false;
  scroller.addEventListener('scroll', function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; draw(false); });
  }, { passive: true });
  window.addEventListener('resize', function () { draw(false); });

  /* ---- the findings table: a row's details --------------------------- */
  /* A ready-to-paste .leakgateignore line: the fingerprint, and as a
   * comment what it is (no newline can slip in from the path). */
  function ignoreLine(i) {
    return str(cFp[i]) + '  # ' + str(rule(i).id) + ' ' +
      printable(cPath[i]).replace(/\s+/g, ' ') + ':' + str(cLine[i]);
  }

  function detail(i) {
    var r = rule(i), x = extra(i), tr = el('tr', 'detail'), td = el('td'), dl = el('dl');
    td.colSpan = COLUMNS.length;
    function item(term, node) {
      dl.appendChild(el('dt', null, term));
      var dd = el('dd');
      if (typeof node === 'string') dd.textContent = node; else dd.appendChild(node);
      dl.appendChild(dd);
    }
    item('rule', str(r.name) + ' (' + str(r.id) + '), confidence ' + str(r.confidence));
    item('secret', el('code', null, str(cSecret[i])));
    if (cExcerpt[i] !== null && cExcerpt[i] !== undefined) item('line', el('pre', 'excerpt', cExcerpt[i]));
    item('where', printable(cPath[i]) + ':' + str(cLine[i]) + ':' + str(cColumn[i]) +
         (x.binary ? ' (binary file)' : ''));
    if (repo(i)) item('repository', printable(repo(i)));
    if (commit(i)) item('commit', str(commit(i)) + '  ' + printable(author(i)) + ' <' +
                        printable(s(cEmail, i)) + '>  ' + str(date(i)));
    if (x.decoded) item('decoded', str(x.decoded));
    if (x.unconfirmed) item('unconfirmed', str(x.unconfirmed));
    (x.secret_parts || []).forEach(function (p) { item('part ' + str(p.name), el('code', null, str(p.secret))); });
    if (x.verification) item('verification', str(x.verification.status) +
      (x.verification.http_status ? ' (HTTP ' + x.verification.http_status + ')' : '') +
      (x.verification.identity ? ', ' + str(x.verification.identity) : ''));
    item('what to do', str(r.remediation) ||
         'Rotate the credential with its provider, then remove it from the history.');
    item('.leakgateignore', el('code', 'ignore-line', ignoreLine(i)));
    var more = also(i);
    if (more.length) {
      var ol = el('ol', 'list');
      more.slice(0, 50).forEach(function (l) {
        ol.appendChild(el('li', null, printable(l[0]) + (l[1] ? ' (' + shortId(l[1]) + ')' : '')));
      });
      if (more.length > 50) ol.appendChild(el('li', null, 'and ' + (more.length - 50) + ' more'));
      item('also in', ol);
    }
    td.appendChild(dl);
    tr.appendChild(td);
    return tr;
  }

  /* Opens or closes a row in place: the rows around it stay as they are
   * (the spacers stand for rows outside the view, which did not move). */
  tbody.addEventListener('click', function (ev) {
    var tr = ev.target.closest('tr.finding');
    if (!tr) return;
    var i = Number(tr.dataset.index), next = tr.nextSibling;
    if (next && next.className === 'detail') {
      tbody.removeChild(next);
      delete state.open[i];
    } else {
      var d = detail(i);
      tbody.insertBefore(d, next);
      state.open[i] = d.getBoundingClientRect().height;
    }
    placeOpened();
  });

  facts();
  performance.mark('leakgate-header');
  update();
  performance.mark('leakgate-table');
  repositories();
  summaryCards();
  performance.mark('leakgate-drawn');
  document.body.dataset.ready = 'true';
})();
