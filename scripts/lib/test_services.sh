# Sourced by scripts/test (after services.sh): the services the test suites use,
# apart from the ones scripts/run serves, so a demo keeps running while the
# tests stop brokers and end database sessions.
# - RabbitMQ: a second node, checkout-test@localhost, on 127.0.0.1:5673 (its
#   management API on 15673), with its own data directory. Tests stop and
#   start it; the demo's node on 5672 is never touched.
# - PostgreSQL: the same server, a role of its own (checkout_test) and a
#   template database migrated once per run; every test process clones it and
#   drops its clone (tests/support/isolated_services.cpp), every broker vhost
#   likewise. Names start with CHECKOUT_TEST_PREFIX, so whatever a crashed
#   process left behind is dropped at the end of the run.

TEST_DB_USER=checkout_test
TEST_DB_PASS=checkout_test
TEST_BROKER_PORT=5673
TEST_BROKER_API_PORT=15673
TEST_BROKER_DIR=/var/lib/rabbitmq/checkout-test

# The environment under which rabbitmq-server and rabbitmqctl address the test
# node (exported, so the fault suites' rabbitmqctl stop_app stops this node).
test_broker_env() {
  export RABBITMQ_NODENAME=checkout-test@localhost
  export RABBITMQ_NODE_PORT=$TEST_BROKER_PORT
  export RABBITMQ_DIST_PORT=$((TEST_BROKER_PORT + 20000))
  export RABBITMQ_MNESIA_BASE=$TEST_BROKER_DIR/mnesia
  export RABBITMQ_LOG_BASE=$TEST_BROKER_DIR/log
  export RABBITMQ_PID_FILE=$TEST_BROKER_DIR/node.pid
  export RABBITMQ_ENABLED_PLUGINS_FILE=$TEST_BROKER_DIR/enabled_plugins
  export RABBITMQ_CONFIG_FILE=$TEST_BROKER_DIR/rabbitmq.conf
  export RABBITMQ_CONFIG_FILES=$TEST_BROKER_DIR/conf.d
}

start_test_broker() {
  (
    test_broker_env
    mkdir -p "$TEST_BROKER_DIR/log" "$TEST_BROKER_DIR/mnesia" "$TEST_BROKER_DIR/conf.d"
    echo '[rabbitmq_management].' >"$TEST_BROKER_DIR/enabled_plugins"
    cat >"$TEST_BROKER_DIR/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$TEST_BROKER_PORT
management.tcp.port = $TEST_BROKER_API_PORT
management.tcp.ip = 127.0.0.1
loopback_users.guest = true
CONF
    chown -R rabbitmq:rabbitmq "$TEST_BROKER_DIR"
    if ! rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
      log "starting the test RabbitMQ node on $TEST_BROKER_PORT"
      rabbitmq-server -detached >/dev/null 2>&1 || true
    fi
    # A node a previous run left stopped (stop_app) is running but not serving.
    for _ in $(seq 1 120); do
      rabbitmq-diagnostics -q check_port_connectivity >/dev/null 2>&1 && break
      rabbitmqctl -q start_app >/dev/null 2>&1 || true
      sleep 1
    done
    rabbitmq-diagnostics -q check_port_connectivity >/dev/null 2>&1 ||
      { echo "the test RabbitMQ node did not answer on $TEST_BROKER_PORT" >&2; return 1; }
    rabbitmqctl -q enable_feature_flag all >/dev/null 2>&1 || true
    for _ in $(seq 1 60); do
      curl -fs -u guest:guest "http://127.0.0.1:$TEST_BROKER_API_PORT/api/overview" >/dev/null && break
      sleep 1
    done
    curl -fs -u guest:guest "http://127.0.0.1:$TEST_BROKER_API_PORT/api/overview" >/dev/null ||
      { echo "the test RabbitMQ node's management API did not answer" >&2; return 1; }
  )
}

# The role and the migrated template, made anew each run (named after the run,
# so two runs at once do not replace each other's) with every migration in it.
prepare_test_database() {
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='$TEST_DB_USER'\"" | grep -q 1 ||
    su postgres -c "psql -qc \"CREATE ROLE $TEST_DB_USER LOGIN CREATEDB PASSWORD '$TEST_DB_PASS'\""
  local admin="postgresql://$TEST_DB_USER:$TEST_DB_PASS@127.0.0.1:5432/postgres"
  psql -q "$admin" -c "DROP DATABASE IF EXISTS $TEST_DB_TEMPLATE WITH (FORCE)" >/dev/null
  psql -q "$admin" -c "CREATE DATABASE $TEST_DB_TEMPLATE" >/dev/null
  DATABASE_URL="postgresql://$TEST_DB_USER:$TEST_DB_PASS@127.0.0.1:5432/$TEST_DB_TEMPLATE" \
    AMQP_URL="amqp://guest:guest@127.0.0.1:$TEST_BROKER_PORT/%2f" CHECKOUT_ENV=development \
    JWT_SECRET="$(openssl rand -hex 32)" "$BUILD_DIR/checkoutd" --migrate-only
}

# Starts what the suites need and exports where it is; DATABASE_URL and
# AMQP_URL are unset so nothing falls back to the demo's.
prepare_test_services() {
  start_test_broker
  export CHECKOUT_TEST_PREFIX="ct_$(date +%s)_$$"
  TEST_DB_TEMPLATE="${CHECKOUT_TEST_PREFIX}_template"
  prepare_test_database
  test_broker_env
  export CHECKOUT_TEST_DATABASE_ADMIN_URL="postgresql://$TEST_DB_USER:$TEST_DB_PASS@127.0.0.1:5432/postgres"
  export CHECKOUT_TEST_DATABASE_TEMPLATE=$TEST_DB_TEMPLATE
  export CHECKOUT_TEST_BROKER_URL="amqp://guest:guest@127.0.0.1:$TEST_BROKER_PORT"
  export CHECKOUT_TEST_BROKER_API="http://127.0.0.1:$TEST_BROKER_API_PORT"
  unset DATABASE_URL AMQP_URL
}

# Drops the databases and vhosts of this run that a test process left behind
# (one that crashed before its clean-up); answers how many there were.
drop_test_services() {
  local prefix=${CHECKOUT_TEST_PREFIX:?} left=0 name
  # The broker may have been left stopped by a failed fault test.
  rabbitmqctl -q start_app >/dev/null 2>&1 || true
  [ -z "${CHECKOUT_TEST_DATABASE_TEMPLATE:-}" ] || psql -q "$CHECKOUT_TEST_DATABASE_ADMIN_URL" \
    -c "DROP DATABASE IF EXISTS \"$CHECKOUT_TEST_DATABASE_TEMPLATE\" WITH (FORCE)" >/dev/null
  for name in $(psql -qtA "$CHECKOUT_TEST_DATABASE_ADMIN_URL" \
    -c "SELECT datname FROM pg_database WHERE datname LIKE '${prefix}\_%'"); do
    psql -q "$CHECKOUT_TEST_DATABASE_ADMIN_URL" -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null
    left=$((left + 1))
  done
  for name in $(curl -fs -u guest:guest "$CHECKOUT_TEST_BROKER_API/api/vhosts" |
    jq -r --arg p "${prefix}_" '.[].name | select(startswith($p))'); do
    curl -fs -u guest:guest -X DELETE "$CHECKOUT_TEST_BROKER_API/api/vhosts/$name" >/dev/null
    left=$((left + 1))
  done
  echo "$left"
}
