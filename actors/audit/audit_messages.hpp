// The audit's values that travel in actor messages, only ever inside one
// process (hence CAF_ALLOW_UNSAFE_MESSAGE_TYPE):
//   admin_stamp rides along with a change: (create_atom, internship, admin_stamp), ...
//   audit::page answers the listing's db_job (http/routes/audit_routes.cpp).
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>

#include "actors/audit/audit_log.hpp"

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::audit::admin_stamp)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::audit::page)
