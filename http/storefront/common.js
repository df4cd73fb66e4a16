// What the storefront and the operator console share: building DOM nodes
// (text only, never markup from data), money in minor units, and one API
// call that waits out a 429 and answers errors as values.
'use strict';

window.ui = (function () {
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'text') el.textContent = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  // Minor units to "₹1,234.56" (Indian digit grouping for rupees).
  function money(minor, currency) {
    const locale = currency === 'INR' ? 'en-IN' : 'en-US';
    try {
      return new Intl.NumberFormat(locale, {style: 'currency', currency}).format(minor / 100);
    } catch (e) {
      return currency + ' ' + (minor / 100).toFixed(2);
    }
  }

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  // One call; answers {status, ok, data, error}. A 429 is waited out (its
  // Retry-After, at most 5 s) up to three times; a network failure is status 0.
  async function request(method, url, body, headers) {
    const all = Object.assign({'Content-Type': 'application/json'}, headers || {});
    for (let attempt = 0; ; attempt++) {
      let res;
      try {
        res = await fetch(url, {method, headers: all, body: body === undefined ? undefined : JSON.stringify(body)});
      } catch (e) {
        return {status: 0, ok: false, error: {code: 0, message: 'The service did not answer.'}};
      }
      if (res.status === 429 && attempt < 3) {
        await sleep(1000 * Math.min(5, Number(res.headers.get('Retry-After')) || 1));
        continue;
      }
      let json = null;
      try {
        json = await res.json();
      } catch (e) {
        json = null;
      }
      if (res.ok && json && json.success === true) return {status: res.status, ok: true, data: json.data};
      const error = (json && json.error) || {code: res.status === 404 ? 1404 : 9500, message: 'HTTP ' + res.status};
      return {status: res.status, ok: false, error};
    }
  }

  return {h, money, sleep, request};
})();
