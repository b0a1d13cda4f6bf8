/* mnist-stream live dashboard: plain JS, no libraries. State arrives as Server-Sent Events
 * ("state" every second, "drawn" when a digit drawn here comes back) from /events. */
(function () {
  'use strict';

  var C = {
    blue: '#58a6ff', red: '#f85149', accent: '#39c5cf', amber: '#d29922', green: '#3fb950',
    purple: '#a371f7', grid: '#202b38', axis: '#5c6b7c'
  };
  var $ = function (id) { return document.getElementById(id); };
  var state = null;
  var pending = null;     // event id of the digit drawn here and not answered yet
  var pendingSince = 0;
  var drawnInk = false;

  /* ---------- small helpers ---------- */

  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v == null || v === false) return;
        if (k === 'class') el.className = v;
        else if (k === 'text') el.textContent = v;
        else if (k === 'style') el.setAttribute('style', v);
        else el.setAttribute(k, v);
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c == null || c === false) continue;
      el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    }
    return el;
  }

  function replace(el, children) {
    while (el.firstChild) el.removeChild(el.firstChild);
    children.forEach(function (c) { if (c) el.appendChild(c); });
  }

  var fmt = {
    int: function (n) { return n == null || isNaN(n) ? '–' : Math.round(n).toLocaleString('en-US'); },
    rate: function (n) { return n == null ? '–' : n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1); },
    ms: function (v) { return v == null ? '–' : v < 10 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US'); },
    pct: function (v, d) { return v == null ? '–' : (v * 100).toFixed(d == null ? 1 : d); },
    time: function (t) { return t == null ? '–' : new Date(t).toLocaleTimeString('en-GB'); },
    ago: function (t, now) {
      if (t == null) return '–';
      var s = Math.max(0, Math.round((now - t) / 1000));
      if (s < 60) return s + ' s ago';
      if (s < 3600) return Math.floor(s / 60) + ' min ago';
      if (s < 86400) return Math.floor(s / 3600) + ' h ago';
      return Math.floor(s / 86400) + ' d ago';
    }
  };

  function millis(iso) { return iso == null ? null : (typeof iso === 'number' ? iso : Date.parse(iso)); }

  function setText(id, text) { var el = $(id); if (el.textContent !== text) el.textContent = text; }

  /* ---------- charts (canvas, hand-drawn) ---------- */

  function niceMax(v) {
    if (!(v > 0)) return 1;
    var e = Math.pow(10, Math.floor(Math.log10(v)));
    var f = v / e;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * e;
  }

  function chart(canvas, series, opts) {
    var dpr = window.devicePixelRatio || 1;
    var w = canvas.clientWidth, hh = canvas.clientHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(hh * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(hh * dpr);
    }
    var ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, hh);
    var L = 44, R = 8, T = 8, B = 20, pw = w - L - R, ph = hh - T - B;
    var n = series[0].values.length;
    var max = 0;
    series.forEach(function (s) { s.values.forEach(function (v) { if (v != null && v > max) max = v; }); });
    max = opts.yMax != null ? opts.yMax : niceMax(Math.max(max * 1.1, opts.minMax || 1));
    var min = opts.yMin || 0;
    var label = opts.label || function (lv) {
      return lv >= 1000 ? (lv / 1000).toFixed(lv % 1000 ? 1 : 0) + 'k' : String(+lv.toFixed(2));
    };
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = C.axis;
    ctx.strokeStyle = C.grid;
    ctx.lineWidth = 1;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (var i = 0; i <= 4; i++) {
      var y = T + ph - (ph * i) / 4;
      ctx.beginPath(); ctx.moveTo(L, Math.round(y) + 0.5); ctx.lineTo(L + pw, Math.round(y) + 0.5); ctx.stroke();
      ctx.fillText(label(min + ((max - min) * i) / 4), L - 6, y);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    var step = n > 150 ? 60 : n > 60 ? 30 : 15;
    for (var k = 0; k * step < n; k++) {
      var idx = n - 1 - k * step;
      var x = L + (pw * idx) / (n - 1);
      var ago = k * step;
      var text = k === 0 ? 'now' : ago % 60 === 0 ? '-' + ago / 60 + 'm' : '-' + ago + 's';
      ctx.fillText(text, Math.min(Math.max(x, L + 10), L + pw - 10), T + ph + 5);
    }
    var xAt = function (i) { return L + (pw * i) / (n - 1); };
    var yAt = function (v) { return T + ph - (ph * (Math.max(min, Math.min(max, v)) - min)) / (max - min); };
    series.forEach(function (s) {
      if (s.fill) {
        var g = ctx.createLinearGradient(0, T, 0, T + ph);
        g.addColorStop(0, s.color + '66');
        g.addColorStop(1, s.color + '05');
        ctx.fillStyle = g;
        ctx.beginPath();
        ctx.moveTo(xAt(0), T + ph);
        s.values.forEach(function (v, i) { ctx.lineTo(xAt(i), yAt(v == null ? min : v)); });
        ctx.lineTo(xAt(n - 1), T + ph);
        ctx.closePath();
        ctx.fill();
      }
      ctx.strokeStyle = s.color;
      ctx.lineWidth = s.width || 1.6;
      ctx.lineJoin = 'round';
      ctx.beginPath();
      var open = false;
      s.values.forEach(function (v, i) {
        if (v == null) { open = false; return; }
        if (!open) { ctx.moveTo(xAt(i), yAt(v)); open = true; } else ctx.lineTo(xAt(i), yAt(v));
      });
      ctx.stroke();
    });
  }

  /* ---------- rendering of a state snapshot ---------- */

  function render(s) {
    state = s;
    var inst = s.instances || [];
    setText('meta', 'since ' + fmt.time(s.startedAt) + ' · ' + s.topics.predictions + ' · ' +
      inst.length + (inst.length === 1 ? ' instance' : ' instances'));
    var w = s.window, t = s.totals;
    setText('kpi-rate', fmt.rate(w.eventsPerSecond));
    setText('kpi-p50', fmt.ms(w.e2eP50Ms));
    setText('kpi-p99', fmt.ms(w.e2eP99Ms));
    setText('kpi-p50-sub', w.appP50Ms == null ? 'event → prediction, last 60 s' : 'in the app ' + fmt.ms(w.appP50Ms) + ' ms · last 60 s');
    setText('kpi-p99-sub', w.appP99Ms == null ? 'event → prediction, last 60 s' : 'in the app ' + fmt.ms(w.appP99Ms) + ' ms · last 60 s');
    setText('kpi-acc', fmt.pct(t.accuracy, 1));
    setText('kpi-acc-sub', t.labelled ? fmt.int(t.correct) + ' of ' + fmt.int(t.labelled) + ' labelled' : 'no labelled events yet');
    setText('processed-total', fmt.int(t.predictions));
    setText('kpi-processed-sub', fmt.int(t.imageEvents) + ' image events seen · ' + fmt.int(t.shadowPredictions) + ' shadow');
    setText('kpi-dead', fmt.int(t.deadLetters));

    var from = visibleFrom(s.series);
    var cut = function (a) { return a.slice(from); };
    var span = s.series.predictions.length - from;
    var spanText = span >= 120 ? Math.round(span / 60) + ' min' : span + ' s';
    setText('rate-hint', 'per second, last ' + spanText);
    setText('latency-hint', 'event time → prediction, ms, last ' + spanText);
    setText('acc-hint', 'labelled predictions, rolling 10 s, last ' + spanText);
    chart($('chart-rate'), [
      { values: cut(s.series.predictions), color: C.blue, fill: true },
      { values: cut(s.series.deadLetters), color: C.red, width: 1.2 }
    ], { minMax: 5 });
    chart($('chart-latency'), [
      { values: cut(s.series.p50), color: C.accent },
      { values: cut(s.series.p99), color: C.amber }
    ], { minMax: 10 });

    renderAccuracyChart(s.series, from);
    renderStrip(s.recent);
    renderFleet(s.fleet, s.now);
    renderInstances(inst, s.now);
    renderAccuracy(s.accuracy, inst);
    renderConfusion(s.confusion);
    renderDeadLetters(s.deadLetters, s.now);
    renderQuality(s.quality, s.now);
    renderReview(s.review, s.now);
    if (pending) {
      (s.drawn || []).forEach(function (d) { if (d.eventId === pending && d.status !== 'pending') onDrawn(d); });
      if (pending && Date.now() - pendingSince > 30000) {
        setText('draw-status', 'no prediction after 30 s: is a stream app running?');
      }
    }
  }

  /**
   * Where the charts start: the window zooms onto the data, from one minute (a fresh stream shows
   * detail) to the five minutes the server keeps, in whole minutes.
   */
  function visibleFrom(series) {
    var n = series.predictions.length, first = n;
    for (var i = 0; i < n; i++) {
      if (series.predictions[i] || series.deadLetters[i]) { first = i; break; }
    }
    var span = Math.min(n, Math.max(60, Math.ceil((n - first) / 60) * 60));
    return n - span;
  }

  /** Accuracy over a rolling 10 s window, per second; null where nothing labelled was served. */
  function renderAccuracyChart(series, from) {
    var acc = [], lo = 1;
    for (var i = from; i < series.labelled.length; i++) {
      var n = 0, ok = 0;
      for (var j = Math.max(0, i - 9); j <= i; j++) { n += series.labelled[j]; ok += series.correct[j]; }
      var v = n ? ok / n : null;
      acc.push(v == null ? null : v * 100);
      if (v != null) lo = Math.min(lo, v);
    }
    var floor = lo >= 0.9 ? 80 : lo >= 0.6 ? 50 : 0;
    chart($('chart-accuracy'), [{ values: acc, color: C.green, fill: true, width: 1.8 }], {
      yMin: floor, yMax: 100, label: function (v) { return Math.round(v) + ' %'; }
    });
    setText('acc-range', floor ? 'scale from ' + floor + ' %' : '');
  }

  function thumbnail(r) {
    var c = h('canvas', { width: r.width || 28, height: r.height || 28 });
    if (r.pixels) {
      var bytes = atob(r.pixels), ctx = c.getContext('2d');
      var img = ctx.createImageData(r.width, r.height);
      for (var i = 0; i < bytes.length; i++) {
        var v = bytes.charCodeAt(i);
        img.data[4 * i] = v; img.data[4 * i + 1] = v; img.data[4 * i + 2] = v; img.data[4 * i + 3] = 255;
      }
      ctx.putImageData(img, 0, 0);
    }
    return c;
  }

  function renderStrip(recent) {
    if (!recent || !recent.length) return;
    replace($('strip'), recent.map(function (r) {
      var labelled = r.label != null;
      var wrong = labelled && r.label !== r.predicted;
      var cls = 'tile' + (wrong ? ' wrong' : labelled ? ' right' : '') + (r.drawn ? ' drawn' : '');
      return h('div', { class: cls, title: r.eventId + ' · v' + r.version + ' ' + r.route + ' · ' + r.e2eMs + ' ms' },
        thumbnail(r),
        h('div', { class: 'pred' }, h('b', null, String(r.predicted)), h('span', null, ' ' + fmt.pct(r.confidence, 0) + '%')),
        h('div', { class: 'truth' }, labelled ? (wrong ? 'true ' + r.label : '✓ ' + r.label) : 'no label'));
    }));
  }

  function routeCard(kind, v, extra) {
    if (!v) {
      return h('div', { class: 'route off ' + kind }, h('div', { class: 'name' }, kind), h('div', { class: 'ver' }, 'none'));
    }
    var m = v.metrics || {};
    return h('div', { class: 'route ' + kind },
      h('div', { class: 'name' }, kind + (extra || '')),
      h('div', { class: 'ver' }, 'v' + v.version, h('small', null, v.architecture || '')),
      h('dl', null,
        h('dt', null, 'test acc.'), h('dd', null, m.testAccuracy == null ? '–' : fmt.pct(m.testAccuracy, 2) + ' %'),
        h('dt', null, 'test loss'), h('dd', null, m.testLoss == null ? '–' : Number(m.testLoss).toFixed(4)),
        h('dt', null, 'trained'), h('dd', null, v.createdAt ? new Date(millis(v.createdAt)).toLocaleString('en-GB') : '–'),
        h('dt', null, 'parent'), h('dd', null, v.parentVersion == null ? '–' : 'v' + v.parentVersion),
        h('dt', null, 'sha-256'), h('dd', { class: 'mono', title: v.parametersSha256 || '' }, (v.parametersSha256 || '').slice(0, 12) + '…')),
      // a version fine-tuned from the topics says where it learnt from
      v.provenance && v.provenance.length
        ? h.apply(null, ['div', { class: 'provenance' }].concat(v.provenance.map(function (line) { return h('div', null, line); })))
        : null);
  }

  function renderInstances(list, now) {
    if (!list.length) {
      // An instance that left the fleet leaves the page.
      replace($('instances'), [h('div', { class: 'empty' }, 'no live stream-app instance yet')]);
      return;
    }
    replace($('instances'), list.map(function (i) {
      var m = i.model, mx = i.metrics || {};
      var status = !i.reachable ? h('span', { class: 'badge bad' }, 'unreachable')
        : m && m.ready ? h('span', { class: 'badge ok' }, 'ready') : h('span', { class: 'badge warn' }, 'no model');
      var chips = h('div', { class: 'chips' },
        h('span', { class: 'chip' }, 'in ', h('b', null, fmt.rate(mx.eventsInPerSecond)), ' ev/s'),
        h('span', { class: 'chip' }, 'batch ', h('b', null, mx.meanBatchSize == null ? '–' : mx.meanBatchSize.toFixed(1))),
        h('span', { class: 'chip' }, 'swaps ', h('b', null, fmt.int(mx.swaps))),
        h('span', { class: 'chip' }, 'events ', h('b', null, fmt.int(mx.eventsIn))));
      var head = h('div', { class: 'instance-head' },
        i.instanceId ? h('b', { class: 'mono' }, i.instanceId) : null, h('span', { class: 'url' }, i.url), status,
        m ? h('span', { class: 'faint' }, 'model ' + (m.modelName || '')) : null, chips);
      var children = [head];
      if (!i.reachable && i.error) children.push(h('div', { class: 'notes' }, i.error));
      if (m) {
        children.push(h('div', { class: 'routes' },
          routeCard('active', m.active, m.rollout && m.rollout.activeVersion != null ? ' · pinned' : ''),
          routeCard('canary', m.canary, m.canary ? ' · ' + m.canaryPercent + ' % of keys' : ''),
          routeCard('shadow', m.shadow, '')));
        var hist = (m.history || []).slice().reverse();
        var swap = millis(m.lastSwapAt);
        var timeline = h('div', { class: 'faint' }, 'no swap yet');
        if (hist.length) {
          timeline = h('ul', { class: 'timeline' });
          replace(timeline, hist.slice(0, 12).map(function (w) {
            var when = millis(w.at);
            return h('li', null,
              h('div', { class: 'when' }, fmt.time(when) + ' · ' + fmt.ago(when, now)),
              h('span', { class: 'what' },
                w.activeBefore == null ? 'active ' : 'active v' + w.activeBefore + ' → ',
                h('b', null, w.active == null ? 'none' : 'v' + w.active),
                w.canary != null ? ' · canary v' + w.canary + ' (' + w.canaryPercent + ' %)' : '',
                w.shadow != null ? ' · shadow v' + w.shadow : ''),
              w.cause ? h('div', { class: 'cause' }, w.cause) : null);
          }));
        }
        var refused = (m.refused || []).slice().reverse();
        var refusedList = refused.length ? h('ul', { class: 'refused' }) : h('div', { class: 'faint' }, 'none refused');
        if (refused.length) {
          replace(refusedList, refused.slice(0, 8).map(function (r) {
            return h('li', null, h('span', { class: 'r' }, (r.version == null ? r.key : 'v' + r.version) + ' · ' + r.reason),
              h('div', { class: 'm' }, r.message || ''));
          }));
        }
        children.push(h('div', { class: 'model-cols' },
          h('div', null, h('div', { class: 'sub-h' }, 'swap timeline · last swap ' + (swap ? fmt.ago(swap, now) : '–')), timeline),
          h('div', null, h('div', { class: 'sub-h' }, 'refused versions'), refusedList)));
        if (m.notes && m.notes.length) children.push(h('div', { class: 'notes' }, m.notes.join(' · ')));
      }
      var block = h('div', { class: 'instance' });
      replace(block, children);
      return block;
    }));
  }

  function version(v) { return v == null ? '–' : 'v' + v; }

  /** One row per instance of the instances topic; dead ones greyed, with how long they are silent. */
  function renderFleet(f, now) {
    var members = f ? f.instances : [];
    var live = members.filter(function (m) { return m.live; }).length;
    setText('fleet-count', live + ' live' + (members.length > live ? ' · ' + (members.length - live) + ' dead' : '') +
      (f && f.undecodable ? ' · ' + fmt.int(f.undecodable) + ' undecodable' : ''));
    var r = f && f.rollout;
    setText('fleet-convergence', r
      ? 'latest rollout (' + fmt.time(r.recordAt) + ') converged in ' + fmt.int(r.convergenceMs) + ' ms on ' + r.instances +
        (r.instances === 1 ? ' instance' : ' instances')
      : 'latest rollout: –');
    if (!members.length) {
      replace($('fleet'), [h('div', { class: 'empty' }, 'no instance has sent a heartbeat yet')]);
      return;
    }
    var head = h('tr', null);
    [['instance'], ['state'], ['partitions'], ['active'], ['canary'], ['shadow'], ['events/s', 'num'],
      ['lag', 'num'], ['convergence ms', 'num'], ['last refusal']].forEach(function (c) {
      head.appendChild(h('th', { class: c[1] || null }, c[0]));
    });
    var table = h('table', { class: 'fleet' }, head);
    members.forEach(function (m) {
      var state = m.live ? h('span', { class: 'badge ' + (m.streamsState === 'RUNNING' ? 'ok' : 'warn') }, m.streamsState)
        : h('span', { class: 'badge' }, 'dead · last seen ' + fmt.ago(now - m.silentForMs, now));
      table.appendChild(h('tr', { class: m.live ? 'live' : 'dead', 'data-instance': m.instanceId },
        h('td', { class: 'id', title: m.applicationId + ' · ' + m.modelName }, m.instanceId, h('small', null, m.httpAddress || 'no HTTP address')),
        h('td', null, state),
        h('td', null, m.partitions.length ? m.partitions.join(', ') : '–'),
        h('td', null, version(m.activeVersion)),
        h('td', null, m.canaryVersion == null ? '–' : 'v' + m.canaryVersion + ' · ' + m.canaryPercent + ' %'),
        h('td', null, version(m.shadowVersion)),
        h('td', { class: 'num' }, fmt.rate(m.eventsPerSecond)),
        h('td', { class: 'num' }, fmt.int(m.lag)),
        h('td', { class: 'num', title: m.routingCause || '' }, fmt.int(m.convergenceMs)),
        h('td', { class: m.lastRefusal ? 'refusal' : null }, m.lastRefusal || '–')));
    });
    replace($('fleet'), [table]);
  }

  function testAccuracyOf(version, instances) {
    for (var i = 0; i < instances.length; i++) {
      var m = instances[i].model;
      var versions = m && m.versions ? m.versions : [];
      for (var j = 0; j < versions.length; j++) {
        if (versions[j].version === version && versions[j].metrics) return versions[j].metrics.testAccuracy;
      }
    }
    return null;
  }

  function renderAccuracy(rows, instances) {
    if (!rows || !rows.length) return;
    var shown = rows.slice(-8);
    var lo = 1;
    shown.forEach(function (r) { lo = Math.min(lo, r.accuracy); var t = testAccuracyOf(r.version, instances); if (t != null) lo = Math.min(lo, t); });
    // Zoom the scale onto where the numbers are (accuracies live near the top).
    var floor = lo > 0.8 ? 0.8 : lo > 0.5 ? 0.5 : 0;
    var pos = function (v) { return Math.max(0, Math.min(100, ((v - floor) / (1 - floor)) * 100)); };
    var out = shown.map(function (r) {
      var test = testAccuracyOf(r.version, instances);
      return h('div', { class: 'acc-row' },
        h('div', { class: 'who' }, 'v' + r.version, h('small', null, r.route)),
        h('div', { class: 'bar ' + r.route, title: fmt.int(r.correct) + ' / ' + fmt.int(r.labelled) + (test != null ? ' · test ' + fmt.pct(test, 2) + ' %' : '') },
          h('b', { style: 'width:' + pos(r.accuracy).toFixed(1) + '%' }),
          test != null ? h('i', { style: 'left:calc(' + pos(test).toFixed(1) + '% - 1px)' }) : null),
        h('div', { class: 'pct' }, fmt.pct(r.accuracy, 1) + '%', h('small', null, 'n=' + fmt.int(r.labelled))));
    });
    out.push(h('div', { class: 'acc-foot' }, 'bars start at ' + Math.round(floor * 100) + ' % · the white tick is the version\'s accuracy on its test set'));
    replace($('accuracy'), out);
  }

  function renderConfusion(cm) {
    var table = h('table', { class: 'cm' });
    var head = h('tr', null, h('th', { class: 'axis' }, 'true ╲ pred'));
    for (var p = 0; p < 10; p++) head.appendChild(h('th', null, String(p)));
    head.appendChild(h('th', { class: 'axis' }, 'recall'));
    table.appendChild(head);
    for (var t = 0; t < 10; t++) {
      var row = h('tr', null, h('th', null, String(t)));
      var sum = cm[t].reduce(function (a, b) { return a + b; }, 0);
      for (var q = 0; q < 10; q++) {
        var n = cm[t][q], f = sum ? n / sum : 0, bg = null;
        if (n > 0) {
          bg = t === q ? 'rgba(63,185,80,' + (0.12 + 0.78 * f).toFixed(3) + ')'
            : 'rgba(248,81,73,' + (0.18 + 0.8 * Math.min(1, f * 5)).toFixed(3) + ')';
        }
        row.appendChild(h('td', { class: n ? null : 'zero', style: bg ? 'background:' + bg : null, title: 'true ' + t + ', predicted ' + q + ': ' + n }, n ? fmt.int(n) : '·'));
      }
      row.appendChild(h('td', { class: 'recall' }, sum ? fmt.pct(cm[t][t] / sum, 0) + '%' : '–'));
      table.appendChild(row);
    }
    replace($('confusion'), [table]);
  }

  function renderDeadLetters(d, now) {
    var reasons = Object.keys(d.byReason || {});
    if (!reasons.length) return;
    var max = Math.max.apply(null, reasons.map(function (r) { return d.byReason[r]; }));
    var out = reasons.map(function (r) {
      var n = d.byReason[r];
      return h('div', { class: 'dl-row' }, h('span', { class: 'reason', title: r }, r),
        h('div', { class: 'bar' }, h('b', { style: 'width:' + ((n / max) * 100).toFixed(1) + '%' })),
        h('span', { class: 'n' }, fmt.int(n)));
    });
    var latest = h('ul', { class: 'dl-latest' });
    replace(latest, (d.latest || []).map(function (l) {
      return h('li', null, h('span', { class: 'when' }, fmt.ago(l.failedAt, now)), h('span', { class: 'r' }, l.reason),
        h('span', { class: 'm' }, (l.eventId ? l.eventId + ': ' : '') + l.message));
    }));
    out.push(h('div', { class: 'sub-h', style: 'margin-top:12px' }, 'latest'), latest);
    replace($('dead-letters'), out);
  }

  /* ---------- quality on labelled events, rollouts, the judge's decisions ---------- */

  /** A difference in points, signed: +0.40 (a fraction in, points out). */
  function points(v, d) {
    if (v == null) return '–';
    var p = v * 100, t = Math.abs(p).toFixed(d == null ? 2 : d);
    return (p > 0 && +t !== 0 ? '+' : p < 0 && +t !== 0 ? '−' : '') + t;
  }

  /** "99.17 % [99.0, 99.3]": the accuracy and its 95 % Wilson interval. */
  function accuracyText(r) {
    return fmt.pct(r.accuracy, 2) + ' % [' + fmt.pct(r.accuracyLow, 1) + ', ' + fmt.pct(r.accuracyHigh, 1) + ']';
  }

  function pValue(p) { return p == null ? '–' : p < 0.001 ? '< 0.001' : p.toFixed(3); }

  /** "+0.40 pt [−0.10, +0.80] · p 0.290 · 1,000 pairs": the paired comparison in one line. */
  function comparisonText(c) {
    return points(c.difference) + ' pt [' + points(c.differenceLow) + ', ' + points(c.differenceHigh) + '] · McNemar p ' +
      pValue(c.pValue) + ' · ' + fmt.int(c.pairs) + ' pairs';
  }

  function renderQuality(q, now) {
    if (!q) return;
    var bad = Object.keys(q.undecodable || {}).reduce(function (n, k) { return n + q.undecodable[k]; }, 0);
    setText('quality-hint', 'from the quality, rollouts and decisions topics · each version since it started · 95 % intervals' +
      (bad ? ' · ' + fmt.int(bad) + ' undecodable records skipped' : ''));
    renderRollouts(q.rollouts || [], now);
    renderReports(q.reports || []);
    renderDecisions(q.decisions || [], now);
  }

  function renderReports(rows) {
    if (!rows.length) {
      replace($('quality'), [h('div', { class: 'empty' }, 'no quality report yet (the stream app publishes them with quality.enabled=true)')]);
      return;
    }
    var lo = 1;
    rows.forEach(function (r) { if (r.labelled) lo = Math.min(lo, r.accuracyLow); });
    // Zoomed where the numbers are, so that the intervals show.
    var floor = lo > 0.9 ? 0.9 : lo > 0.8 ? 0.8 : lo > 0.5 ? 0.5 : 0;
    var pos = function (v) { return Math.max(0, Math.min(100, ((v - floor) / (1 - floor)) * 100)); };
    var head = h('tr', null);
    [['version'], ['labelled', 'num'], ['accuracy · 95 % interval (bars from ' + Math.round(floor * 100) + ' %)'],
      ['calibration error', 'num'], ['p99 ms', 'num'], ['paired with']].forEach(function (c) {
      head.appendChild(h('th', { class: c[1] || null }, c[0]));
    });
    var table = h('table', { class: 'q-table' }, head);
    rows.forEach(function (r) {
      var acc = r.labelled
        ? h('td', { class: 'acc', title: fmt.int(r.correct) + ' of ' + fmt.int(r.labelled) + ' correct · mean confidence ' + fmt.pct(r.meanConfidence, 1) + ' %' },
          h('div', { class: 'bar ci ' + r.route },
            h('b', { style: 'width:' + pos(r.accuracy).toFixed(1) + '%' }),
            h('u', { style: 'left:' + pos(r.accuracyLow).toFixed(1) + '%;width:' + (pos(r.accuracyHigh) - pos(r.accuracyLow)).toFixed(1) + '%' })),
          h('span', { class: 'acc-text' }, accuracyText(r)))
        : h('td', { class: 'acc faint' }, 'nothing labelled yet');
      var pairs = h('td', { class: 'pairs' });
      (r.comparisons || []).forEach(function (c) {
        pairs.appendChild(h('div', null, 'v' + c.baselineVersion + ' ' + c.baselineRoute + ': ' + comparisonText(c)));
      });
      if (!pairs.firstChild) pairs.appendChild(h('span', { class: 'faint' }, '–'));
      table.appendChild(h('tr', { 'data-model': r.model, 'data-version': String(r.version), 'data-route': r.route },
        h('td', null, h('b', null, 'v' + r.version), ' ', h('span', { class: 'route-tag' }, r.route), h('small', null, r.model)),
        h('td', { class: 'num' }, fmt.int(r.labelled), r.lateLabels ? h('small', null, fmt.int(r.lateLabels) + ' late') : null),
        acc,
        h('td', { class: 'num' }, r.labelled ? r.calibrationError.toFixed(3) : '–'),
        h('td', { class: 'num', title: 'p50 ' + r.latencyP50Ms + ' ms' }, r.labelled ? fmt.int(r.latencyP99Ms) : '–'),
        pairs));
    });
    replace($('quality'), [table]);
  }

  /** The difference and its interval on an axis centred on 0, with the policy's largest drop. */
  function differenceAxis(c, maxDrop) {
    var span = Math.max(Math.abs(c.differenceLow), Math.abs(c.differenceHigh), maxDrop || 0, 0.005) * 1.25;
    var x = function (v) { return (50 + (v / span) * 50).toFixed(1) + '%'; };
    var axis = h('div', { class: 'diff-axis', title: 'difference, points: the challenger minus the baseline on the same events' },
      h('div', { class: 'track' }),
      h('div', { class: 'zero', style: 'left:50%' }),
      maxDrop ? h('div', { class: 'drop', style: 'left:' + x(-maxDrop), title: 'largest drop the policy tolerates: ' + points(-maxDrop) + ' pt' }) : null,
      h('div', { class: 'ci', style: 'left:' + x(c.differenceLow) + ';width:calc(' + x(c.differenceHigh) + ' - ' + x(c.differenceLow) + ')' }),
      h('div', { class: 'pt', style: 'left:' + x(c.difference) }));
    return [axis, h('div', { class: 'diff-legend' }, h('span', null, points(-span, 1) + ' pt'), h('span', null, '0'),
      h('span', null, points(span, 1) + ' pt'))];
  }

  function challengerBlock(ro) {
    var c = ro.challenger;
    if (!c) return h('div', { class: 'challenger faint' }, 'no challenger: no candidate, canary or shadow');
    var who = h('div', null, h('b', null, 'v' + c.version), ' on ' + c.route + ' against ',
      h('b', null, c.baselineVersion == null ? 'the active version' : 'v' + c.baselineVersion),
      c.labelled == null ? '' : ' · ' + fmt.int(c.labelled) + ' labelled, ' + fmt.pct(c.accuracy, 2) + ' %');
    var cmp = c.comparison;
    if (!cmp) {
      return h('div', { class: 'challenger', 'data-version': String(c.version) }, who,
        h('div', { class: 'faint' }, c.labelled == null ? 'no quality report yet' : 'no labelled event scored by both yet'));
    }
    var block = h('div', { class: 'challenger', 'data-version': String(c.version) }, who,
      h('div', null,
        h('span', { class: 'diff ' + (cmp.difference < 0 ? 'neg' : cmp.difference > 0 ? 'pos' : '') }, points(cmp.difference) + ' pt'),
        ' [' + points(cmp.differenceLow) + ', ' + points(cmp.differenceHigh) + '] · McNemar p ' + pValue(cmp.pValue)),
      h('div', { class: 'faint' }, fmt.int(cmp.pairs) + ' pairs · only the baseline right ' + fmt.int(cmp.baselineOnlyCorrect) +
        ' · only the challenger right ' + fmt.int(cmp.challengerOnlyCorrect)));
    differenceAxis(cmp, ro.judged ? ro.maxAccuracyDrop : null).forEach(function (e) { block.appendChild(e); });
    return block;
  }

  function minutes(ms) { return ms % 60000 ? Math.round(ms / 1000) + ' s' : ms / 60000 + ' min'; }

  function renderRollouts(list, now) {
    if (!list.length) {
      replace($('rollout-stage'), [h('div', { class: 'empty' }, 'no rollout record: the newest valid version serves')]);
      return;
    }
    replace($('rollout-stage'), list.map(function (ro) {
      var out = [];
      var issued = h('div', { class: 'line' }, 'issued by ', h('b', null, ro.issuedBy), ' ' + fmt.ago(ro.issuedAt, now),
        ro.reason ? ': ' + ro.reason : '');
      if (ro.judged) {
        var st = ro.stages[ro.stage];
        out.push(h('div', { class: 'rollout-head' }, h('b', null, ro.model), h('span', { class: 'badge ok' }, 'judged'),
          h('span', null, 'candidate ', h('b', null, 'v' + ro.candidateVersion), ' · baseline ', h('b', null, 'v' + ro.baselineVersion))));
        var stages = h('div', { class: 'stages' });
        ro.stages.forEach(function (s, i) {
          stages.appendChild(h('span', { class: i === ro.stage ? 'current' : i < ro.stage ? 'done' : null,
            title: s.route + (s.route === 'CANARY' ? ' ' + s.percent + ' %' : '') }, (i + 1) + '. ' + s.name));
        });
        out.push(stages);
        out.push(h('div', { class: 'line stage-line' }, 'stage ' + (ro.stage + 1) + ' of ' + ro.stages.length + ': ',
          h('b', null, st.name), ' · ' + st.route + (st.route === 'CANARY' ? ' ' + st.percent + ' % of keys' : '') +
          ' · since ' + fmt.time(ro.stageStartedAt) + ' (' + fmt.ago(ro.stageStartedAt, now) + ')'));
        out.push(h('div', { class: 'line' }, 'needs ' + fmt.int(st.minLabelled) + ' pairs to promote · times out after ' +
          minutes(st.timeoutMs) + ' (then ' + ro.onTimeout + ') · largest drop tolerated ' + fmt.pct(ro.maxAccuracyDrop, 2) + ' pt · α ' + ro.alpha +
          (ro.maxP99IncreaseMs == null ? '' : ' · p99 +' + fmt.int(ro.maxP99IncreaseMs) + ' ms at most')));
      } else {
        out.push(h('div', { class: 'rollout-head' }, h('b', null, ro.model), h('span', { class: 'badge' }, 'manual'),
          h('span', null, 'active ', h('b', null, ro.activeVersion == null ? 'newest' : 'v' + ro.activeVersion),
            ro.activeVersion == null ? ' (follows the newest valid version)' : ' (pinned)',
            ' · canary ', h('b', null, ro.canaryVersion == null ? '–' : 'v' + ro.canaryVersion + ' ' + ro.canaryPercent + ' %'),
            ' · shadow ', h('b', null, version(ro.shadowVersion)))));
      }
      out.push(issued);
      out.push(challengerBlock(ro));
      var block = h('div', { class: 'rollout', 'data-model': ro.model, 'data-judged': String(ro.judged) });
      replace(block, out);
      return block;
    }));
  }

  function renderDecisions(list, now) {
    if (!list.length) {
      replace($('decisions'), [h('div', { class: 'empty' }, 'no decision yet')]);
      return;
    }
    var head = h('tr', null);
    ['time', 'candidate', 'stage', 'action', 'rule', 'reason'].forEach(function (c) { head.appendChild(h('th', null, c)); });
    var table = h('table', { class: 'q-table' }, head);
    list.forEach(function (d) {
      var badge = d.action === 'PROMOTE' ? 'ok' : d.action === 'ROLLBACK' ? 'bad' : 'warn';
      table.appendChild(h('tr', { 'data-decision': d.decisionId },
        h('td', { class: 'mono', title: new Date(d.decidedAt).toISOString() }, fmt.time(d.decidedAt), h('small', null, fmt.ago(d.decidedAt, now))),
        h('td', null, h('b', null, 'v' + d.candidateVersion), ' vs v' + d.baselineVersion, h('small', null, d.model)),
        h('td', null, d.stageName, h('small', null, d.route + (d.nextStageName ? ' → ' + d.nextStageName : ''))),
        h('td', null, h('span', { class: 'badge ' + badge }, d.action)),
        h('td', { class: 'rule' }, d.rule),
        h('td', { class: 'reason', title: fmt.int(d.pairs) + ' pairs · difference ' + points(d.difference) + ' pt · evidence worse ' +
          d.evidenceWorse.toPrecision(3) + ', not worse ' + d.evidenceNotWorse.toPrecision(3) + ' (threshold ' + d.threshold.toPrecision(3) + ')' }, d.reason)));
    });
    replace($('decisions'), [table]);
  }

  /* ---------- review panel: a person labels what the model was unsure of ---------- */

  /* ---------- the draw token: only when the dashboard was started with one ---------- */

  // Kept for this tab only (sessionStorage), sent as a bearer token on the POSTs that write to Kafka.
  var TOKEN_KEY = 'mnist-dashboard-draw-token';

  function writeHeaders() {
    var headers = { 'Content-Type': 'application/json' };
    var token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.Authorization = 'Bearer ' + token;
    return headers;
  }

  /** A 401 shows the token field; any refusal rejects with the answer's error. */
  function writeAnswer(r) {
    if (r.status === 401) $('draw-token-row').hidden = false;
    return r.json().then(function (body) {
      if (!r.ok) throw new Error(body.error || ('HTTP ' + r.status));
      return body;
    });
  }

  $('draw-token').addEventListener('change', function (e) {
    var token = e.target.value.trim();
    if (token) sessionStorage.setItem(TOKEN_KEY, token); else sessionStorage.removeItem(TOKEN_KEY);
  });

  /** POSTs {eventId, label} to path; resolves with the answer's body, rejects with its error. */
  function postLabel(path, eventId, label) {
    return fetch(path, {
      method: 'POST',
      headers: writeHeaders(),
      body: JSON.stringify({ eventId: eventId, label: label })
    }).then(writeAnswer);
  }

  function digitButtons(onPick, cls) {
    var row = h('div', { class: cls || 'digits' });
    for (var d = 0; d <= 9; d++) {
      (function (digit) {
        var b = h('button', { type: 'button', 'data-digit': String(digit), title: 'label ' + digit }, String(digit));
        b.addEventListener('click', function () { onPick(digit, row); });
        row.appendChild(b);
      })(d);
    }
    return row;
  }

  var reviewShown = '';
  function renderReview(r, now) {
    if (!r) return;
    var items = r.items || [];
    setText('review-hint', 'low-confidence predictions from ' + state.topics.review + ' · ' + items.length +
      ' to label (latest ' + r.capacity + ') · ' + fmt.int(r.seen) + ' seen' +
      (r.undecodable ? ' · ' + fmt.int(r.undecodable) + ' undecodable skipped' : '') + ' · a click is a label event on ' + state.topics.labels);
    // rebuilt only when the items change, so a click in progress is not lost to a re-render
    var key = items.map(function (i) { return i.eventId; }).join('\n');
    if (key === reviewShown) return;
    reviewShown = key;
    if (!items.length) { replace($('review'), [h('div', { class: 'empty' }, 'nothing to review')]); return; }
    var list = h('div', { class: 'review-list' });
    replace($('review'), [list]);
    replace(list, items.map(function (i) {
      var status = h('span', { class: 'status' });
      var card = h('div', { class: 'review-item', 'data-event-id': i.eventId, title: i.eventId },
        thumbnail(i),
        h('div', { class: 'what' }, h('b', null, String(i.predicted)), ' at ' + fmt.pct(i.confidence, 0) + ' %',
          h('small', null, ' ' + i.model + ' v' + i.version + ' ' + String(i.route).toLowerCase() + ' · threshold ' + fmt.pct(i.threshold, 0) + ' %')),
        h('div', { class: 'what' }, status),
        digitButtons(function (digit, row) {
          Array.prototype.forEach.call(row.children, function (b) { b.disabled = true; });
          status.textContent = 'sending ' + digit + '…';
          postLabel('api/review/label', i.eventId, digit).then(function () {
            card.parentNode && card.parentNode.removeChild(card);
          }).catch(function (e) {
            status.textContent = 'not sent: ' + e.message;
            Array.prototype.forEach.call(row.children, function (b) { b.disabled = false; });
          });
        }));
      return card;
    }));
  }

  /* ---------- drawing and classifying ---------- */

  var canvas = $('draw-canvas');
  var ctx = canvas.getContext('2d');
  var last = null;

  function clearCanvas() {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    drawnInk = false;
  }

  function pen() {
    ctx.strokeStyle = '#fff';
    ctx.fillStyle = '#fff';
    ctx.lineWidth = 20;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
  }

  function dot(p) { pen(); ctx.beginPath(); ctx.arc(p[0], p[1], 10, 0, 2 * Math.PI); ctx.fill(); drawnInk = true; }

  function line(a, b) {
    pen();
    ctx.beginPath(); ctx.moveTo(a[0], a[1]); ctx.lineTo(b[0], b[1]); ctx.stroke();
    drawnInk = true;
  }

  function at(clientX, clientY) {
    var r = canvas.getBoundingClientRect();
    return [(clientX - r.left) * (canvas.width / r.width), (clientY - r.top) * (canvas.height / r.height)];
  }

  if (window.PointerEvent) {
    canvas.addEventListener('pointerdown', function (e) {
      e.preventDefault();
      if (canvas.setPointerCapture) { try { canvas.setPointerCapture(e.pointerId); } catch (ignored) { /* synthetic */ } }
      last = at(e.clientX, e.clientY);
      dot(last);
    });
    canvas.addEventListener('pointermove', function (e) {
      if (!last) return;
      e.preventDefault();
      var p = at(e.clientX, e.clientY);
      line(last, p);
      last = p;
    });
    ['pointerup', 'pointercancel', 'pointerleave'].forEach(function (t) {
      canvas.addEventListener(t, function () { last = null; });
    });
  } else {
    // Browsers without pointer events: mouse and touch separately.
    canvas.addEventListener('mousedown', function (e) { last = at(e.clientX, e.clientY); dot(last); });
    canvas.addEventListener('mousemove', function (e) { if (last) { var p = at(e.clientX, e.clientY); line(last, p); last = p; } });
    window.addEventListener('mouseup', function () { last = null; });
    canvas.addEventListener('touchstart', function (e) { e.preventDefault(); var t = e.touches[0]; last = at(t.clientX, t.clientY); dot(last); }, { passive: false });
    canvas.addEventListener('touchmove', function (e) { e.preventDefault(); if (!last) return; var t = e.touches[0]; var p = at(t.clientX, t.clientY); line(last, p); last = p; }, { passive: false });
    canvas.addEventListener('touchend', function () { last = null; });
  }

  function resultState(s, digit, confidence, status) {
    setText('draw-event', '');
    var el = $('draw-result');
    el.setAttribute('data-state', s);
    setText('draw-digit', digit);
    setText('draw-confidence', confidence);
    setText('draw-status', status);
  }

  function probabilities(probs) {
    var top = probs.indexOf(Math.max.apply(null, probs));
    replace($('draw-probs'), probs.map(function (p, i) {
      return h('div', { title: i + ': ' + fmt.pct(p, 2) + ' %' },
        h('b', { class: i === top ? 'top' : null, style: 'height:' + Math.max(2, p * 48).toFixed(1) + 'px' }), h('span', null, String(i)));
    }));
  }

  function onDrawn(d) {
    if (!pending || d.eventId !== pending) return;
    var el = $('draw-result');
    el.setAttribute('data-event-id', d.eventId);
    if (d.status === 'classified') {
      pending = null;
      el.setAttribute('data-predicted', String(d.predicted));
      resultState('done', String(d.predicted), fmt.pct(d.confidence, 1) + ' % confident',
        'model v' + d.version + ' (' + d.route.toLowerCase() + ') · ' + d.latencyMs + ' ms through Kafka and back');
      setText('draw-event', d.eventId);
      probabilities(d.probabilities || []);
      offerWrong(d.eventId, d.predicted);
    } else if (d.status === 'dead-lettered') {
      pending = null;
      resultState('error', '✕', 'dead-lettered: ' + d.reason, d.message || '');
    }
  }

  /** "wrong, it was N" under a prediction: a label event for the drawing's event id. */
  function offerWrong(eventId, predicted) {
    var box = $('draw-wrong');
    setText('draw-wrong-status', '');
    replace($('draw-wrong-digits'), [digitButtons(function (digit, row) {
      Array.prototype.forEach.call(row.children, function (b) { b.disabled = true; });
      setText('draw-wrong-status', 'sending…');
      postLabel('api/draw/label', eventId, digit).then(function () {
        setText('draw-wrong-status', 'thanks: labelled ' + digit + ' (a label event for ' + eventId + ')');
      }).catch(function (e) {
        setText('draw-wrong-status', 'not sent: ' + e.message);
        Array.prototype.forEach.call(row.children, function (b) { b.disabled = false; });
      });
    }, 'digits')]);
    Array.prototype.forEach.call($('draw-wrong-digits').querySelectorAll('button'), function (b) {
      if (b.getAttribute('data-digit') === String(predicted)) b.disabled = true;
    });
    box.hidden = false;
  }

  function hideWrong() { $('draw-wrong').hidden = true; replace($('draw-wrong-digits'), []); }

  function classify() {
    if (!drawnInk) {
      resultState('idle', '?', 'draw a digit first', 'the canvas is empty');
      return Promise.resolve(null);
    }
    var btn = $('classify');
    btn.disabled = true;
    hideWrong();
    var el = $('draw-result');
    el.removeAttribute('data-predicted');
    el.removeAttribute('data-event-id');
    replace($('draw-probs'), []);
    resultState('sending', '', 'sending…', '');
    return fetch('api/draw', {
      method: 'POST',
      headers: writeHeaders(),
      body: JSON.stringify({ dataUrl: canvas.toDataURL('image/png') })
    }).then(writeAnswer).then(function (body) {
      pending = body.eventId;
      pendingSince = Date.now();
      el.setAttribute('data-event-id', body.eventId);
      resultState('pending', '', 'waiting for the prediction…', 'sent to Kafka as image event');
      setText('draw-event', body.eventId);
      if (state) render(state);
      return body.eventId;
    }).catch(function (e) {
      resultState('error', '!', 'not sent', e.message);
      return null;
    }).then(function (id) { btn.disabled = false; return id; });
  }

  $('classify').addEventListener('click', classify);
  $('clear').addEventListener('click', function () {
    clearCanvas();
    hideWrong();
    pending = null;
    $('draw-result').removeAttribute('data-predicted');
    $('draw-result').removeAttribute('data-event-id');
    replace($('draw-probs'), []);
    resultState('idle', '?', 'draw, then classify', 'the image goes to Kafka as a real image event and comes back as a prediction');
  });
  clearCanvas();

  /* ---------- live connection ---------- */

  function connected(ok, text) {
    var c = $('conn');
    c.className = 'conn ' + (ok ? 'live' : 'down');
    setText('conn-text', text);
  }

  function poll() {
    fetch('api/state').then(function (r) { return r.json(); }).then(function (s) { connected(true, 'live (polling)'); render(s); })
      .catch(function () { connected(false, 'server unreachable'); })
      .then(function () { setTimeout(poll, 1000); });
  }

  if (window.EventSource) {
    var es = new EventSource('events');
    es.addEventListener('open', function () { connected(true, 'live'); });
    es.addEventListener('error', function () { connected(false, 'reconnecting…'); });
    es.addEventListener('state', function (e) { render(JSON.parse(e.data)); });
    es.addEventListener('drawn', function (e) { onDrawn(JSON.parse(e.data)); });
  } else {
    poll();
  }
  window.addEventListener('resize', function () { if (state) render(state); });

  /** For scripts and tests: draw a stroke (canvas coordinates, 0-280), classify, read the state. */
  window.dashboard = {
    stroke: function (points) {
      if (points.length === 1) dot(points[0]);
      for (var i = 1; i < points.length; i++) line(points[i - 1], points[i]);
    },
    clear: function () { $('clear').click(); },
    classify: classify,
    state: function () { return state; }
  };
})();
