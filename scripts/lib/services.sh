# Shared by scripts/run and scripts/test: install what is missing, start
# PostgreSQL and RabbitMQ on this machine, create the database and role, build.
# Idempotent: every step first looks whether it is already done.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
DB_NAME="${DB_NAME:-checkout}"
DB_USER="${DB_USER:-checkout}"
DB_PASS="${DB_PASS:-checkout}"
export DATABASE_URL="${DATABASE_URL:-postgresql://$DB_USER:$DB_PASS@127.0.0.1:5432/$DB_NAME}"
export AMQP_URL="${AMQP_URL:-amqp://guest:guest@127.0.0.1:5672/%2f}"

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

PACKAGES=(cmake ninja-build g++ pkg-config libcaf-dev libpqxx-dev librabbitmq-dev rapidjson-dev
  libjwt-dev libspdlog-dev libtomlplusplus-dev librapidcheck-dev libboost-dev libboost-system-dev
  libssl-dev libgtest-dev libgmock-dev libbenchmark-dev postgresql rabbitmq-server curl
  python3 clang-format jq openssl clang libclang-rt-14-dev)

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing: ${missing[*]}"
    apt-get update -qq
    # The packages' own service starts are refused in containers; we start them below.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

start_postgres() {
  local ver cluster
  ver=$(ls /usr/lib/postgresql | sort -V | tail -n1)
  cluster=main
  if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$ver $cluster$"; then
    log "creating PostgreSQL $ver cluster"
    pg_createcluster "$ver" "$cluster" >/dev/null
  fi
  if ! pg_lsclusters -h | awk -v v="$ver" '$1==v && $2=="main" {print $4}' | grep -q online; then
    log "starting PostgreSQL $ver"
    pg_ctlcluster "$ver" "$cluster" start
  fi
  for _ in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 -p 5432 && break
    sleep 0.5
  done
  pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL did not answer" >&2; return 1; }
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='$DB_USER'\"" | grep -q 1 ||
    su postgres -c "psql -qc \"CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASS'\""
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='$DB_NAME'\"" | grep -q 1 ||
    su postgres -c "createdb -O $DB_USER $DB_NAME"
}

start_rabbitmq() {
  if ! rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
    log "starting RabbitMQ"
    mkdir -p /var/log/rabbitmq /var/lib/rabbitmq
    chown -R rabbitmq:rabbitmq /var/log/rabbitmq /var/lib/rabbitmq
    rabbitmq-server -detached >/dev/null 2>&1 || true
  fi
  for _ in $(seq 1 120); do
    rabbitmq-diagnostics -q check_port_connectivity >/dev/null 2>&1 && break
    sleep 1
  done
  rabbitmq-diagnostics -q check_port_connectivity >/dev/null 2>&1 ||
    { echo "RabbitMQ did not answer on 5672" >&2; return 1; }
  # At-least-once dead-lettering needs the stream_queue feature flag.
  rabbitmqctl -q enable_feature_flag all >/dev/null 2>&1 || true
}

# build [TARGET...]: everything when no target is named.
build() {
  log "building in $BUILD_DIR"
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
  local targets=()
  for t in "$@"; do targets+=(--target "$t"); done
  cmake --build "$BUILD_DIR" -j "$(nproc)" "${targets[@]}"
}

# setup_all [TARGET...]
setup_all() {
  install_packages
  start_postgres
  start_rabbitmq
  build "$@"
}
