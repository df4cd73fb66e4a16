// The storefront (CONTRACT §15): one page that shows what its path names and
// gets every figure from the public API, exactly as any other client would.
// Markup is built with DOM calls and textContent, never from strings, so
// nothing the API returns can become script.
'use strict';

(function () {
  const main = document.getElementById('main');
  const keys = {jwt: 'checkout.jwt', cart: 'checkout.cart'};

  // ---- small helpers ------------------------------------------------------

  const {h, money, sleep} = window.ui;

  // A figure the tests can compare with the API: the text a person reads and
  // the minor units it came from.
  function figure(name, minor, currency, prefix) {
    return h('span', {'data-figure': name, 'data-minor': minor}, (prefix || '') + money(minor, currency));
  }

  function when(iso) {
    return new Date(iso).toLocaleString(undefined, {dateStyle: 'medium', timeStyle: 'short'});
  }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const x = [...b].map((v) => v.toString(16).padStart(2, '0')).join('');
    return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
  }

  function timeLeft(iso) {
    const s = Math.max(0, Math.round((new Date(iso) - Date.now()) / 1000));
    const m = Math.floor(s / 60);
    return `${m}:${String(s % 60).padStart(2, '0')}`;
  }


  // ---- who is signed in ---------------------------------------------------

  function claims() {
    const t = localStorage.getItem(keys.jwt);
    if (!t) return null;
    try {
      const p = JSON.parse(atob(t.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
      if (p.exp && p.exp * 1000 < Date.now()) {
        localStorage.removeItem(keys.jwt);
        return null;
      }
      return p;
    } catch (e) {
      localStorage.removeItem(keys.jwt);
      return null;
    }
  }

  // ---- the API ------------------------------------------------------------

  // The public API with the visitor's token; a 401 forgets a stale token.
  async function api(method, path, body, extraHeaders) {
    const headers = Object.assign({}, extraHeaders || {});
    const jwt = claims() && localStorage.getItem(keys.jwt);
    if (jwt) headers.Authorization = 'Bearer ' + jwt;
    const r = await window.ui.request(method, '/api/v1' + path, body, headers);
    if (r.status === 401 && jwt) localStorage.removeItem(keys.jwt);
    return r;
  }

  // ---- what an error means to a student ----------------------------------

  const sentences = {
    0: 'We could not reach the shop. Check your connection and try again.',
    1001: 'We could not find this cart. Start again from the catalog.',
    1002: 'This cart has expired, so its seats are no longer kept for you. Please add the internships again.',
    1003: 'This cart has already become an order. You can find it under My orders.',
    1004: 'Your cart is empty. Add an internship first.',
    1101: 'That internship no longer exists.',
    1102: 'Sorry, that internship is sold out or no longer offered.',
    1103: 'You are already enrolled in that internship. You will find it under My learning.',
    1104: 'We could not find this internship.',
    1401: 'Please sign in to continue.',
    1403: 'Your account is not allowed to do that.',
    1404: 'This page does not exist.',
    1429: 'You are going a little fast. Please wait a few seconds and try again.',
    4001: 'Payments are briefly unavailable. Please try again in a minute; you will not be charged twice.',
    4002: 'The payment provider could not start this payment. Please try again later.',
    5001: 'We could not find this order.',
    5002: 'Prices changed since you added these internships. Your cart now shows the new prices: please check the total and press Pay again.',
    5003: 'Sorry, the last seats of an internship in your cart have just gone. Remove it to continue.',
    5004: 'Your cart changed while we were placing the order. Please check it and press Pay again.',
    5005: 'This cannot be done with the order as it stands now. Reload the page to see its status.',
    5006: 'You already have orders waiting for payment. Pay for one of them, or wait until its payment window closes.',
    6002: 'We are still working on your previous click. One moment, please.',
    7002: 'The payment did not match the order. Please contact support; you have not been enrolled twice or charged twice.',
  };

  // The coupon rules' reasons (actors/coupon/coupon_rules.cpp), as sentences.
  const couponReasons = [
    [/^unknown coupon/, () => 'We do not recognise this code. Please check its spelling.'],
    [/usage limit per user/, () => 'You have already used this code as often as it allows.'],
    [/usage limit/, () => 'This code has been used up.'],
    [/not yet valid/, () => 'This code is not active yet.'],
    [/expired/, () => 'This code has expired.'],
    [/inactive/, () => 'This code is no longer active.'],
    [/sign in/, () => 'Sign in to use this code.'],
    [/first order only/, () => 'This code is only for your first order.'],
    [/not combinable with (\S+)/, (m) => `This code cannot be combined with ${m[1]}.`],
    [/already applied/, () => 'This code is already applied to your cart.'],
    [/not applicable/, () => 'This code does not apply to the internships in your cart.'],
    [/not available in (\w+)/, (m) => `This code cannot be used when paying in ${m[1]}.`],
    [/below minimum order value of (\w+) ([\d.]+)/,
      (m) => `Your order must come to at least ${money(Math.round(Number(m[2]) * 100), m[1])} to use this code.`],
  ];

  function couponSentence(reason) {
    for (const [re, say] of couponReasons) {
      const m = re.exec(reason);
      if (m) return say(m);
    }
    return reason.charAt(0).toUpperCase() + reason.slice(1) + '.';
  }

  function say(error) {
    const code = error && error.code;
    const reasons = (error && error.validation_messages) || [];
    if (code === 2004) {
      return reasons.length ? reasons.map(couponSentence).join(' ') : 'This code cannot be used.';
    }
    if (code === 1000) {
      return 'Please check what you entered: ' + (reasons.join('; ') || 'something is not right') + '.';
    }
    if (sentences[code]) return sentences[code];
    if (code >= 9000) return 'Something went wrong on our side. Please try again in a moment.';
    return 'Something went wrong. Please try again.';
  }

  function errorBox(error, id) {
    return h('div', {class: 'alert error', role: 'alert', id: id || null}, say(error));
  }

  // ---- the page frame ----------------------------------------------------

  function page(title, ...children) {
    main.replaceChildren(h('h1', {text: title}), ...children);
    document.title = title + ' · Internships';
  }

  function markNav() {
    for (const a of document.querySelectorAll('nav a')) {
      const p = new URL(a.href).pathname;
      const here = location.pathname;
      const current = p === '/' ? here === '/' || here.startsWith('/internships') : here.startsWith(p);
      if (current) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    const who = document.getElementById('who');
    const c = claims();
    if (c) {
      who.replaceChildren(
        h('span', {class: 'muted'}, 'Signed in as ', h('b', {id: 'signed-in-as'}, c.sub)), ' ',
        h('button', {class: 'link', id: 'sign-out', onclick: signOut}, 'Sign out'));
    } else {
      who.replaceChildren(h('a', {href: '/signin?next=' + encodeURIComponent(location.pathname), 'data-link': true, id: 'sign-in'}, 'Sign in'));
    }
  }

  function setCartCount(n) {
    const b = document.getElementById('cart-count');
    b.hidden = !n;
    b.textContent = n ? String(n) : '';
  }

  async function refreshCartCount() {
    const t = localStorage.getItem(keys.cart);
    if (!t) return setCartCount(0);
    const r = await api('GET', '/cart/' + t);
    if (r.ok && r.data.cart.status === 'active') {
      setCartCount(r.data.cart.items.reduce((n, i) => n + i.quantity, 0));
    } else {
      if (!r.ok && [404, 409, 410].includes(r.status)) localStorage.removeItem(keys.cart);
      setCartCount(0);
    }
  }

  function signOut() {
    localStorage.removeItem(keys.jwt);
    localStorage.removeItem(keys.cart);
    navigate('/');
  }

  // ---- catalog -----------------------------------------------------------

  const titles = new Map();

  async function internship(id) {
    if (titles.has(id)) return titles.get(id);
    const r = await api('GET', '/internships/' + encodeURIComponent(id));
    const i = r.ok ? r.data.internship : {id, title: id, plans: []};
    titles.set(id, i);
    return i;
  }

  function periodText(p) {
    if (!p) return '';
    return `${p.value} ${p.unit}${p.value === 1 ? '' : 's'}`;
  }

  function periodKey(p) {
    return p ? `${p.value}-${p.unit}` : '';
  }

  function seatsText(i) {
    if (i.seats_available === null) return 'Open to all';
    if (i.seats_available === 0) return 'Sold out';
    return `${i.seats_available} seat${i.seats_available === 1 ? '' : 's'} left`;
  }

  function priceOf(i) {
    if (i.is_free) return h('span', {class: 'price'}, 'Free');
    if (i.plans.length) {
      const low = Math.min(...i.plans.map((p) => p.price));
      return h('span', {class: 'price'}, 'from ', money(low, i.currency));
    }
    return h('span', {class: 'price', 'data-minor': i.price}, money(i.price, i.currency));
  }

  async function showCatalog() {
    const params = new URLSearchParams(location.search);
    const category = params.get('category') || '';
    page('Internships', h('p', {class: 'muted'}, 'Loading the catalog…'));
    const all = [];
    let cursor = '';
    do {
      const r = await api('GET', '/internships?limit=100' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
      if (!r.ok) return page('Internships', errorBox(r.error));
      all.push(...r.data.internships);
      cursor = r.data.next_cursor;
    } while (cursor && all.length < 500);
    const active = all.filter((i) => i.active);
    active.forEach((i) => titles.set(i.id, i));
    const categories = [...new Set(active.map((i) => i.category))].sort();
    const chips = h('div', {class: 'chips', role: 'group', 'aria-label': 'Categories'},
      ['', ...categories].map((c) => h('button', {
        class: 'chip', 'aria-pressed': String(c === category),
        onclick: () => navigate(c ? '/?category=' + encodeURIComponent(c) : '/'),
      }, c || 'All')));
    const shown = active.filter((i) => !category || i.category === category);
    const cards = shown.map((i) => h('article', {class: 'card', 'data-internship': i.id},
      h('h3', {}, h('a', {href: '/internships/' + encodeURIComponent(i.id), 'data-link': true}, i.title)),
      h('p', {class: 'muted'}, i.category, ' · ', seatsText(i)),
      priceOf(i),
      i.plans.length ? h('p', {class: 'muted'}, 'Plans: ', i.plans.map((p) => periodText(p.period)).join(', ')) : null));
    page('Internships', chips, shown.length ? h('div', {class: 'grid', id: 'catalog'}, cards) : h('p', {}, 'Nothing in this category yet.'));
  }

  async function showInternship(id) {
    const r = await api('GET', '/internships/' + encodeURIComponent(id));
    if (!r.ok) return page('Internship', errorBox(r.error));
    const i = r.data.internship;
    titles.set(i.id, i);
    const status = h('div', {'aria-live': 'polite'});
    let plan = null;
    const form = h('form', {id: 'enroll-form'});
    if (i.plans.length) {
      const fs = h('fieldset', {}, h('legend', {}, 'Choose a plan'));
      i.plans.forEach((p, n) => {
        const idp = 'plan-' + periodKey(p.period);
        fs.append(h('div', {},
          h('input', {type: 'radio', name: 'plan', id: idp, value: periodKey(p.period), checked: n === 0,
            onchange: () => { plan = p.period; }}),
          h('label', {for: idp, style: null}, `${periodText(p.period)} · ${money(p.price, i.currency)}`)));
      });
      plan = i.plans[0].period;
      form.append(fs);
    }
    const soldOut = i.seats_available === 0 || !i.active;
    const button = h('button', {type: 'submit', id: 'enroll', disabled: soldOut}, soldOut ? 'Sold out' : 'Enroll');
    form.append(button);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      button.disabled = true;
      status.replaceChildren();
      const added = await addToCart(i.id, plan);
      if (added.ok) return navigate('/cart/' + added.token);
      button.disabled = false;
      status.replaceChildren(errorBox(added.error));
    });
    page(i.title,
      h('p', {class: 'muted'}, i.category, ' · ', seatsText(i)),
      h('p', {}, priceOf(i)),
      form, status);
  }

  // Into the cart this browser keeps (or the signed-in user's active cart).
  async function addToCart(id, period) {
    const line = {internship_id: id, quantity: 1};
    if (period) line.period = period;
    const t = localStorage.getItem(keys.cart);
    if (t) {
      const r = await api('POST', `/cart/${t}/items`, line);
      if (r.ok) return {ok: true, token: t};
      // Gone, expired or already ordered: start a new cart below.
      if (![404, 409, 410].includes(r.status) || r.error.code === 1102 || r.error.code === 1103) {
        return {ok: false, error: r.error};
      }
      localStorage.removeItem(keys.cart);
    }
    const r = await api('POST', '/cart', {products: [line]}, {'Idempotency-Key': uuid()});
    if (!r.ok) return {ok: false, error: r.error};
    localStorage.setItem(keys.cart, r.data.cart.token);
    return {ok: true, token: r.data.cart.token};
  }

  // ---- cart --------------------------------------------------------------

  const gstStates = [
    ['AN', 'Andaman and Nicobar Islands'], ['AP', 'Andhra Pradesh'], ['AR', 'Arunachal Pradesh'], ['AS', 'Assam'],
    ['BR', 'Bihar'], ['CH', 'Chandigarh'], ['CT', 'Chhattisgarh'], ['DH', 'Dadra and Nagar Haveli and Daman and Diu'],
    ['DL', 'Delhi'], ['GA', 'Goa'], ['GJ', 'Gujarat'], ['HR', 'Haryana'], ['HP', 'Himachal Pradesh'],
    ['JK', 'Jammu and Kashmir'], ['JH', 'Jharkhand'], ['KA', 'Karnataka'], ['KL', 'Kerala'], ['LA', 'Ladakh'],
    ['LD', 'Lakshadweep'], ['MP', 'Madhya Pradesh'], ['MH', 'Maharashtra'], ['MN', 'Manipur'], ['ML', 'Meghalaya'],
    ['MZ', 'Mizoram'], ['NL', 'Nagaland'], ['OR', 'Odisha'], ['PY', 'Puducherry'], ['PB', 'Punjab'],
    ['RJ', 'Rajasthan'], ['SK', 'Sikkim'], ['TN', 'Tamil Nadu'], ['TG', 'Telangana'], ['TR', 'Tripura'],
    ['UP', 'Uttar Pradesh'], ['UT', 'Uttarakhand'], ['WB', 'West Bengal'],
  ];
  const countries = [['IN', 'India'], ['US', 'United States'], ['GB', 'United Kingdom'], ['SG', 'Singapore'],
    ['AE', 'United Arab Emirates'], ['DE', 'Germany'], ['CA', 'Canada'], ['AU', 'Australia']];

  function select(id, label, options, value, onchange) {
    return h('div', {},
      h('label', {for: id}, label),
      h('select', {id, onchange}, options.map(([v, t]) => h('option', {value: v, selected: v === value}, t))));
  }

  async function showCart(token) {
    if (!token) {
      const t = localStorage.getItem(keys.cart);
      if (t) return navigate('/cart/' + t, true);
      return page('Your cart', h('p', {id: 'cart-empty'}, 'Your cart is empty. ', h('a', {href: '/', 'data-link': true}, 'Browse internships')));
    }
    const r = await api('GET', '/cart/' + token);
    if (!r.ok) {
      if (localStorage.getItem(keys.cart) === token) localStorage.removeItem(keys.cart);
      setCartCount(0);
      return page('Your cart', errorBox(r.error, 'cart-error'), h('p', {}, h('a', {href: '/', 'data-link': true}, 'Back to the catalog')));
    }
    await renderCart(r.data.cart);
  }

  // Every change answers with the cart; the figures then come from the estimate.
  async function renderCart(cart, notice) {
    if (cart.status === 'active') localStorage.setItem(keys.cart, cart.token);
    setCartCount(cart.items.reduce((n, i) => n + i.quantity, 0));
    const msg = h('div', {id: 'cart-message', 'aria-live': 'polite'}, notice || null);
    const cur = cart.currency;
    if (cart.status !== 'active') {
      return page('Your cart', h('p', {}, 'This cart has already become an order. ',
        h('a', {href: '/orders', 'data-link': true}, 'See My orders')));
    }
    if (!cart.items.length) {
      return page('Your cart', msg, h('p', {id: 'cart-empty'}, 'Your cart is empty. ', h('a', {href: '/', 'data-link': true}, 'Browse internships')));
    }
    const est = await api('POST', '/cart/estimate', {cart_token: cart.token});
    if (!est.ok) return page('Your cart', errorBox(est.error));
    const e = est.data;

    const change = async (method, path, body) => {
      msg.replaceChildren();
      const res = await api(method, `/cart/${cart.token}${path}`, body);
      if (res.ok) return renderCart(res.data.cart || cart);
      msg.replaceChildren(errorBox(res.error));
      return null;
    };

    const rows = [];
    for (const item of cart.items) {
      const i = await internship(item.internship_id);
      const qid = 'qty-' + item.internship_id;
      const line = e.items.find((x) => x.internship_id === item.internship_id) || item;
      rows.push(h('tr', {'data-line': item.internship_id},
        h('td', {}, h('a', {href: '/internships/' + encodeURIComponent(i.id), 'data-link': true}, i.title),
          i.plans.length > 1 ? planChoice(cart, item, i, msg) : item.period ? h('div', {class: 'muted'}, 'Plan: ', periodText(item.period)) : null),
        h('td', {}, h('label', {for: qid, class: 'muted'}, 'Quantity'),
          h('input', {id: qid, type: 'number', min: 1, max: 100, value: item.quantity,
            onchange: (ev) => {
              const q = Number(ev.target.value);
              if (Number.isInteger(q) && q >= 1 && q <= 100) change('PATCH', '/items/' + encodeURIComponent(item.internship_id), {quantity: q});
              else msg.replaceChildren(h('div', {class: 'alert error', role: 'alert'}, 'Choose a quantity from 1 to 100.'));
            }})),
        h('td', {class: 'num'}, figure('line_base', line.base_price, cur),
          line.discount_amount ? h('div', {class: 'muted'}, figure('line_discount', line.discount_amount, cur, '−')) : null),
        h('td', {}, h('button', {class: 'link', 'aria-label': 'Remove ' + i.title,
          onclick: () => change('DELETE', '/items/' + encodeURIComponent(item.internship_id))}, 'Remove'))));
    }
    const lines = h('table', {class: 'lines', id: 'cart-items'},
      h('thead', {}, h('tr', {}, h('th', {}, 'Internship'), h('th', {}, 'Quantity'), h('th', {class: 'num'}, 'Price'), h('th', {}, h('span', {class: 'muted'}, 'Action')))),
      h('tbody', {}, rows));

    // Billing: drives the tax (CGST+SGST inside the seller's state, IGST outside).
    const billing = cart.billing || {country: 'IN', state: null};
    const putBilling = (country, state) => change('PUT', '/billing', state ? {country, state} : {country});
    const billingBox = h('div', {class: 'row', id: 'billing'},
      select('billing-country', 'Billing country', countries, billing.country,
        (ev) => putBilling(ev.target.value, ev.target.value === 'IN' ? billing.state : null)),
      billing.country === 'IN'
        ? select('billing-state', 'State', [['', 'Choose your state'], ...gstStates], billing.state || '',
          (ev) => putBilling('IN', ev.target.value || null))
        : null);

    // Coupons.
    const couponError = h('div', {id: 'coupon-error', 'aria-live': 'assertive'});
    const couponInput = h('input', {id: 'coupon-input', name: 'coupon', autocomplete: 'off', required: true});
    const couponForm = h('form', {id: 'coupon-form', class: 'row'},
      h('div', {}, h('label', {for: 'coupon-input'}, 'Coupon code'), couponInput),
      h('button', {type: 'submit', id: 'coupon-apply', class: 'secondary'}, 'Apply'));
    couponForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const code = couponInput.value.trim();
      if (!code) return;
      const res = await api('POST', `/cart/${cart.token}/coupon`, {coupon: code});
      if (res.ok) return renderCart(res.data.cart, h('div', {class: 'alert ok'}, `Coupon ${code.toUpperCase()} applied: you save ${money(res.data.discount_amount, cur)}.`));
      couponError.replaceChildren(errorBox(res.error, 'coupon-reason'));
    });
    const applied = h('div', {id: 'coupons'}, cart.coupons.map((c) => {
      const code = typeof c === 'string' ? c : c.code;
      return h('span', {class: 'coupon', 'data-coupon': code}, code,
        h('button', {class: 'link', 'aria-label': 'Remove coupon ' + code,
          onclick: () => change('DELETE', '/coupon?code=' + encodeURIComponent(code))}, 'Remove'));
    }));

    // Totals, exactly as /cart/estimate gives them.
    const trow = (label, node, cls) => h('tr', {class: cls || null}, h('td', {}, label), h('td', {class: 'num'}, node));
    const totals = h('table', {class: 'totals', id: 'totals'},
      h('tbody', {},
        trow('Price', figure('base_total', e.base_total, cur)),
        e.discount_amount ? trow(`Discount (${e.discount_percentage}%)`, figure('discount_amount', e.discount_amount, cur, '−')) : null,
        trow('Subtotal', figure('sub_total', e.sub_total, cur)),
        e.tax_breakdown.map((t) => trow(`${t.name} ${t.rate}%`, figure('tax_' + t.name, t.amount, cur))),
        trow('Total', figure('total', e.total, cur), 'grand')));

    // Paying needs an account (CONTRACT §7); a guest cart is attached on sign-in.
    const payBox = h('div', {id: 'pay-box'});
    if (claims()) {
      const pay = h('button', {id: 'pay', type: 'button'}, e.total ? `Pay ${money(e.total, cur)}` : 'Enroll for free');
      pay.addEventListener('click', () => placeOrder(cart, pay, msg));
      payBox.append(pay);
    } else {
      payBox.append(h('p', {}, h('a', {class: 'button', id: 'sign-in-to-pay', href: '/signin?next=' + encodeURIComponent('/cart/' + cart.token), 'data-link': true}, 'Sign in to pay')));
    }

    page('Your cart', msg, lines,
      h('h2', {}, 'Billing'), billingBox,
      h('h2', {}, 'Coupons'), applied, couponForm, couponError,
      h('h2', {}, 'Summary'), totals, payBox,
      h('p', {class: 'muted'}, 'Cart kept until ', when(cart.expires_at), '.'));
  }

  // The API has no "change plan" on the token route (seed 003's alias is
  // issue 17), so a new plan is the line removed and added again with it.
  function planChoice(cart, item, i, msg) {
    const id = 'plan-of-' + item.internship_id;
    return h('div', {},
      h('label', {for: id, class: 'muted'}, 'Plan'),
      h('select', {id, onchange: async (ev) => {
        const p = i.plans.find((x) => periodKey(x.period) === ev.target.value);
        const path = `/cart/${cart.token}/items`;
        const gone = await api('DELETE', `${path}/${encodeURIComponent(item.internship_id)}`);
        const back = gone.ok ? await api('POST', path, {internship_id: item.internship_id, quantity: item.quantity, period: p.period}) : gone;
        const now = await api('GET', '/cart/' + cart.token);
        if (now.ok) return renderCart(now.data.cart, back.ok ? null : errorBox(back.error));
        msg.replaceChildren(errorBox(back.ok ? now.error : back.error));
      }}, i.plans.map((p) => h('option', {value: periodKey(p.period), selected: periodKey(p.period) === periodKey(item.period)},
        `${periodText(p.period)} · ${money(p.price, i.currency)}`))));
  }

  // One order per press, however often it is pressed: the key is kept for
  // this cart until the order exists, so a second press, a reload or a
  // retry after a network failure replays the same request.
  async function placeOrder(cart, button, msg) {
    if (button.disabled) return;
    button.disabled = true;
    msg.replaceChildren(h('div', {class: 'alert info'}, 'Placing your order…'));
    const keyName = 'checkout.order-key.' + cart.token;
    let key = sessionStorage.getItem(keyName);
    if (!key) {
      key = uuid();
      sessionStorage.setItem(keyName, key);
    }
    const back = location.origin + '/orders/{order_token}';
    let body = {cart_token: cart.token, success_url: back + '?from=gateway', cancel_url: back + '?from=cancel'};
    for (let attempt = 0; attempt < 20; attempt++) {
      const r = await api('POST', '/orders', body, {'Idempotency-Key': key});
      if (r.ok) {
        localStorage.removeItem(keys.cart);
        setCartCount(0);
        const o = r.data.order;
        if (o.status === 'awaiting_payment' && o.payment && o.payment.checkout_url) {
          location.assign(o.payment.checkout_url);
        } else {
          navigate('/orders/' + o.order_token);
        }
        return;
      }
      if (r.error.code === 6002 || r.error.code === 9504 || r.status === 0) {
        await sleep(700);
        continue;
      }
      sessionStorage.removeItem(keyName);
      if (r.error.code === 5002 || r.error.code === 5004) {
        const fresh = await api('GET', '/cart/' + cart.token);
        if (fresh.ok) return renderCart(fresh.data.cart, errorBox(r.error));
      }
      if (r.error.code === 1003) {
        return navigate('/orders');
      }
      button.disabled = false;
      msg.replaceChildren(errorBox(r.error, 'pay-error'));
      return;
    }
    button.disabled = false;
    msg.replaceChildren(errorBox({code: 6002}, 'pay-error'));
  }

  // ---- signing in -------------------------------------------------------

  function showSignin() {
    const next = new URLSearchParams(location.search).get('next') || '/';
    const status = h('div', {'aria-live': 'polite'});
    const user = h('input', {id: 'user-id', name: 'user_id', required: true, autocomplete: 'username', value: 'student-1'});
    const email = h('input', {id: 'email', name: 'email', type: 'email', autocomplete: 'email', value: 'student-1@example.com'});
    const form = h('form', {id: 'signin-form'},
      h('p', {class: 'muted'}, 'Development sign-in: pick any user id; no password is needed here.'),
      h('label', {for: 'user-id'}, 'User id'), user,
      h('label', {for: 'email'}, 'Email'), email,
      h('p', {}, h('button', {type: 'submit', id: 'sign-in-submit'}, 'Sign in')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const body = {user_id: user.value.trim()};
      if (email.value.trim()) body.email = email.value.trim();
      const r = await api('POST', '/dev/token', body);
      if (r.ok) return signedIn(r.data.token, next, status);
      if (r.status === 404) return page('Sign in', pasteToken(next));
      status.replaceChildren(errorBox(r.error));
    });
    page('Sign in', form, status);
  }

  // Production has no development sign-in (CONTRACT §15): a token from the
  // site's identity provider is pasted instead.
  function pasteToken(next) {
    const status = h('div', {'aria-live': 'polite'});
    const area = h('textarea', {id: 'token', rows: 4, cols: 40, required: true});
    const form = h('form', {}, h('label', {for: 'token'}, 'Your access token'), area, h('p', {}, h('button', {type: 'submit'}, 'Sign in')));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      signedIn(area.value.trim(), next, status);
    });
    return h('div', {}, form, status);
  }

  async function signedIn(token, next, status) {
    localStorage.setItem(keys.jwt, token);
    if (!claims()) {
      return status.replaceChildren(h('div', {class: 'alert error', role: 'alert'}, 'That token is not valid.'));
    }
    // The guest cart becomes the user's (CONTRACT §6).
    const t = localStorage.getItem(keys.cart);
    if (t) {
      const r = await api('POST', `/cart/${t}/auth/login`);
      if (r.ok && r.data.cart && r.data.cart.token) {
        localStorage.setItem(keys.cart, r.data.cart.token);
        if (next === '/cart/' + t) next = '/cart/' + r.data.cart.token;
      } else if (!r.ok) {
        localStorage.removeItem(keys.cart);
      }
    }
    navigate(next);
  }

  function needSignIn(title) {
    page(title, h('p', {}, 'Please ', h('a', {href: '/signin?next=' + encodeURIComponent(location.pathname), 'data-link': true}, 'sign in'), ' to see this page.'));
  }

  // ---- orders ----------------------------------------------------------

  const statusWords = {
    awaiting_payment: 'Waiting for payment',
    paid: 'Paid, enrolling you',
    completed: 'Enrolled',
    failed: 'Payment failed',
    expired: 'Payment window closed',
    refunded: 'Refunded',
  };

  let poll = null;

  async function showOrder(token) {
    if (!claims()) return needSignIn('Your order');
    const from = new URLSearchParams(location.search).get('from');
    const started = Date.now();
    let paidSince = null;
    const render = async () => {
      const r = await api('GET', '/orders/' + token);
      if (!r.ok) {
        page('Your order', errorBox(r.error, 'order-error'));
        return false;
      }
      const o = r.data.order;
      if (o.status === 'paid' && !paidSince) paidSince = Date.now();
      const cur = o.currency;
      const notes = [];
      if (from === 'cancel' && o.status === 'awaiting_payment') {
        notes.push(h('div', {class: 'alert warn'}, 'You left the payment page without paying. You can pay until the window closes.'));
      }
      if (o.status === 'awaiting_payment' && from === 'gateway' && Date.now() - started > 10000) {
        notes.push(h('div', {class: 'alert info', id: 'slow'}, 'We are still waiting for the payment provider to confirm. If you paid, you will be enrolled as soon as it does; you can close this page and find the order under My orders.'));
      }
      if (o.status === 'paid' && Date.now() - paidSince > 8000) {
        notes.push(h('div', {class: 'alert info', id: 'slow'}, 'Your payment is confirmed. Enrolling is taking longer than usual: it will finish on its own, and the internship will appear under My learning. You can close this page.'));
      }
      const action = h('div', {id: 'order-action'});
      if (o.status === 'completed') {
        action.append(h('div', {class: 'alert ok'}, 'You are enrolled. ', h('a', {href: '/learning', 'data-link': true, id: 'go-learning'}, 'Go to My learning')));
      } else if (o.status === 'failed') {
        const retry = h('button', {id: 'retry'}, 'Retry payment');
        const err = h('div', {'aria-live': 'polite'});
        retry.addEventListener('click', () => retryPayment(o, retry, err));
        action.append(h('div', {class: 'alert error'}, 'Your payment did not go through, and no money was taken. You can try again until ',
          when(o.expires_at), '.'), retry, err);
      } else if (o.status === 'expired') {
        action.append(h('div', {class: 'alert warn', id: 'expired'}, 'The payment window closed before a payment arrived, so the seats and coupons were released and nothing was charged. ',
          h('a', {href: '/', 'data-link': true}, 'Start again from the catalog')));
      } else if (o.status === 'awaiting_payment' && o.payment) {
        action.append(h('p', {}, 'Time left to pay: ', h('b', {id: 'time-left'}, timeLeft(o.expires_at))),
          h('a', {class: 'button', id: 'continue-payment', href: o.payment.checkout_url}, 'Continue to payment'));
      } else if (o.status === 'refunded') {
        action.append(h('div', {class: 'alert info'}, 'This order was refunded.'));
      }
      if (o.invoice_url) {
        // Opens the printable tax invoice; the link carries its own key.
        action.append(h('p', {}, h('a', {href: o.invoice_url, id: 'invoice-link', target: '_blank', rel: 'noopener'}, 'Tax invoice')));
      }
      const items = [];
      for (const it of o.items) {
        const i = await internship(it.internship_id);
        items.push(h('tr', {}, h('td', {}, i.title, it.period ? ` (${periodText(it.period)})` : '', it.quantity > 1 ? ` × ${it.quantity}` : ''),
          h('td', {class: 'num'}, figure('item_total', it.total, cur))));
      }
      page('Your order',
        h('p', {}, h('span', {class: 'status ' + o.status, id: 'order-status', 'data-status': o.status, 'aria-live': 'polite'}, statusWords[o.status] || o.status)),
        ...notes, action,
        h('h2', {}, 'What you bought'),
        h('table', {class: 'lines', id: 'order-items'}, h('tbody', {}, items)),
        h('table', {class: 'totals'}, h('tbody', {},
          o.discount_amount ? h('tr', {}, h('td', {}, 'Price'), h('td', {class: 'num'}, figure('base_total', o.subtotal + o.discount_amount, cur))) : null,
          o.discount_amount ? h('tr', {}, h('td', {}, 'Discount'), h('td', {class: 'num'}, figure('discount_amount', o.discount_amount, cur, '−'))) : null,
          // The order's subtotal is after discount (CONTRACT §5).
          h('tr', {}, h('td', {}, 'Subtotal'), h('td', {class: 'num'}, figure('subtotal', o.subtotal, cur))),
          h('tr', {}, h('td', {}, 'Tax'), h('td', {class: 'num'}, figure('tax_amount', o.tax_amount, cur))),
          h('tr', {class: 'grand'}, h('td', {}, 'Total'), h('td', {class: 'num'}, figure('total', o.total, cur))))),
        h('h2', {}, 'History'),
        h('ol', {class: 'steps', id: 'history'}, o.history.map((x) => h('li', {}, statusWords[x.status] || x.status, ' — ', when(x.at), x.reason ? ` (${x.reason})` : ''))));
      return ['awaiting_payment', 'paid'].includes(o.status);
    };
    const again = await render();
    if (again) {
      // A real page's pace: every 1.5 s while it matters, then every 5 s.
      const tick = async () => {
        if (!location.pathname.endsWith(token)) return;
        const more = await render();
        if (more) poll = setTimeout(tick, Date.now() - started < 60000 ? 1500 : 5000);
      };
      poll = setTimeout(tick, 1500);
    }
  }

  async function retryPayment(o, button, err) {
    button.disabled = true;
    const keyName = 'checkout.retry-key.' + o.order_token + '.' + o.history.length;
    let key = sessionStorage.getItem(keyName);
    if (!key) {
      key = uuid();
      sessionStorage.setItem(keyName, key);
    }
    for (let attempt = 0; attempt < 20; attempt++) {
      const r = await api('POST', `/orders/${o.order_token}/payments`, {}, {'Idempotency-Key': key});
      if (r.ok) {
        const p = r.data.order ? r.data.order.payment : r.data.payment;
        if (p && p.checkout_url) return location.assign(p.checkout_url);
        return navigate('/orders/' + o.order_token);
      }
      if (r.error.code === 6002 || r.status === 0) {
        await sleep(700);
        continue;
      }
      sessionStorage.removeItem(keyName);
      button.disabled = false;
      err.replaceChildren(errorBox(r.error, 'retry-error'));
      return;
    }
  }

  // The user's referral code, and the rewards it earned that are still usable (CONTRACT §16).
  async function referralBox() {
    const r = await api('GET', '/referrals/me');
    if (!r.ok) return [];
    const rewards = r.data.referred.filter((x) => x.reward_usable).map((x) => x.reward_coupon);
    return [h('section', {id: 'referral'}, h('h2', {}, 'Invite a friend'),
      h('p', {}, 'Your referral code: ', h('b', {id: 'referral-code'}, r.data.code),
        '. A friend who applies it to their first order gets a discount, and you get a coupon once they have paid.'),
      rewards.length ? h('p', {id: 'referral-rewards'}, 'Your reward coupons: ', rewards.join(', ')) : null)];
  }

  async function showOrders() {
    if (!claims()) return needSignIn('My orders');
    const r = await api('GET', '/orders?limit=50');
    if (!r.ok) return page('My orders', errorBox(r.error));
    const orders = r.data.orders;
    const invite = await referralBox();
    if (!orders.length) return page('My orders', h('p', {}, 'No orders yet. ', h('a', {href: '/', 'data-link': true}, 'Browse internships')), ...invite);
    page('My orders', h('table', {class: 'lines', id: 'orders'},
      h('thead', {}, h('tr', {}, h('th', {}, 'Placed'), h('th', {}, 'Status'), h('th', {class: 'num'}, 'Total'))),
      h('tbody', {}, orders.map((o) => h('tr', {'data-order': o.order_token},
        h('td', {}, h('a', {href: '/orders/' + o.order_token, 'data-link': true}, when(o.created_at))),
        h('td', {}, h('span', {class: 'status ' + o.status}, statusWords[o.status] || o.status)),
        h('td', {class: 'num'}, figure('total', o.total, o.currency)))))), ...invite);
  }

  async function showLearning() {
    if (!claims()) return needSignIn('My learning');
    const r = await api('GET', '/enrollments');
    if (!r.ok) return page('My learning', errorBox(r.error));
    const list = r.data.enrollments;
    if (!list.length) return page('My learning', h('p', {}, 'You are not enrolled in anything yet. ', h('a', {href: '/', 'data-link': true}, 'Browse internships')));
    const cards = [];
    for (const e of list) {
      const i = await internship(e.internship_id);
      cards.push(h('article', {class: 'card', 'data-enrollment': e.enrollment_id, 'data-internship': e.internship_id},
        h('h3', {}, i.title),
        h('p', {class: 'muted'}, e.status === 'active' ? 'Active' : e.status === 'revoked' ? 'Cancelled (refunded)' : e.status,
          ' · since ', when(e.created_at)),
        h('a', {href: '/orders/' + e.order_token, 'data-link': true}, 'Order details')));
    }
    page('My learning', h('div', {class: 'grid', id: 'enrollments'}, cards));
  }

  // ---- routing ---------------------------------------------------------

  async function route() {
    clearTimeout(poll);
    markNav();
    const parts = location.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    try {
      if (!parts.length) await showCatalog();
      else if (parts[0] === 'internships' && parts[1]) await showInternship(parts[1]);
      else if (parts[0] === 'cart') await showCart(parts[1]);
      else if (parts[0] === 'orders' && parts[1]) await showOrder(parts[1]);
      else if (parts[0] === 'orders') await showOrders();
      else if (parts[0] === 'learning') await showLearning();
      else if (parts[0] === 'signin') showSignin();
      else page('Not found', h('p', {}, 'This page does not exist. ', h('a', {href: '/', 'data-link': true}, 'Back to the catalog')));
    } catch (e) {
      console.error(e);
      page('Something went wrong', errorBox({code: 9500}));
    }
    markNav();
    main.focus({preventScroll: true});
    document.body.dataset.ready = location.pathname + location.search;
  }

  function navigate(path, replace) {
    if (replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
    route();
  }

  document.addEventListener('click', (e) => {
    const a = e.target.closest('a[data-link]');
    if (!a || e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    navigate(a.getAttribute('href'));
  });
  window.addEventListener('popstate', route);
  refreshCartCount();
  route();
})();
