// Domain values as the contract's JSON (members written into an open object).
#pragma once

#include "actors/messages.hpp"
#include "http/envelope.hpp"

namespace checkout::http {

void write_internship(json_writer& w, const internship& item);
void write_cart(json_writer& w, const cart_view& v, const std::string& public_base_url);
void write_totals(json_writer& w, const pricing::price_result& p);
void write_estimate(json_writer& w, const pricing::price_result& p);
void write_order(json_writer& w, const order_record& o);
void write_enrollment(json_writer& w, const enrollment_record& e);
void write_discounts(json_writer& w, const std::vector<cart_discount>& discounts);

}  // namespace checkout::http
