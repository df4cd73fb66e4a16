#include "actors/cart/cart_directory.hpp"

#include <atomic>
#include <caf/actor_pool.hpp>
#include <pqxx/pqxx>

#include "actors/cart/cart_actor.hpp"
#include "actors/cart/cart_store.hpp"
#include "actors/common/actor_kinds.hpp"
#include "actors/common/db.hpp"
#include "actors/common/entity_directory.hpp"
#include "actors/common/idempotency_jobs.hpp"
#include "actors/common/ids.hpp"
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

// Carts to entity_directory. Each shard keeps which it is, for the tokens it makes.
struct cart_entity {
  using actor = cart_actor;
  using requests = cart_requests;
  using directory = cart_directory_actor;
  struct local_state {
    size_t shard = 0;
    size_t shards = 1;
  };
  static constexpr const char* directory_name = actor_kinds::cart_directory.name;
  static constexpr errc not_found = errc::cart_not_found;
  static actor spawn(caf::actor_system& sys, const actor_context& ctx, std::string token,
                     entity_parent_actor directory, bool fresh) {
    return spawn_cart_actor(sys, ctx, std::move(token), std::move(directory), fresh);
  }
};

using carts = entity_directory<cart_entity>;

// The db job that answers a user's active cart, expiring stale ones first.
auto active_cart_job(std::string user_id) {
  return [user_id = std::move(user_id)](pqxx::connection& c) {
    pqxx::nontransaction txn(c);
    auto token = cart_store::expire_stale_and_find_active(txn, user_id);
    return caf::make_message(active_cart{token.value_or("")});
  };
}
using self_ptr = carts::self_ptr;

// A fresh token whose home is this shard.
std::string new_token(self_ptr self) {
  auto& local = self->state.local;
  for (;;) {
    auto token = new_uuid();
    if (cart_shard_of(token, local.shards) == local.shard) return token;
  }
}

