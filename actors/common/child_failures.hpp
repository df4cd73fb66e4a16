// A parent that links to its children (so that they end when it ends at
// shutdown) would, by CAF's default, also end when one child fails: one
// order actor whose first load timed out would take the order directory with
// it, and every later order request of the process would find no receiver.
#pragma once

#include <caf/scheduled_actor.hpp>

namespace checkout {

// From now on an exit message that comes over a link (it names the linked
// actor) is logged as that child's failure and ends only the child; a
// shutdown (anonymous, or user_shutdown or kill from anyone: main, an actor
// pool ending its workers) still ends `self`.
// For actors whose only links are their children. The parent's down handler
// forgets the child as for any other end (the down message may come before
// or after the exit message, so the child is not looked up here).
void outlive_failed_children(caf::scheduled_actor* self, const char* parent_kind);

}  // namespace checkout
