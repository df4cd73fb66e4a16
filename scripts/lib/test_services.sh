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
# - A RabbitMQ cluster of three nodes, checkout-c1/c2/c3@localhost on
#   127.0.0.1:5674/5675/5676 (management on c1, 15674), for the suites that
#   stop one node of a cluster (CONTRACT §14, AMQP_URL listing several nodes).

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

TEST_CLUSTER_SIZE=3
TEST_CLUSTER_FIRST_PORT=5674
TEST_CLUSTER_API_PORT=15674
TEST_CLUSTER_DIR=/var/lib/rabbitmq/checkout-cluster

test_cluster_node() { echo "checkout-c$1@localhost"; }

# The environment under which rabbitmq-server starts node K (1..3). All nodes
# run as the rabbitmq user, so they share its Erlang cookie.
test_cluster_node_env() {
  local k=$1 port=$((TEST_CLUSTER_FIRST_PORT + $1 - 1)) dir=$TEST_CLUSTER_DIR/c$1
  export RABBITMQ_NODENAME=checkout-c$k@localhost
  export RABBITMQ_NODE_PORT=$port
  export RABBITMQ_DIST_PORT=$((port + 20000))
  export RABBITMQ_MNESIA_BASE=$dir/mnesia
  export RABBITMQ_LOG_BASE=$dir/log
  export RABBITMQ_PID_FILE=$dir/node.pid
  export RABBITMQ_ENABLED_PLUGINS_FILE=$dir/enabled_plugins
  export RABBITMQ_CONFIG_FILE=$dir/rabbitmq.conf
  export RABBITMQ_CONFIG_FILES=$dir/conf.d
  # Lean on a small machine: schedulers that sleep when idle instead of
  # spinning, one of them (three nodes and the tests share the cores).
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="+S 1:1 +sbwt none +sbwtdcpu none +sbwtdio none"
}

# rabbitmqctl K ARGS...: rabbitmqctl addressing cluster node K.
test_cluster_ctl() {
  local k=$1
  shift
  rabbitmqctl -n "$(test_cluster_node "$k")" "$@"
}

test_cluster_write_config() {
  local k=$1 dir=$TEST_CLUSTER_DIR/c$1
  mkdir -p "$dir/log" "$dir/mnesia" "$dir/conf.d"
  if ((k == 1)); then
    echo '[rabbitmq_management].' >"$dir/enabled_plugins"
  else
    echo '[].' >"$dir/enabled_plugins"
  fi
  {
    echo "listeners.tcp.default = 127.0.0.1:$((TEST_CLUSTER_FIRST_PORT + k - 1))"
    echo "loopback_users.guest = true"
    # A node whose peers are not up yet waits for them this long at boot.
    echo "mnesia_table_loading_retry_limit = 6"
    echo "mnesia_table_loading_retry_timeout = 10000"
    if ((k == 1)); then
      echo "management.tcp.port = $TEST_CLUSTER_API_PORT"
      echo "management.tcp.ip = 127.0.0.1"
      echo "collect_statistics_interval = 30000"
    fi
  } >"$dir/rabbitmq.conf"
}

# Cheap checks (no Erlang CLI, which takes seconds to start): whether node K
# takes AMQP connections, and whether its Erlang VM runs at all.
test_cluster_serves() {
  timeout 1 bash -c ">/dev/tcp/127.0.0.1/$((TEST_CLUSTER_FIRST_PORT + $1 - 1))" 2>/dev/null
}
test_cluster_vm_runs() { epmd -names 2>/dev/null | grep -q "^name checkout-c$1 at"; }
test_cluster_api() { curl -fs -u guest:guest "http://127.0.0.1:$TEST_CLUSTER_API_PORT/api/$1"; }

# Boots node K's Erlang VM, or starts the application of a VM that runs
# stopped (a failed test's stop_app).
test_cluster_boot() {
  if test_cluster_vm_runs "$1"; then
    test_cluster_ctl "$1" -q start_app >/dev/null 2>&1 &
  else
    (test_cluster_node_env "$1" && rabbitmq-server -detached >/dev/null 2>&1) || true
  fi
}

