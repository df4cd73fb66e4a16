"""What the browser tests stand on: a database and a RabbitMQ vhost of their
own (cloned from scripts/test's template, as tests/support/isolated_services.cpp
does for the C++ suites), checkoutd started in development on a free port, a
catalog made through the admin API, and headless Chromium driven by Selenium.

Only Debian's packages: python3-selenium, chromium, chromium-driver.
"""

import base64
import hashlib
import hmac
import json
import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ARTIFACTS = os.environ.get("CHECKOUT_BROWSER_ARTIFACTS", os.path.join(tempfile.gettempdir(), "checkout-browser"))


def env(name, default):
    value = os.environ.get(name)
    return value if value else default


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(secret, sub, admin=False, email=None):
    """An HS256 token as the service checks them (CONTRACT §2)."""
    claims = {"sub": sub, "exp": int(time.time()) + 3600}
    if admin:
        claims["roles"] = ["admin"]
    if email:
        claims["email"] = email
    head = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64url(json.dumps(claims).encode())
    sig = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64url(sig)}"


class Reply:
    def __init__(self, status, body, headers):
        self.status = status
        self.body = body
        self.headers = headers

    @property
    def data(self):
        return self.body.get("data") if isinstance(self.body, dict) else None


def http(method, url, body=None, headers=None, auth=None, timeout=20):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    if auth:
        req.add_header("Authorization", auth)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            raw, status, hdrs = res.read(), res.status, dict(res.headers)
    except urllib.error.HTTPError as e:
        raw, status, hdrs = e.read(), e.code, dict(e.headers)
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw.decode(errors="replace")
    return Reply(status, parsed, hdrs)


class Services:
    """A database cloned from the template and a vhost, dropped at the end."""

    def __init__(self):
        self.admin_url = env("CHECKOUT_TEST_DATABASE_ADMIN_URL",
                             "postgresql://checkout_test:checkout_test@127.0.0.1:5432/postgres")
        self.template = env("CHECKOUT_TEST_DATABASE_TEMPLATE", "checkout_test_template")
        self.broker = env("CHECKOUT_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5673")
        self.broker_api = env("CHECKOUT_TEST_BROKER_API", "http://127.0.0.1:15673")
        prefix = env("CHECKOUT_TEST_PREFIX", "ct_manual")
        self.name = f"{prefix}_browser_{os.getpid()}_{random.randrange(10**6)}"

    def _psql(self, sql):
        subprocess.run(["psql", "-qtA", self.admin_url, "-c", sql], check=True,
                       stdout=subprocess.DEVNULL)

    def _rabbit(self, method, path, body=None):
        auth = "Basic " + base64.b64encode(b"guest:guest").decode()
        r = http(method, self.broker_api + path, body, auth=auth)
        if r.status // 100 != 2:
            raise RuntimeError(f"RabbitMQ management {method} {path}: {r.status} {r.body}")
        return r

    def create(self):
        # CREATE DATABASE ... TEMPLATE fails while another session uses the template.
        for attempt in range(50):
            try:
                self._psql(f"CREATE DATABASE {self.name} TEMPLATE {self.template}")
                break
            except subprocess.CalledProcessError:
                if attempt == 49:
                    raise
                time.sleep(0.2)
        self._rabbit("PUT", f"/api/vhosts/{self.name}", {})
        self._rabbit("PUT", f"/api/permissions/{self.name}/guest",
                     {"configure": ".*", "write": ".*", "read": ".*"})
        base = self.admin_url[: self.admin_url.rfind("/") + 1]
        self.database_url = base + self.name
        self.amqp_url = f"{self.broker}/{self.name}"

    def drop(self):
        try:
            self._rabbit("DELETE", f"/api/vhosts/{self.name}")
        finally:
            self._psql(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")

    def publish(self, routing_key, body, properties):
        """Straight into a queue through the default exchange."""
        vhost = urllib.parse.quote(self.name, safe="")
        r = self._rabbit("POST", f"/api/exchanges/{vhost}/amq.default/publish",
                         {"properties": properties, "routing_key": routing_key,
                          "payload": body, "payload_encoding": "string"})
        if not r.data and not (isinstance(r.body, dict) and r.body.get("routed")):
            raise RuntimeError(f"not routed to {routing_key}: {r.body}")


class Checkoutd:
    """One checkoutd in development, as scripts/run starts it."""

    def __init__(self, services, secrets, log_path, **settings):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        environment = dict(os.environ)
        environment.update({
            "CHECKOUT_ENV": "development",
            "CHECKOUT_LISTEN": f"127.0.0.1:{self.port}",
            "PUBLIC_BASE_URL": self.base,
            "ALLOWED_REDIRECT_ORIGINS": self.base,
            "DATABASE_URL": services.database_url,
            "AMQP_URL": services.amqp_url,
            "JWT_SECRET": secrets["jwt"],
            "RAZORPAY_WEBHOOK_SECRET": secrets["razorpay"],
            "PAYMENT_GATEWAY": "sandbox",
            "LOG_LEVEL": "warn",
            "RATE_LIMIT_IP": "0",
            "RATE_LIMIT_USER": "0",
            "COUPON_ATTEMPTS_PER_CART": "0",
            "MAX_OPEN_ORDERS_PER_USER": "0",
        })
        environment.update({k: str(v) for k, v in settings.items()})
        binary = env("CHECKOUTD_BIN", os.path.join(os.getcwd(), "checkoutd"))
        self.log = open(log_path, "ab")
        self.proc = subprocess.Popen([binary], env=environment, stdout=self.log, stderr=self.log)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"checkoutd exited with {self.proc.returncode}; see {log_path}")
            try:
                if http("GET", self.base + "/readyz", timeout=2).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"checkoutd not ready in 30 s; see {log_path}")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()

    def api(self, method, path, body=None, token=None, headers=None):
        return http(method, self.base + "/api/v1" + path, body, headers,
                    auth=("Bearer " + token) if token else None)


