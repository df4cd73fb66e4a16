// Domain values as the contract's JSON (members written into an open object).
#pragma once

#include "actors/messages.hpp"
#include "config/settings.hpp"
#include "http/envelope.hpp"

namespace checkout::http {

void write_internship(json_writer& w, const internship& item);
// `cart_url` is the storefront's cart page (CART_URL_TEMPLATE, CONTRACT §15).
void write_cart(json_writer& w, const cart_view& v, const config::settings& cfg);
void write_totals(json_writer& w, const pricing::price_result& p);
void write_estimate(json_writer& w, const pricing::price_result& p);
void write_order(json_writer& w, const order_record& o);
void write_enrollment(json_writer& w, const enrollment_record& e);
void write_discounts(json_writer& w, const std::vector<cart_discount>& discounts);

}  // namespace checkout::http
