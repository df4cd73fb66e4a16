#!/usr/bin/env python3
"""Closed-loop checkout load: C shoppers, each repeating one complete checkout
(POST /cart, POST /cart/estimate, POST /orders with Idempotency-Key, signed
razorpay payment.captured webhook for the sandbox order) as fast as answers come.
Each checkout is a new user (a JWT signed here with JWT_SECRET), each shopper has
its own client address (X-Forwarded-For), so the default abuse limits stay on.

usage: checkout_load.py BASE SHOPPERS SECONDS [INTERNSHIP_ID]
env: JWT_SECRET, RAZORPAY_WEBHOOK_SECRET (from build/dev-secrets.env)
"""
import base64, hashlib, hmac, http.client, json, os, sys, threading, time, uuid
from urllib.parse import urlparse

base, shoppers, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
item = sys.argv[4] if len(sys.argv) > 4 else "bench-001"
u = urlparse(base)
jwt_secret = os.environ["JWT_SECRET"].encode()
hook_secret = os.environ["RAZORPAY_WEBHOOK_SECRET"].encode()


def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def token(sub):
    h = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    now = int(time.time())
    c = b64(json.dumps({"sub": sub, "iat": now, "exp": now + 3600}).encode())
    s = b64(hmac.new(jwt_secret, f"{h}.{c}".encode(), hashlib.sha256).digest())
    return f"{h}.{c}.{s}"


lock = threading.Lock()
done = 0
fails = {}
lat = {"cart": [], "estimate": [], "order": [], "webhook": [], "checkout": []}
stop_at = 0.0
run_id = uuid.uuid4().hex[:8]


class Shopper:
    def __init__(self, n):
        self.n = n
        self.conn = None
        self.xff = f"10.{n // 250}.{n % 250}.7"

    def call(self, method, path, body, headers):
        h = {"Content-Type": "application/json", "X-Forwarded-For": self.xff}
        h.update(headers)
        if self.conn is None:
            self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        try:
            self.conn.request(method, path, body=body, headers=h)
            r = self.conn.getresponse()
            data = r.read()
            if (r.getheader("Connection") or "").lower() == "close":
                self.conn.close()
                self.conn = None
            return r.status, data
        except (ConnectionError, http.client.HTTPException, OSError) as e:
            self.conn.close()
            self.conn = None
            return 0, str(e).encode()

    def step(self, name, method, path, body, headers, want):
        t = time.monotonic()
        st, data = self.call(method, path, body, headers)
        dt = time.monotonic() - t
        if st != want:
            with lock:
                k = f"{name}:{st}"
                fails[k] = fails.get(k, 0) + 1
            return None
        with lock:
            lat[name].append(dt)
        return json.loads(data)

    def checkout(self, i):
        t0 = time.monotonic()
        r = self.step("cart", "POST", "/api/v1/cart",
                      json.dumps({"products": [{"internship_id": item}]}), {}, 201)
        if not r:
            return False
        cart = r["data"]["cart"]["token"]
        if not self.step("estimate", "POST", "/api/v1/cart/estimate",
                         json.dumps({"cart_token": cart}), {}, 200):
            return False
        jwt = token(f"load-{run_id}-{self.n}-{i}")
        r = self.step("order", "POST", "/api/v1/orders", json.dumps({"cart_token": cart}),
                      {"Authorization": "Bearer " + jwt, "Idempotency-Key": str(uuid.uuid4())}, 201)
        if not r:
            return False
        o = r["data"]["order"]
        goid, total = o["payment"]["gateway_order_id"], o["total"]
        body = json.dumps({"entity": "event", "event": "payment.captured", "payload": {"payment": {"entity": {
            "id": "pay_" + goid[6:], "order_id": goid, "amount": total, "currency": o["currency"],
            "status": "captured"}}}}, separators=(",", ":"))
        sig = hmac.new(hook_secret, body.encode(), hashlib.sha256).hexdigest()
        r = self.step("webhook", "POST", "/api/v1/webhooks/razorpay", body,
                      {"X-Razorpay-Signature": sig, "X-Razorpay-Event-Id": "evt_" + uuid.uuid4().hex}, 200)
        if not r:
            return False
        with lock:
            lat["checkout"].append(time.monotonic() - t0)
        return True

    def run(self):
        global done
        i = 0
        while time.monotonic() < stop_at:
            i += 1
            if self.checkout(i):
                with lock:
                    done += 1


def pct(xs, p):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))] * 1000


cpu0 = os.times()
stop_at = time.monotonic() + seconds
threads = [threading.Thread(target=Shopper(n).run) for n in range(shoppers)]
t0 = time.monotonic()
for t in threads:
    t.start()
for t in threads:
    t.join()
wall = time.monotonic() - t0
cpu1 = os.times()
print(json.dumps({
    "base": base, "shoppers": shoppers, "seconds": round(wall, 1),
    "checkouts": done, "checkouts_per_s": round(done / wall, 1),
    "failures": fails,
    "p50_ms": {k: round(pct(v, 50), 1) for k, v in lat.items()},
    "p95_ms": {k: round(pct(v, 95), 1) for k, v in lat.items()},
    "load_generator_cpu_s": round((cpu1.user - cpu0.user) + (cpu1.system - cpu0.system), 1),
}))