// A signed-in user has at most one active cart: creating again merges the
// products into it (answered 200, not 201).
caf::result<cart_view> create_for_user(self_ptr self, const actor_context& ctx,
                                       cart_create_request req) {
  auto rp = self->make_response_promise<cart_view>();
  auto timeout = ctx.db_timeout * 2;
  db_request(self, ctx, active_cart_job(req.user_id))
      .then(
          [=](active_cart& found) mutable {
            auto deliver = [=](cart_view& v) mutable { rp.deliver(v); };
            auto fail = [=](caf::error& err) mutable { rp.deliver(err); };
            if (found.token.empty()) {
              self->request(carts::spawn(self, ctx, new_token(self), true), timeout,
                            create_atom::value, req)
                  .then(deliver, fail);
            } else {
              // The user's cart may live in another shard: ask through the pool,
              // which routes by token, so the cart keeps exactly one actor.
              cart_caller caller{req.user_id};
              if (req.idempotency_key.empty())
                self->request(ctx.carts, timeout, found.token, add_atom::value, caller,
                              req.products)
                    .then(deliver, fail);
              else
                self->request(ctx.carts, timeout, found.token, add_atom::value, caller,
                              req.products, req.idempotency_key)
                    .then(deliver, fail);
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
  db_request(self, ctx, active_cart_job(user_id))
      .then(
          [=](active_cart& mine) mutable {
            auto guest = carts::find_or_spawn(self, ctx, token);
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
                      self->request(target, timeout, mine.token, login_atom::value, user_id, g.cart)
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
               pqxx::nontransaction txn(c);
               auto e = cart_store::key_effect_of(txn, user, key);
               return caf::make_message(e.value_or(cart_store::key_effect{}));
             })
      .then(
          [=](cart_store::key_effect& e) mutable {
            auto deliver = [=](cart_view& v) mutable { rp.deliver(v); };
            auto fail = [=](caf::error& err) mutable { rp.deliver(err); };
            if (!e.cart_token.empty()) {
              self->request(ctx.carts, timeout, e.cart_token, get_atom::value,
                            cart_caller{req.user_id})
                  .then(
                      [=](cart_view& v) mutable {
                        v.created = e.created;
                        rp.deliver(v);
                      },
                      fail);
            } else if (req.user_id.empty()) {
              self->request(carts::spawn(self, ctx, new_token(self), true), timeout,
                            create_atom::value, req)
                  .then(deliver, fail);
            } else {
              // No effect: a signed-in user's create runs as an unkeyed one would.
              self->request(cart_directory_actor{self}, timeout, create_atom::value, req, true)
                  .then(deliver, fail);
            }
          },
          [=](caf::error& err) mutable { rp.deliver(err); });
  return rp;
}

cart_directory_actor::behavior_type cart_directory(self_ptr self, actor_context ctx, size_t shard,
                                                   size_t shards) {
  self->state.local.shard = shard;
  self->state.local.shards = shards;
  return carts::make_behavior(
      self, ctx,
      [=](create_atom, cart_create_request& req) -> caf::result<cart_view> {
        if (!req.idempotency_key.empty()) return create_keyed(self, ctx, std::move(req));
        if (req.user_id.empty())
          return self->delegate(carts::spawn(self, ctx, new_token(self), true), create_atom::value,
                                std::move(req));
        return create_for_user(self, ctx, std::move(req));
      },
      [=](create_atom, cart_create_request& req, bool /* key effect checked */) {
        return create_for_user(self, ctx, std::move(req));
      },
      [=](active_atom, std::string& user_id) -> caf::result<std::string> {
        auto rp = self->make_response_promise<std::string>();
        db_request(self, ctx, active_cart_job(user_id))
            .then(
                [=](active_cart& found) mutable {
                  if (found.token.empty())
                    rp.deliver(make_error(errc::cart_not_found, "you have no active cart"));
                  else
                    rp.deliver(found.token);
                },
                [=](caf::error& err) mutable { rp.deliver(err); });
        return rp;
      },
      [=](login_atom, std::string& token, std::string& user_id) -> caf::result<cart_view> {
        if (!carts::normalize(token)) return make_error(errc::cart_not_found);
        return login(self, ctx, std::move(token), std::move(user_id));
      },
      // Idempotency-Key on POST /cart: any shard takes it (the message carries no
      // token); the db worker answers the asker directly.
      [=](persistence::idempotency_begin& b) -> caf::delegated<persistence::idempotency_decision> {
        // Long enough for a cart to be made; a request that died frees it after this.
        self->delegate(ctx.db, begin_key_job(std::move(b), ctx.db_timeout * 4));
        return {};
      },
      [=](store_atom, idempotent_response& r) -> caf::delegated<ack_reply> {
        self->delegate(ctx.db, store_response_job(std::move(r)));
        return {};
      });
}

}  // namespace

size_t cart_shard_of(const std::string& token, size_t shards) {
  std::string lower = token;
  for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return std::hash<std::string>{}(lower) % shards;
}

cart_directory_actor spawn_cart_directory(caf::actor_system& sys, actor_context ctx,
                                          size_t shards) {
  // Route by the first string among the first two elements: the token of
  // (token, request...) and of (login_atom, token, user); anything else (a new
  // cart, an Idempotency-Key) goes round robin.
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
  // CAF 0.17 makes pools untyped only. The pool has no behavior of its own and
  // hands every message to a shard, so it accepts exactly what a shard does:
  // the cast is sound, and this is the one place it is made.
  ctx.carts = caf::actor_cast<cart_directory_actor>(pool);
  for (size_t i = 0; i < shards; ++i)
    caf::anon_send(pool, caf::sys_atom::value, caf::put_atom::value,
                   caf::actor_cast<caf::actor>(sys.spawn(cart_directory, ctx, i, shards)));
  return ctx.carts;
}

}  // namespace checkout