# Waits up to 180 s for every node to take connections. Four Erlang VMs boot
# at once on two cores here, and one may exit during boot (CI once saw node 3
# never come up), while clustered peers wait for it: all nodes are watched
# together, and one whose VM is gone, or that has not served for a minute and
# a half, is booted again. On failure the node's log says why.
test_cluster_await() {
  local k waited=0 pending since=()
  for k in $(seq 1 $TEST_CLUSTER_SIZE); do since[k]=0; done
  while :; do
    pending=()
    for k in $(seq 1 $TEST_CLUSTER_SIZE); do
      test_cluster_serves "$k" && continue
      pending+=("$k")
      if { ((since[k] >= 20)) && ! test_cluster_vm_runs "$k"; } || ((since[k] >= 90)); then
        echo "test cluster node $k: not up after ${since[k]} s, booting it again" >&2
        test_cluster_boot "$k"
        since[k]=0
      fi
    done
    ((${#pending[@]} == 0)) && return 0
    ((waited >= 180)) && break
    sleep 1
    waited=$((waited + 1))
    for k in "${pending[@]}"; do since[k]=$((since[k] + 1)); done
  done
  for k in "${pending[@]}"; do
    echo "test cluster node $k did not start; the end of its log:" >&2
    tail -n 30 "$TEST_CLUSTER_DIR/c$k/log/$(test_cluster_node "$k").log" >&2 2>/dev/null || true
  done
  return 1
}

# Starts the three nodes (all at once: a node that was clustered waits for
# its peers at boot), joins c2 and c3 to c1 the first time, and starts the
# application of a node a failed test left stopped. Idempotent, and quick
# when the cluster runs already.
start_test_cluster() {
  (
    local k changed=0
    for k in $(seq 1 $TEST_CLUSTER_SIZE); do
      test_cluster_serves "$k" && continue
      changed=1
      test_cluster_write_config "$k"
      chown -R rabbitmq:rabbitmq "$TEST_CLUSTER_DIR"
      test_cluster_boot "$k"
    done
    ((changed)) && log "starting the test RabbitMQ cluster on 127.0.0.1:$TEST_CLUSTER_FIRST_PORT.."
    test_cluster_await || return 1
    wait
    for _ in $(seq 1 60); do
      test_cluster_api overview >/dev/null && break
      sleep 1
    done
    test_cluster_api overview >/dev/null ||
      { echo "the test cluster's management API did not answer" >&2; return 1; }
    local members
    members=$(test_cluster_api nodes | jq -r '.[].name')
    for k in $(seq 2 $TEST_CLUSTER_SIZE); do
      grep -qx "$(test_cluster_node "$k")" <<<"$members" && continue
      changed=1
      log "joining $(test_cluster_node "$k") to $(test_cluster_node 1)"
      {
        test_cluster_ctl "$k" -q stop_app &&
          test_cluster_ctl "$k" -q reset &&
          test_cluster_ctl "$k" -q join_cluster "$(test_cluster_node 1)" &&
          test_cluster_ctl "$k" -q start_app
      } >/dev/null 2>&1 || { echo "joining node $k to the test cluster failed" >&2; return 1; }
    done
    local running
    running=$(test_cluster_api nodes | jq '[.[] | select(.running)] | length')
    [ "$running" = "$TEST_CLUSTER_SIZE" ] ||
      { echo "the test cluster runs $running of $TEST_CLUSTER_SIZE nodes" >&2; return 1; }
    if ((changed)); then
      test_cluster_ctl 1 -q enable_feature_flag all >/dev/null
    fi
  )
}

# Where the suites find the cluster: its nodes' URLs (no vhost: a test adds
# its own to each), its management API, and the nodes' names for rabbitmqctl.
test_cluster_exports() {
  local k urls=() nodes=()
  for k in $(seq 1 $TEST_CLUSTER_SIZE); do
    urls+=("amqp://guest:guest@127.0.0.1:$((TEST_CLUSTER_FIRST_PORT + k - 1))")
    nodes+=("$(test_cluster_node "$k")")
  done
  export CHECKOUT_TEST_CLUSTER_URL=$(IFS=,; echo "${urls[*]}")
  export CHECKOUT_TEST_CLUSTER_NODES=$(IFS=,; echo "${nodes[*]}")
  export CHECKOUT_TEST_CLUSTER_API="http://127.0.0.1:$TEST_CLUSTER_API_PORT"
}

# Stops the three nodes (their data stays, so the next start is quick).
stop_test_cluster() {
  local k
  for k in $(seq 1 $TEST_CLUSTER_SIZE); do
    test_cluster_ctl "$k" -q stop >/dev/null 2>&1 || true
  done
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
  # The cluster boots (about 25 s when its nodes were stopped, 1 s when they
  # run) while the test broker and the template database are made.
  local cluster_log="$BUILD_DIR/test-cluster.log" cluster
  start_test_cluster >"$cluster_log" 2>&1 &
  cluster=$!
  start_test_broker
  export CHECKOUT_TEST_PREFIX="ct_$(date +%s)_$$"
  TEST_DB_TEMPLATE="${CHECKOUT_TEST_PREFIX}_template"
  prepare_test_database
  test_broker_env
  export CHECKOUT_TEST_DATABASE_ADMIN_URL="postgresql://$TEST_DB_USER:$TEST_DB_PASS@127.0.0.1:5432/postgres"
  export CHECKOUT_TEST_DATABASE_TEMPLATE=$TEST_DB_TEMPLATE
  export CHECKOUT_TEST_BROKER_URL="amqp://guest:guest@127.0.0.1:$TEST_BROKER_PORT"
  export CHECKOUT_TEST_BROKER_API="http://127.0.0.1:$TEST_BROKER_API_PORT"
  wait "$cluster" || { cat "$cluster_log" >&2; return 1; }
  test_cluster_exports
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
  if [ -n "${CHECKOUT_TEST_CLUSTER_API:-}" ]; then
    # A failed cluster test may have left a node stopped.
    local k
    for k in $(seq 1 $TEST_CLUSTER_SIZE); do
      test_cluster_serves "$k" || test_cluster_ctl "$k" -q start_app >/dev/null 2>&1 || true
    done
    for name in $(curl -fs -u guest:guest "$CHECKOUT_TEST_CLUSTER_API/api/vhosts" |
      jq -r --arg p "${prefix}_" '.[].name | select(startswith($p))'); do
      curl -fs -u guest:guest -X DELETE "$CHECKOUT_TEST_CLUSTER_API/api/vhosts/$name" >/dev/null
      left=$((left + 1))
    done
  fi
  echo "$left"
}
