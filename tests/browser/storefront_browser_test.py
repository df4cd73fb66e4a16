"""The storefront and the operator console in a real browser (issue 15,
CONTRACT §15): headless Debian Chromium over a checkoutd of the tests' own,
against the real PostgreSQL and RabbitMQ of scripts/test.

Every figure a page shows is compared with what the API answers for the same
cart or order, and every journey goes through the pages' own API calls, so a
page that calls the API wrongly fails here. Each test saves a screenshot; a
failed one keeps the page's console log and markup beside it.
"""

import json
import os
import re
import secrets
import time
import unittest
import uuid

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import harness
from harness import ready, wait_for


def inr(minor):
    """₹ with Indian digit grouping, as the pages show rupees: ₹1,23,456.78."""
    rupees, paise = divmod(minor, 100)
    digits = str(rupees)
    if len(digits) > 3:
        head, tail = digits[:-3], digits[-3:]
        groups = []
        while len(head) > 2:
            groups.insert(0, head[-2:])
            head = head[:-2]
        if head:
            groups.insert(0, head)
        digits = ",".join(groups + [tail])
    return f"₹{digits}.{paise:02d}"


class StorefrontInBrowser(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.services = harness.Services()
        cls.services.create()
        cls.secrets = {"jwt": secrets.token_hex(32), "razorpay": secrets.token_hex(24)}
        os.makedirs(harness.ARTIFACTS, exist_ok=True)
        log = os.path.join(harness.ARTIFACTS, "checkoutd.log")
        cls.servers = []
        try:
            cls.shop = harness.Checkoutd(cls.services, cls.secrets, log, ORDER_EXPIRY_SCAN_INTERVAL="1s")
            cls.servers.append(cls.shop)
            # The expiry test pays through a second instance on the same database
            # (CONTRACT §14) whose payment window is seconds long.
            cls.brief = harness.Checkoutd(cls.services, cls.secrets, log, ORDER_PAYMENT_TIMEOUT="8s",
                                          ORDER_EXPIRY_SCAN_INTERVAL="1s")
            cls.servers.append(cls.brief)
            cls.admin = harness.jwt(cls.secrets["jwt"], "browser-admin", admin=True)
            cls.make_catalog()
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for s in getattr(cls, "servers", []):
            s.stop()
        cls.services.drop()

    @classmethod
    def make_catalog(cls):
        def post(path, body):
            r = cls.shop.api("POST", path, body, token=cls.admin)
            assert r.status == 201, f"{path}: {r.status} {r.body}"

        post("/admin/internships", {"id": "br-ml", "title": "Machine Learning Internship", "category": "data",
                                    "price": 43176, "currency": "INR", "seats": 100})
        post("/admin/internships", {"id": "br-web", "title": "Full-Stack Web Internship",
                                    "category": "engineering", "price": 29900, "currency": "INR", "seats": 50})
        post("/admin/internships", {"id": "br-plan", "title": "Data Analytics Internship", "category": "data",
                                    "price": 24900, "currency": "INR", "seats": 40,
                                    "plans": [{"period": {"value": 1, "unit": "month"}, "price": 9900},
                                              {"period": {"value": 3, "unit": "month"}, "price": 24900}]})
        post("/admin/internships", {"id": "br-free", "title": "Git Basics Workshop", "category": "engineering",
                                    "price": 0, "currency": "INR", "seats": None})
        post("/admin/coupons", {"code": "BRWELCOME15", "type": "percentage", "value": 15})
        post("/admin/coupons", {"code": "BRBIG", "type": "percentage", "value": 10,
                                "min_order_value": 10000000})

    def setUp(self):
        self.driver = harness.browser()
        self.user = f"student-{uuid.uuid4().hex[:10]}"
        self.token = harness.jwt(self.secrets["jwt"], self.user)

    def tearDown(self):
        # unittest (3.11) has recorded a failed test method before tearDown runs.
        result = getattr(getattr(self, "_outcome", None), "result", None)
        failed = result is None or any(test is self for test, _ in result.errors + result.failures)
        harness.save_artifacts(self.driver, self._testMethodName, failed)
        self.driver.quit()

    # ---- steps a student takes ------------------------------------------

    def open(self, path, server=None):
        base = (server or self.shop).base
        self.driver.get(base + path)
        ready(self.driver, path.split("?")[0])

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def wait_css(self, css, timeout=20):
        return wait_for(self.driver, lambda d: d.find_elements(By.CSS_SELECTOR, css), timeout, css)[0]

    def click(self, css):
        el = self.wait_css(css)
        wait_for(self.driver, lambda d: el.is_enabled(), 10, f"{css} enabled")
        el.click()

    def sign_in_here(self):
        """On the sign-in page: a development token for this test's user."""
        ready(self.driver, "/signin")
        field = self.find("#user-id")
        field.clear()
        field.send_keys(self.user)
        email = self.find("#email")
        email.clear()
        email.send_keys(self.user + "@example.com")
        self.find("#sign-in-submit").click()
        wait_for(self.driver, lambda d: "/signin" not in d.current_url, 20, "leaving the sign-in page")

    def enroll(self, internship, server=None, plan=None):
        """From the internship's page into the cart; the cart's token."""
        self.open(f"/internships/{internship}", server)
        if plan:
            self.find(f"#plan-{plan}").click()
        self.find("#enroll").click()
        ready(self.driver, "/cart/")
        return self.driver.current_url.rstrip("/").split("/")[-1]

    def cart_figures(self):
        try:
            return {el.get_attribute("data-figure"): (int(el.get_attribute("data-minor")), el.text)
                    for el in self.driver.find_elements(By.CSS_SELECTOR, "#totals [data-figure]")}
        except StaleElementReferenceException:  # the page redrew meanwhile
            return {}

    def assert_cart_matches_estimate(self, cart_token, server=None):
        est = (server or self.shop).api("POST", "/cart/estimate", {"cart_token": cart_token},
                                        token=self.token)
        self.assertEqual(est.status, 200, est.body)
        e = est.data
        want = {"base_total": e["base_total"], "sub_total": e["sub_total"], "total": e["total"]}
        if e["discount_amount"]:
            want["discount_amount"] = e["discount_amount"]
        for part in e["tax_breakdown"]:
            want["tax_" + part["name"]] = part["amount"]
        shown = self.cart_figures()
        self.assertEqual({k: v[0] for k, v in shown.items()}, want)
        for name, (minor, text) in shown.items():
            self.assertEqual(text.lstrip("−"), inr(minor), name)
        return e

    def go_to_gateway(self):
        self.click("#pay")
        wait_for(self.driver, lambda d: "/sandbox/checkout/" in d.current_url, 30, "the gateway's page")

    def order_of_page(self):
        wait_for(self.driver, lambda d: "/orders/" in d.current_url, 30, "the order page")
        return re.search(r"/orders/([0-9a-f-]{36})", self.driver.current_url).group(1)

    def wait_status(self, status, timeout=30):
        wait_for(self.driver, lambda d: d.find_elements(By.CSS_SELECTOR, f"#order-status[data-status={status}]"),
                 timeout, f"order status {status}")

    def my_orders(self, server=None):
        r = (server or self.shop).api("GET", "/orders?limit=50", token=self.token)
        self.assertEqual(r.status, 200, r.body)
        return r.data["orders"]

    # ---- journeys -------------------------------------------------------

    def test_happy_journey_guest_cart_coupon_sign_in_pay_enrolled(self):
        self.open("/")
        card = self.wait_css('article[data-internship="br-ml"]')
        self.assertIn(inr(43176), card.text)
        seats = self.shop.api("GET", "/internships/br-ml").data["internship"]["seats_available"]
        self.assertIn(f"{seats} seats left", card.text)
        card.find_element(By.TAG_NAME, "a").click()
        ready(self.driver, "/internships/br-ml")
        self.find("#enroll").click()
        ready(self.driver, "/cart/")
        cart = self.driver.current_url.split("/")[-1]
        self.assert_cart_matches_estimate(cart)  # IGST: no billing state yet

        self.find("#coupon-input").send_keys("brwelcome15")
        self.find("#coupon-apply").click()
        self.wait_css('#totals [data-figure="discount_amount"]')
        e = self.assert_cart_matches_estimate(cart)
        self.assertEqual(e["discount_amount"], round(43176 * 0.15))

        Select(self.find("#billing-state")).select_by_value("KA")  # the seller's state
        self.wait_css('#totals [data-figure="tax_CGST"]')
        e = self.assert_cart_matches_estimate(cart)
        self.assertEqual([p["name"] for p in e["tax_breakdown"]], ["CGST", "SGST"])

        self.find("#sign-in-to-pay").click()
        self.sign_in_here()
        ready(self.driver, "/cart/")
        attached = self.shop.api("GET", f"/cart/{cart}", token=self.token)
        self.assertEqual(attached.data["cart"]["user_id"], self.user)
        self.assertIn(self.user, self.find("#signed-in-as").text)
        self.assert_cart_matches_estimate(cart)

        self.go_to_gateway()
        self.assertIn(inr(e["total"]), self.find("#amount").text)
        self.assertTrue(self.find("#merchant").text.strip())
        self.assertIn("Machine Learning Internship", self.find("#line-items").text)
        self.find("#time-left")
        self.find("#pay").click()
        token = self.order_of_page()
        self.wait_status("completed")

        order = self.shop.api("GET", f"/orders/{token}", token=self.token).data["order"]
        shown = {el.get_attribute("data-figure"): int(el.get_attribute("data-minor"))
                 for el in self.driver.find_elements(By.CSS_SELECTOR, ".totals [data-figure]")}
        self.assertEqual(shown, {"base_total": order["subtotal"] + order["discount_amount"],
                                 "discount_amount": order["discount_amount"], "subtotal": order["subtotal"],
                                 "tax_amount": order["tax_amount"], "total": order["total"]})
        self.assertEqual(order["total"], e["total"])

        # The order's tax invoice opens in the browser from its link, with no token.
        link = self.find("#invoice-link").get_attribute("href")
        self.assertEqual(link, order["invoice_url"])
        here = self.driver.current_url
        self.driver.get(link)
        wait_for(self.driver, lambda d: d.find_elements(By.ID, "total"), 15, "the invoice page")
        self.assertEqual(self.driver.find_element(By.ID, "total").text,
                         "INR %d.%02d" % divmod(order["total"], 100))
        self.assertRegex(self.driver.find_element(By.ID, "number").text, r"^INV/\d{4}-\d{2}/\d{6}$")
        self.driver.save_screenshot(os.path.join(harness.ARTIFACTS, "invoice.png"))
        self.driver.get(here)
        self.wait_status("completed")

        self.find("#go-learning").click()
        ready(self.driver, "/learning")
        self.wait_css('#enrollments [data-internship="br-ml"]')
        self.assertEqual(len(self.shop.api("GET", "/enrollments", token=self.token).data["enrollments"]), 1)

    def test_a_failed_payment_then_retry_enrolls(self):
        self.open("/signin?next=/internships/br-web")
        self.sign_in_here()
        ready(self.driver, "/internships/br-web")
        self.find("#enroll").click()
        ready(self.driver, "/cart/")
        self.go_to_gateway()
        self.find("#fail").click()
        token = self.order_of_page()
        self.wait_status("failed")
        self.assertIn("did not go through", self.find("#order-action").text)
        self.find("#retry").click()
        wait_for(self.driver, lambda d: "/sandbox/checkout/" in d.current_url, 30, "the gateway's page again")
        self.find("#pay").click()
        self.assertEqual(self.order_of_page(), token)
        self.wait_status("completed")
        history = [h["status"] for h in self.shop.api("GET", f"/orders/{token}", token=self.token)
                   .data["order"]["history"]]
        self.assertEqual(history[:2], ["awaiting_payment", "failed"])
        self.assertEqual(history[-1], "completed")
        self.assertEqual(len(self.my_orders()), 1)

        # My orders offers the user's referral code (CONTRACT §16).
        self.open("/orders")
        self.wait_css("#referral-code")
        code = self.shop.api("GET", "/referrals/me", token=self.token).data["code"]
        self.assertEqual(self.find("#referral-code").text, code)
        self.assertRegex(code, r"^REF[A-Z2-9]{10}$")
        self.wait_css('#orders [data-order="%s"]' % token)

    def test_an_expired_payment_window_is_said_and_cannot_be_paid(self):
        self.open("/signin?next=/internships/br-plan", self.brief)
        self.sign_in_here()
        ready(self.driver, "/internships/br-plan")
        self.find("#plan-1-month").click()
        self.find("#enroll").click()
        ready(self.driver, "/cart/")
        cart = self.driver.current_url.split("/")[-1]
        est = self.assert_cart_matches_estimate(cart, self.brief)
        self.assertEqual(est["base_total"], 9900)  # the chosen plan's price
        Select(self.find("#plan-of-br-plan")).select_by_value("3-month")
        wait_for(self.driver, lambda d: self.cart_figures().get("base_total", (0,))[0] == 24900, 20,
                 "the three-month plan's price")
        self.assert_cart_matches_estimate(cart, self.brief)
        Select(self.find("#plan-of-br-plan")).select_by_value("1-month")
        wait_for(self.driver, lambda d: self.cart_figures().get("base_total", (0,))[0] == 9900, 20,
                 "the one-month plan's price again")
        self.go_to_gateway()
        self.find("#time-left")
        gateway_page = self.driver.current_url
        orders = self.my_orders(self.brief)
        self.assertEqual(len(orders), 1)
        expires = orders[0]["expires_at"]
        wait_for(self.driver, lambda d: self.brief.api("GET", f"/orders/{orders[0]['order_token']}",
                                                       token=self.token).data["order"]["status"] == "expired",
                 40, f"the order to expire (window until {expires})")
        self.driver.get(gateway_page)
        self.wait_css("#expired")
        self.assertFalse(self.driver.find_elements(By.CSS_SELECTOR, "#pay"), "an expired payment offers Pay")
        self.open(f"/orders/{orders[0]['order_token']}", self.brief)
        self.wait_status("expired")
        self.assertIn("payment window closed", self.find("#expired").text)

    def test_a_refused_coupon_says_why_in_words(self):
        cart = self.enroll("br-web")
        before = self.assert_cart_matches_estimate(cart)
        self.find("#coupon-input").send_keys("NOPE")
        self.find("#coupon-apply").click()
        reason = self.wait_css("#coupon-reason")
        self.assertEqual(reason.text, "We do not recognise this code. Please check its spelling.")
        self.find("#coupon-input").clear()
        self.find("#coupon-input").send_keys("BRBIG")
        self.find("#coupon-apply").click()
        wait_for(self.driver, lambda d: "at least" in self.find("#coupon-reason").text, 10, "the minimum's reason")
        self.assertEqual(self.find("#coupon-reason").text,
                         f"Your order must come to at least {inr(10000000)} to use this code.")
        self.assertNotIn("2004", self.find("main").text)
        self.assertEqual(self.assert_cart_matches_estimate(cart)["total"], before["total"])

    def test_a_double_click_on_pay_places_one_order(self):
        self.open("/signin?next=/internships/br-ml")
        self.sign_in_here()
        ready(self.driver, "/internships/br-ml")
        self.find("#enroll").click()
        ready(self.driver, "/cart/")
        self.wait_css("#pay")
        harness.sent_requests(self.driver, "POST", "/api/v1/orders")  # forget what came before
        # Two presses in the same instant; the second one past the button's
        # own guard, as a fast double click on a slow page gets there.
        self.driver.execute_script(
            "const b = document.getElementById('pay'); b.click(); b.disabled = false; b.click();")
        wait_for(self.driver, lambda d: "/sandbox/checkout/" in d.current_url, 30, "the gateway's page")
        time.sleep(1)  # a second order, if any, would have been placed by now
        self.assertEqual(len(self.my_orders()), 1)
        # The page's own part: both presses are one request to the service
        # (one Idempotency-Key), not two orders the cart happens to refuse.
        sent = harness.sent_requests(self.driver, "POST", "/api/v1/orders")
        self.assertGreaterEqual(len(sent), 2, sent)
        keys = {r["headers"].get("Idempotency-Key") for r in sent}
        self.assertEqual(len(keys), 1, keys)
        self.assertNotIn(None, keys)

    def test_the_console_lists_a_dead_letter_and_replays_it(self):
        # A paid order to read about, and an event for it in the DLQ.
        cart = self.shop.api("POST", "/cart", {"products": [{"internship_id": "br-web"}]}, token=self.token)
        order = self.shop.api("POST", "/orders", {"cart_token": cart.data["cart"]["token"]}, token=self.token,
                              headers={"Idempotency-Key": str(uuid.uuid4())})
        self.assertEqual(order.status, 201, order.body)
        o = order.data["order"]
        paid = harness.http("POST", self.shop.base + "/api/v1/sandbox/checkout/" + o["payment"]["payment_token"] + "/pay")
        self.assertLess(paid.status, 400)
        wait_for(self.driver, lambda d: self.shop.api("GET", f"/orders/{o['order_token']}", token=self.token)
                 .data["order"]["status"] == "completed", 20, "the order to complete")
        message_id = str(uuid.uuid4())
        body = json.dumps({"event_id": message_id, "type": "order.paid", "occurred_at": "2026-12-01T10:00:00Z",
                           "order_token": o["order_token"], "user_id": self.user, "data": {}})
        self.services.publish("checkout.enrollment.dlq", body,
                              {"message_id": message_id, "delivery_mode": 2, "content_type": "application/json",
                               "headers": {"event_type": "order.paid", "correlation_id": "browser-dlq"}})

        self.driver.set_window_size(1280, 1000)
        self.driver.get(self.shop.base + "/admin")
        self.click("#dev-admin")
        ready(self.driver, "console")
        row = self.wait_css(f'#dlq-table tr[data-message="{message_id}"]')
        self.assertIn(o["order_token"], row.text)
        kinds = {r.get_attribute("data-kind") for r in self.driver.find_elements(By.CSS_SELECTOR, "#actors-table tr[data-kind]")}
        self.assertTrue({"cart", "order"} <= kinds, kinds)
        self.wait_css('#gateways-table tr[data-gateway="sandbox"]')
        self.wait_css("#webhooks-table")
        self.assertIn(o["order_token"], self.find("#webhooks-table").text)
        today = self.shop.api("GET", "/admin/reports/daily", token=self.admin).data["report"]
        paid_bar = self.wait_css('#funnel text[data-step="Paid"]', 40)
        self.assertEqual(int(paid_bar.text), today["orders_paid"])

        row.find_element(By.CSS_SELECTOR, "button[data-replay]").click()
        note = self.wait_css("#dlq-note .alert")
        self.assertEqual(note.text, "Replayed 1 message.")
        self.assertFalse(self.driver.find_elements(By.CSS_SELECTOR, f'tr[data-message="{message_id}"]'))
        listed = self.shop.api("GET", "/admin/dlq?limit=500", token=self.admin).data["messages"]
        self.assertNotIn(message_id, [m["message_id"] for m in listed])


if __name__ == "__main__":
    unittest.main(verbosity=2)