def browser(width=412, height=915):
    """Headless Debian Chromium, phone-sized unless told otherwise."""
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={width},{height}", "--lang=en-US"):
        options.add_argument(arg)
    # "performance" carries the DevTools network events: what the page sent.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    return driver


def wait_for(driver, condition, timeout=20, what="the page"):
    # The page re-renders a region when an answer comes: an element found a
    # moment before may be gone by the time it is read. That is "not yet".
    return WebDriverWait(driver, timeout, poll_frequency=0.1,
                         ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: condition(d), message=f"waiting for {what}")


def ready(driver, path_prefix, timeout=20):
    """The storefront marks <body data-ready> with the path it finished drawing."""
    return wait_for(driver, lambda d: (d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") or "")
                    .startswith(path_prefix), timeout, f"the page {path_prefix} to be drawn")


def sent_requests(driver, method, path_suffix):
    """The requests the page sent since the last call: [{url, headers}]."""
    out = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") != "Network.requestWillBeSent":
            continue
        request = message["params"]["request"]
        if request["method"] == method and request["url"].split("?")[0].endswith(path_suffix):
            out.append({"url": request["url"], "headers": request.get("headers", {})})
    return out


def save_artifacts(driver, name, failed):
    """A screenshot always; the page's console log as well when the test failed."""
    os.makedirs(ARTIFACTS, exist_ok=True)
    driver.save_screenshot(os.path.join(ARTIFACTS, name + ".png"))
    if failed:
        try:
            entries = driver.get_log("browser")
        except Exception as e:  # the log is evidence, not a verdict
            entries = [{"level": "ERROR", "message": f"could not read the console log: {e}"}]
        with open(os.path.join(ARTIFACTS, name + ".console.log"), "w") as f:
            f.write(f"url: {driver.current_url}\n")
            for e in entries:
                f.write(f"{e.get('level')} {e.get('message')}\n")
            f.write("\n--- page ---\n" + driver.page_source)
