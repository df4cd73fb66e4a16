// The operator console (issue 15): reads the same admin routes and /metrics
// any operator tool would, and replays dead letters. Built with DOM calls and
// textContent only, so nothing a message or a webhook carries can run.
'use strict';

(function () {
  const main = document.getElementById('main');
  const tokenKey = 'checkout.admin-jwt';
  const svgNS = 'http://www.w3.org/2000/svg';

  const {h, money} = window.ui;

  function s(tag, attrs, text) {
    const el = document.createElementNS(svgNS, tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
    if (text !== undefined) el.textContent = text;
    return el;
  }

  // The admin API with the operator's token; 401 and 403 forget it.
  async function call(method, path, body) {
    const t = sessionStorage.getItem(tokenKey);
    const r = await window.ui.request(method, path, body, t ? {Authorization: 'Bearer ' + t} : {});
    if (r.status === 401 || r.status === 403) sessionStorage.removeItem(tokenKey);
    return r;
  }

  function problem(r) {
    const e = r.error || {};
    const why = (e.validation_messages || []).join('; ');
    return h('div', {class: 'alert error', role: 'alert'}, (e.message || 'Failed.') + (why ? ' ' + why : '') +
      (e.code ? ` (code ${e.code})` : ''));
  }

  function table(id, headings, rows) {
    return h('div', {class: 'scroll'}, h('table', {id},
      h('thead', {}, h('tr', {}, headings.map((x) => h('th', {class: x.num ? 'num' : null}, x.num ? x.text : x)))),
      h('tbody', {}, rows)));
  }

  // ---- /metrics ---------------------------------------------------------

  // Prometheus text format → [{name, labels, value}], enough for the tiles.
  function parseMetrics(text) {
    const out = [];
    for (const line of text.split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const m = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
      if (!m) continue;
      const labels = {};
      for (const kv of (m[3] || '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[kv[1]] = kv[2];
      out.push({name: m[1], labels, value: Number(m[4])});
    }
    return out;
  }

  function sum(samples, name, filter) {
    return samples.filter((x) => x.name === name && (!filter || filter(x.labels))).reduce((a, x) => a + x.value, 0);
  }

  // ---- sections ---------------------------------------------------------

  function tile(label, value, bad, id) {
    return h('div', {class: 'tile' + (bad ? ' bad' : ''), id: id || null}, label, h('b', {}, String(value)));
  }

  async function health(box) {
    const [ready, metrics] = await Promise.all([call('GET', '/readyz'), fetch('/metrics').then((r) => r.text()).catch(() => '')]);
    const m = parseMetrics(metrics);
    const r = ready.data || {};
    const http5xx = sum(m, 'checkout_http_requests_total', (l) => (l.code || '').startsWith('5'));
    box.replaceChildren(h('h2', {}, 'Health'), h('div', {class: 'tiles'},
      tile('Ready', ready.ok ? 'yes' : 'no', !ready.ok, 'tile-ready'),
      tile('Database', r.database || '?', r.database !== 'up'),
      tile('Broker', r.broker || '?', r.broker !== 'up'),
      tile('Outbox pending', sum(m, 'checkout_outbox_pending'), sum(m, 'checkout_outbox_pending') > 100),
      tile('Dead letters', sum(m, 'checkout_dlq_messages'), sum(m, 'checkout_dlq_messages') > 0, 'tile-dlq'),
      tile('Paid, not enrolled', sum(m, 'checkout_paid_not_enrolled'), sum(m, 'checkout_paid_not_enrolled') > 0),
      tile('Enrollments', sum(m, 'checkout_enrollments_total')),
      tile('Webhooks', sum(m, 'checkout_webhooks_total')),
      tile('HTTP 5xx', http5xx, http5xx > 0)));
  }

  async function actors(box) {
    const r = await call('GET', '/api/v1/admin/actors');
    if (!r.ok) return box.replaceChildren(h('h2', {}, 'Actors'), problem(r));
    box.replaceChildren(h('h2', {}, 'Live actors'), table('actors-table',
      ['Kind', {text: 'Live', num: 1}, {text: 'Spawned', num: 1}, {text: 'Passivated', num: 1},
        {text: 'Mailbox now', num: 1}, {text: 'Mailbox max', num: 1}, {text: 'Messages', num: 1}],
      r.data.actors.map((a) => h('tr', {'data-kind': a.kind},
        h('td', {}, a.kind), h('td', {class: 'num'}, a.live), h('td', {class: 'num'}, a.spawned),
        h('td', {class: 'num'}, a.passivated), h('td', {class: 'num'}, a.mailbox_total),
        h('td', {class: 'num'}, a.mailbox_max), h('td', {class: 'num'}, a.messages)))));
  }

  async function gateways(box) {
    const r = await call('GET', '/api/v1/admin/gateways');
    if (!r.ok) return box.replaceChildren(h('h2', {}, 'Gateways'), problem(r));
    box.replaceChildren(h('h2', {}, 'Gateways (this instance)'), table('gateways-table',
      ['Gateway', 'Enabled', 'Default', 'Breaker', {text: 'Failures', num: 1}, 'Opened'],
      r.data.gateways.map((g) => h('tr', {'data-gateway': g.name},
        h('td', {}, g.name), h('td', {}, g.enabled ? 'yes' : 'no'), h('td', {}, g.default ? 'yes' : ''),
        h('td', {class: g.breaker ? g.breaker.state : ''}, g.breaker ? g.breaker.state.replace('_', ' ') : '–'),
        h('td', {class: 'num'}, g.breaker ? g.breaker.failures : ''),
        h('td', {}, g.breaker && g.breaker.opened_at ? g.breaker.opened_at : '')))));
  }

  async function dlq(box) {
    const r = await call('GET', '/api/v1/admin/dlq?limit=100');
    if (!r.ok) return box.replaceChildren(h('h2', {}, 'Dead letters'), problem(r));
    const note = h('div', {id: 'dlq-note', 'aria-live': 'polite'});
    const replay = async (button, body) => {
      button.disabled = true;
      const res = await call('POST', '/api/v1/admin/dlq/replay', body);
      if (res.ok) {
        await dlq(box);
        box.querySelector('#dlq-note').replaceChildren(h('div', {class: 'alert ok'}, `Replayed ${res.data.replayed} message${res.data.replayed === 1 ? '' : 's'}.`));
      } else {
        button.disabled = false;
        note.replaceChildren(problem(res));
      }
    };
    const msgs = r.data.messages;
    const all = h('button', {id: 'dlq-replay-all', class: 'secondary', disabled: !msgs.length}, 'Replay all');
    all.addEventListener('click', () => replay(all, {limit: 100}));
    const refresh = h('button', {id: 'dlq-refresh', class: 'secondary'}, 'Refresh');
    refresh.addEventListener('click', () => dlq(box));
    box.replaceChildren(h('h2', {}, `Dead letters (${r.data.count} in ${r.data.queue})`), note,
      msgs.length ? table('dlq-table', ['Message', 'Event', 'Order', 'Reason', {text: 'Deaths', num: 1}, ''],
        msgs.map((m) => {
          const b = h('button', {class: 'secondary', 'data-replay': m.message_id}, 'Replay');
          b.addEventListener('click', () => replay(b, {message_id: m.message_id}));
          return h('tr', {'data-message': m.message_id},
            h('td', {}, h('code', {}, m.message_id)), h('td', {}, m.event_type),
            h('td', {}, h('code', {}, m.order_token || '')), h('td', {}, m.reason),
            h('td', {class: 'num'}, m.death_count), h('td', {}, b));
        })) : h('p', {class: 'muted', id: 'dlq-empty'}, 'The dead-letter queue is empty.'),
      h('p', {class: 'row'}, all, refresh));
  }

  function isoDay(d) {
    return d.toISOString().slice(0, 10);
  }

  // Funnel of the last day, and net revenue over 30 days, as SVG.
  async function report(box) {
    box.replaceChildren(h('h2', {}, 'Daily report'), h('p', {class: 'muted'}, 'Loading 30 days…'));
    const days = [];
    const today = new Date();
    for (let i = 29; i >= 0; i--) days.push(isoDay(new Date(today.getTime() - i * 86400000)));
    const reports = [];
    for (const d of days) {
      const r = await call('GET', '/api/v1/admin/reports/daily?date=' + d);
      if (!r.ok) return box.replaceChildren(h('h2', {}, 'Daily report'), problem(r));
      reports.push(r.data.report);
    }
    const last = reports[reports.length - 1];
    const steps = [['Carts', last.carts_created], ['Orders', last.orders_placed], ['Paid', last.orders_paid], ['Enrolled', last.orders_enrolled]];
    const top = Math.max(1, ...steps.map((x) => x[1]));
    const funnel = s('svg', {viewBox: '0 0 420 150', width: 420, height: 150, role: 'img', 'aria-label': 'Funnel for ' + last.date, id: 'funnel'});
    steps.forEach(([label, n], i) => {
      const w = Math.max(2, Math.round(300 * n / top));
      funnel.append(s('text', {x: 0, y: 24 + i * 34}, label));
      funnel.append(s('rect', {x: 70, y: 10 + i * 34, width: w, height: 22, fill: '#1f5fd6', rx: 3}));
      funnel.append(s('text', {x: 76 + w, y: 26 + i * 34, 'data-step': label}, String(n)));
    });
    const currency = (last.revenue[0] || reports.flatMap((r) => r.revenue)[0] || {currency: 'INR'}).currency;
    const net = reports.map((r) => (r.revenue.find((x) => x.currency === currency) || {net: 0}).net);
    const peak = Math.max(1, ...net);
    const chart = s('svg', {viewBox: '0 0 620 180', width: 620, height: 180, role: 'img', 'aria-label': `Net revenue in ${currency}, last 30 days`, id: 'revenue'});
    chart.append(s('line', {x1: 40, y1: 150, x2: 610, y2: 150, stroke: '#9aa3b2'}));
    net.forEach((v, i) => {
      const bh = Math.round(130 * v / peak);
      const bar = s('rect', {x: 44 + i * 19, y: 150 - bh, width: 14, height: Math.max(bh, v ? 1 : 0), fill: '#137a3a'});
      bar.append(s('title', {}, `${days[i]}: ${money(v, currency)}`));
      chart.append(bar);
    });
    chart.append(s('text', {x: 0, y: 14}, net.some((v) => v) ? money(peak, currency) : 'No revenue yet'));
    chart.append(s('text', {x: 40, y: 170}, days[0]));
    chart.append(s('text', {x: 530, y: 170}, days[days.length - 1]));
    box.replaceChildren(h('h2', {}, 'Daily report'),
      h('h3', {}, `Funnel, ${last.date}`), funnel,
      h('p', {class: 'muted'}, `Cart to enrolled: ${Math.round(100 * last.conversion.cart_to_enrolled)}%`),
      h('h3', {}, `Net revenue, last 30 days (${currency})`), chart,
      table('report-table', ['Day', {text: 'Carts', num: 1}, {text: 'Orders', num: 1}, {text: 'Paid', num: 1}, {text: 'Enrolled', num: 1}, {text: 'Net', num: 1}],
        reports.slice().reverse().filter((r) => r.carts_created || r.orders_placed).map((r) => h('tr', {'data-date': r.date},
          h('td', {}, r.date), h('td', {class: 'num'}, r.carts_created), h('td', {class: 'num'}, r.orders_placed),
          h('td', {class: 'num'}, r.orders_paid), h('td', {class: 'num'}, r.orders_enrolled),
          h('td', {class: 'num'}, r.revenue.map((x) => money(x.net, x.currency)).join(', ') || '–')))));
  }

  async function webhooks(box) {
    const r = await call('GET', '/api/v1/admin/webhooks?limit=20');
    if (!r.ok) return box.replaceChildren(h('h2', {}, 'Recent webhooks'), problem(r));
    box.replaceChildren(h('h2', {}, 'Recent webhooks'), r.data.webhooks.length
      ? table('webhooks-table', ['Received', 'Gateway', 'Event', 'Result', 'Order'],
        r.data.webhooks.map((w) => h('tr', {'data-event': w.event_id},
          h('td', {}, w.received_at), h('td', {}, w.gateway), h('td', {}, w.event_type || ''),
          h('td', {}, w.result), h('td', {}, h('code', {}, w.order_token || '')))))
      : h('p', {class: 'muted'}, 'No webhook received yet.'));
  }

  // ---- signing in and the refresh loop ---------------------------------

  function signIn() {
    const note = h('div', {'aria-live': 'polite'});
    const dev = h('button', {id: 'dev-admin'}, 'Use a development admin token');
    dev.addEventListener('click', async () => {
      const r = await call('POST', '/api/v1/dev/token', {user_id: 'operator', admin: true});
      if (r.ok) {
        sessionStorage.setItem(tokenKey, r.data.token);
        return start();
      }
      note.replaceChildren(h('div', {class: 'alert error', role: 'alert'}, r.status === 404
        ? 'Development tokens exist only in development. Paste an admin token instead.' : 'Could not get a token.'));
    });
    const area = h('textarea', {id: 'admin-token', rows: 3, cols: 50});
    const form = h('form', {}, h('label', {for: 'admin-token'}, 'Admin access token (JWT with the admin role)'), area,
      h('p', {}, h('button', {type: 'submit', class: 'secondary'}, 'Sign in')));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      sessionStorage.setItem(tokenKey, area.value.trim());
      start();
    });
    main.replaceChildren(h('h1', {}, 'Sign in'), h('p', {}, dev), form, note);
    document.body.dataset.ready = 'signin';
  }

  let timer = null;

  async function start() {
    clearTimeout(timer);
    const probe = await call('GET', '/api/v1/admin/actors');
    if (!probe.ok) {
      sessionStorage.removeItem(tokenKey);
      signIn();
      if (probe.status === 403) main.append(h('div', {class: 'alert error', role: 'alert'}, 'That account is not an administrator.'));
      return;
    }
    const boxes = {};
    for (const id of ['health', 'actors', 'gateways', 'dlq', 'report', 'webhooks']) boxes[id] = h('section', {id});
    const out = h('button', {class: 'link', id: 'sign-out'}, 'Sign out');
    out.addEventListener('click', () => { sessionStorage.removeItem(tokenKey); clearTimeout(timer); signIn(); });
    document.getElementById('who').replaceChildren(out);
    main.replaceChildren(h('h1', {}, 'Operator console'), ...Object.values(boxes));
    const live = async () => {
      await Promise.all([health(boxes.health), actors(boxes.actors), gateways(boxes.gateways), webhooks(boxes.webhooks)]);
    };
    await live();
    await dlq(boxes.dlq);
    document.body.dataset.ready = 'console';
    report(boxes.report);
    // Live parts refresh; the DLQ list refreshes only on request, so a row
    // does not move under the operator's pointer.
    const tick = async () => {
      await live();
      timer = setTimeout(tick, 5000);
    };
    timer = setTimeout(tick, 5000);
  }

  if (sessionStorage.getItem(tokenKey)) start();
  else signIn();
})();
