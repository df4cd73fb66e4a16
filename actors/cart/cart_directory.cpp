#include "actors/cart/cart_directory.hpp"

#include <atomic>
#include <caf/actor_pool.hpp>
#include <caf/stateful_actor.hpp>
#include <pqxx/pqxx>
#include <unordered_map>

#include "actors/cart/cart_actor.hpp"
#include "actors/cart/cart_store.hpp"
#include "actors/common/child_failures.hpp"
#include "actors/common/db.hpp"
#include "actors/common/idempotency_jobs.hpp"
#include "actors/common/ids.hpp"
#include "actors/common/instrumented_actor.hpp"
#include "actors/errors.hpp"
#include "actors/messages.hpp"
#include "persistence/idempotency.hpp"

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::cart_store::key_effect)

namespace checkout {
namespace {

// The token of a user's active cart; empty when the user has none.
struct active_cart {
  std::string token;
};

}  // namespace
}  // namespace checkout

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(checkout::active_cart)

namespace checkout {
namespace {

struct cart_directory_state {
  std::unordered_map<std::string, caf::actor> carts;
  size_t shard = 0;
  size_t shards = 1;
  static inline const char* name = "cart_directory";
};

using self_ptr = instrumented_actor<cart_directory_state>*;

caf::actor spawn_child(self_ptr self, const actor_context& ctx, const std::string& token,
                       bool fresh) {
  auto child =
      spawn_cart_actor(self->system(), ctx, token, caf::actor_cast<caf::actor>(self), fresh);
  self->monitor(child);
  // Linked: when the directory goes down at shutdown, its carts go with it.
  self->link_to(child);
  self->state.carts.emplace(token, child);
  return child;
}

// A fresh token whose home is this shard.
std::string new_token(self_ptr self) {
  for (;;) {
    auto token = new_uuid();
    if (cart_shard_of(token, self->state.shards) == self->state.shard) return token;
  }
}

caf::actor find_or_spawn(self_ptr self, const actor_context& ctx, const std::string& token) {
  auto it = self->state.carts.find(token);
  if (it != self->state.carts.end()) return it->second;
  return spawn_child(self, ctx, token, false);
}

// A signed-in user has at most one active cart: creating again merges the
// products into it (answered 200, not 201).
caf::result<cart_view> create_for_user(self_ptr self, const actor_context& ctx,
                                       cart_create_request req) {
  auto rp = self->make_response_promise<cart_view>();
  auto timeout = ctx.db_timeout * 2;
  db_request(self, ctx,
             [user = req.user_id](pqxx::connection& c) {
               pqxx::work txn(c);
               cart_store::expire_stale_of(txn, user);
               auto token = cart_store::active_cart_of(txn, user);
               txn.commit();
               return caf::make_message(active_cart{token.value_or("")});
             })
      .then(
          [=](active_cart& found) mutable {
            auto deliver = [=](cart_view& v) mutable { rp.deliver(v); };
            auto fail = [=](caf::error& err) mutable { rp.deliver(err); };
            if (found.token.empty()) {
              self->request(spawn_child(self, ctx, new_token(self), true), timeout,
                            create_atom::value, req)
                  .then(deliver, fail);
            } else {
              // The user's cart may live in another shard: ask through the pool,
              // which routes by token, so the cart keeps exactly one actor.
              auto add =
                  req.idempotency_key.empty()
                      ? caf::make_message(add_atom::value, cart_caller{req.user_id}, req.products)
                      : caf::make_message(add_atom::value, cart_caller{req.user_id}, req.products,
                                          req.idempotency_key);
              self->request(ctx.carts, timeout, found.token, std::move(add)).then(deliver, fail);
            }
          },
          [=](caf::error& err) mutable { rp.deliver(err); });
  return rp;
}

caf::result<cart_view> login(self_ptr self, const actor_context& ctx, std::string token,
                             std::string user_id) {
  auto rp = self->make_response_promise<cart_view>();
  auto timeout = ctx.db_timeout * 2;
  auto fail = [=](caf::error& err) mutable { rp.deliver(err); };
  db_request(self, ctx,
             [user_id](pqxx::connection& c) {
               pqxx::work txn(c);
               cart_store::expire_stale_of(txn, user_id);
               auto found = cart_store::active_cart_of(txn, user_id);
               txn.commit();
               return caf::make_message(active_cart{found.value_or("")});
             })
      .then(
          [=](active_cart& mine) mutable {
            auto guest = find_or_spawn(self, ctx, token);
            if (mine.token.empty() || mine.token == token) {
              self->request(guest, timeout, login_atom::value, user_id)
                  .then([=](cart_view& v) mutable { rp.deliver(v); }, fail);
              return;
            }
            auto target = ctx.carts;  // the user's cart, wherever its shard is
            self->request(guest, timeout, get_atom::value, cart_caller{user_id})
                .then(
                    [=](cart_view& g) mutable {
                      if (!g.cart.user_id.empty()) {
                        rp.deliver(make_error(errc::cart_not_found));
                        return;
                      }
                      self->request(target, timeout, mine.token,
                                    caf::make_message(login_atom::value, user_id, g.cart))
                          .then(
                              [=](cart_view& merged) mutable {
                                // The guest cart lives on only inside the user's.
                                self->request(guest, timeout, expire_atom::value,
                                              cart_caller{user_id})
                                    .then([](cart_view&) {}, [](caf::error&) {});
                                rp.deliver(merged);
                              },
                              fail);
                    },
                    fail);
          },
          fail);
  return rp;
}

// A keyed create whose key was taken over from a request that died: if that
// request's change committed (its effect is recorded with it), answer with
// that cart as it is now instead of creating or merging again.
caf::result<cart_view> create_keyed(self_ptr self, const actor_context& ctx,
                                    cart_create_request req) {
  auto rp = self->make_response_promise<cart_view>();
  auto timeout = ctx.db_timeout * 2;
  db_request(self, ctx,
             [user = req.user_id, key = req.idempotency_key](pqxx::connection& c) {
               pqxx::read_transaction txn(c);
               auto e = cart_store::key_effect_of(txn, user, key);
               return caf::make_message(e.value_or(cart_store::key_effect{}));
             })
      .then(
          [=](cart_store::key_effect& e) mutable {
            auto deliver = [=](cart_view& v) mutable { rp.deliver(v); };
            auto fail = [=](caf::error& err) mutable { rp.deliver(err); };
            if (!e.cart_token.empty()) {
              self->request(ctx.carts, timeout, e.cart_token,
                            caf::make_message(get_atom::value, cart_caller{req.user_id}))
                  .then(
                      [=](cart_view& v) mutable {
                        v.created = e.created;
                        rp.deliver(v);
                      },
                      fail);
            } else if (req.user_id.empty()) {
              self->request(spawn_child(self, ctx, new_token(self), true), timeout,
                            create_atom::value, req)
                  .then(deliver, fail);
            } else {
              // No effect: a signed-in user's create runs as an unkeyed one would.
              self->request(caf::actor_cast<caf::actor>(self), timeout, create_atom::value, req,
                            true)
                  .then(deliver, fail);
            }
          },
          [=](caf::error& err) mutable { rp.deliver(err); });
  return rp;
}

caf::behavior cart_directory(self_ptr self, actor_context ctx, size_t shard, size_t shards) {
  self->state.shard = shard;
  self->state.shards = shards;
  outlive_failed_children(self, "cart");
  self->set_down_handler([=](caf::down_msg& dm) {
    auto& carts = self->state.carts;
    for (auto it = carts.begin(); it != carts.end(); ++it) {
      if (it->second.address() == dm.source) {
        carts.erase(it);
        break;
      }
    }
  });
  return {
      [=](create_atom, cart_create_request& req) -> caf::result<cart_view> {
        if (!req.idempotency_key.empty()) return create_keyed(self, ctx, std::move(req));
        if (req.user_id.empty()) {
          self->delegate(spawn_child(self, ctx, new_token(self), true), create_atom::value,
                         std::move(req));
          return caf::delegated<cart_view>{};
        }
        return create_for_user(self, ctx, std::move(req));
      },
      [=](create_atom, cart_create_request& req, bool /* key effect checked */) {
        return create_for_user(self, ctx, std::move(req));
      },
      [=](std::string& token, caf::message& inner) -> caf::result<caf::message> {
        if (!is_uuid(token)) return make_error(errc::cart_not_found);
        // One actor per cart, whatever case the client wrote the token in.
        for (auto& ch : token) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        self->delegate(find_or_spawn(self, ctx, token), std::move(inner));
        return caf::delegated<caf::message>{};
      },
      [=](login_atom, std::string& token, std::string& user_id) -> caf::result<cart_view> {
        if (!is_uuid(token)) return make_error(errc::cart_not_found);
        for (auto& ch : token) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        return login(self, ctx, std::move(token), std::move(user_id));
      },
      // Idempotency-Key on POST /cart: any shard takes it (the message carries no
      // token); the db worker answers the asker directly.
      [=](persistence::idempotency_begin& b) {
        // Long enough for a cart to be made; a request that died frees it after this.
        return self->delegate(ctx.db, begin_key_job(std::move(b), ctx.db_timeout * 4));
      },
      [=](store_atom, idempotent_response& r) {
        return self->delegate(ctx.db, store_response_job(std::move(r)));
      },
      [=](idle_atom, const std::string& token) {
        auto it = self->state.carts.find(token);
        if (it == self->state.carts.end()) return;
        // Sent after every message already forwarded, so those are answered first.
        self->unlink_from(it->second);
        self->send(it->second, passivate_atom::value);
        self->state.carts.erase(it);
      },
  };
}

}  // namespace

size_t cart_shard_of(const std::string& token, size_t shards) {
  std::string lower = token;
  for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return std::hash<std::string>{}(lower) % shards;
}

caf::actor spawn_cart_directory(caf::actor_system& sys, actor_context ctx, size_t shards) {
  // Route by the first string among the first two elements: the token of
  // (token, inner) and of (login_atom, token, user); anything else (a new cart)
  // goes round robin.
  auto next = std::make_shared<std::atomic<size_t>>(0);
  auto policy = [next](caf::actor_system&, caf::actor_pool::uplock& guard,
                       const caf::actor_pool::actor_vec& workers, caf::mailbox_element_ptr& ptr,
                       caf::execution_unit* host) {
    auto& content = ptr->content();
    size_t index = next->fetch_add(1) % workers.size();
    for (size_t i = 0; i < content.size() && i < 2; ++i) {
      if (content.match_element<std::string>(i)) {
        index = cart_shard_of(content.get_as<std::string>(i), workers.size());
        break;
      }
    }
    auto selected = workers[index];
    guard.unlock();
    selected->enqueue(std::move(ptr), host);
  };
  auto pool = caf::actor_pool::make(sys.dummy_execution_unit(), policy);
  ctx.carts = pool;
  for (size_t i = 0; i < shards; ++i)
    caf::anon_send(pool, caf::sys_atom::value, caf::put_atom::value,
                   sys.spawn(cart_directory, ctx, i, shards));
  return pool;
}

}  // namespace checkout
