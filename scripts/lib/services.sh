# Shared by scripts/run, scripts/cluster and scripts/test: install what is missing, start
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
  libcurl4-openssl-dev python3-aiosmtpd
  python3 clang-format jq openssl clang libclang-rt-14-dev nginx)

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

# Development's mail server (CONTRACT §16): Debian's aiosmtpd on :2525, keeping
# every mail the service sends as one file in $MAIL_DIR/new (a maildir).
MAIL_DIR="${MAIL_DIR:-/var/lib/checkout-mail}"
start_smtp_sink() {
  mkdir -p "$MAIL_DIR"/{tmp,new,cur}
  if ! (exec 3<>/dev/tcp/127.0.0.1/2525) 2>/dev/null; then
    log "starting the development mail server (mails in $MAIL_DIR/new)"
    # Debian's interpreter: python3-aiosmtpd installs for it, whatever python3 is first on PATH.
    nohup /usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:2525 -c aiosmtpd.handlers.Mailbox \
      "$MAIL_DIR" >/var/log/checkout-smtp-sink.log 2>&1 &
    for _ in $(seq 1 50); do
      (exec 3<>/dev/tcp/127.0.0.1/2525) 2>/dev/null && break
      sleep 0.1
    done
  fi
  export SMTP_URL="${SMTP_URL:-smtp://127.0.0.1:2525}"
}

# The binary alone is production (CONTRACT §13); the demos are development,
# with secrets of their own made once on this machine (never values in the
# code). Exports them and sets DEV_SECRETS to the file.
use_dev_secrets() {
  DEV_SECRETS="$BUILD_DIR/dev-secrets.env"
  if [ ! -s "$DEV_SECRETS" ]; then
    (
      umask 077
      {
        echo "CHECKOUT_ENV=development"
        echo "JWT_SECRET=$(openssl rand -hex 32)"
        echo "RAZORPAY_WEBHOOK_SECRET=$(openssl rand -hex 24)"
      } >"$DEV_SECRETS"
    )
  fi
  set -a
  # shellcheck disable=SC1090
  . "$DEV_SECRETS"
  set +a
  export CHECKOUT_ENV=development
}

# load_demo_catalog BASE BIN: the demo internships and coupons, as an admin.
load_demo_catalog() {
  local base=$1 admin
  admin=$("$2" --issue-token demo-admin --admin)
  log "demo catalog"
  _demo_item "$base" "$admin" ml-101 "Machine Learning Internship" data 43176 100
  _demo_item "$base" "$admin" web-201 "Full-Stack Web Internship" engineering 29900 50
  _demo_item "$base" "$admin" design-301 "Product Design Internship" design 19900 null
  _demo_post "$base" "$admin" internships data-202 '{"id":"data-202","title":"Data Analytics Internship","category":"data","price":24900,"currency":"INR","seats":40,"plans":[{"period":{"value":1,"unit":"month"},"price":9900},{"period":{"value":3,"unit":"month"},"price":24900}]}'
  _demo_post "$base" "$admin" internships git-001 '{"id":"git-001","title":"Git Basics Workshop","category":"engineering","price":0,"currency":"INR","seats":null}'
  _demo_post "$base" "$admin" coupons WELCOME15 '{"code":"WELCOME15","type":"percentage","value":15}'
}
_demo_item() {  # base admin-jwt id title category price seats
  _demo_post "$1" "$2" internships "$3" \
    "{\"id\":\"$3\",\"title\":\"$4\",\"category\":\"$5\",\"price\":$6,\"currency\":\"INR\",\"seats\":$7}"
}
_demo_post() {  # base admin-jwt collection name json
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$1/api/v1/admin/$3" \
    -H "Authorization: Bearer $2" -H 'Content-Type: application/json' -d "$5")
  case "$code" in 201) echo "  added $4" ;; 409) echo "  $4 already there" ;; *) echo "  $4: HTTP $code" ;; esac
}

# print_pages BASE: where a person starts, in a browser.
print_pages() {
  cat <<PAGES
Open $1/ in a browser: the storefront (catalog, cart, coupon WELCOME15, sign-in with
any user id, payment on the sandbox gateway's page, My orders, My learning).
The operator console is $1/admin (press "Use a development admin token").

PAGES
}

# print_walkthrough BASE BIN SECRETS-FILE: a paid checkout, step by step.
print_walkthrough() {
  local B=$1 BIN=$2 SECRETS=$3
  cat <<WALK
  set -a; . $SECRETS; set +a   # CHECKOUT_ENV=development and this demo's secrets
  B=$B
  USER_JWT=\$($BIN --issue-token student-1)
  CART=\$(curl -s -X POST \$B/api/v1/cart -d '{"products":[{"internship_id":"ml-101"}]}' | jq -r .data.cart.token)
  curl -s -X POST \$B/api/v1/cart/estimate -d "{\"cart_token\":\"\$CART\"}" | jq .data
  ORDER=\$(curl -s -X POST \$B/api/v1/orders -H "Authorization: Bearer \$USER_JWT" \\
      -H "Idempotency-Key: \$(cat /proc/sys/kernel/random/uuid)" -d "{\"cart_token\":\"\$CART\"}")
  echo "\$ORDER" | jq .data.order
  OTOK=\$(echo "\$ORDER" | jq -r .data.order.order_token)
  GOID=\$(echo "\$ORDER" | jq -r .data.order.payment.gateway_order_id)
  TOTAL=\$(echo "\$ORDER" | jq -r .data.order.total)
  # What the gateway sends when the student pays (signed with the webhook secret):
  BODY="{\"event\":\"payment.captured\",\"payload\":{\"payment\":{\"entity\":{\"id\":\"pay_\${GOID#order_}\",\"order_id\":\"\$GOID\",\"amount\":\$TOTAL,\"currency\":\"INR\"}}}}"
  SIG=\$(printf '%s' "\$BODY" | openssl dgst -sha256 -hmac "\$RAZORPAY_WEBHOOK_SECRET" | awk '{print \$NF}')
  curl -s -X POST \$B/api/v1/webhooks/razorpay -H "X-Razorpay-Signature: \$SIG" -d "\$BODY" | jq .data
  sleep 1; curl -s \$B/api/v1/orders/\$OTOK -H "Authorization: Bearer \$USER_JWT" | jq '.data.order | {status, enrollment_ids, history}'
  curl -s \$B/api/v1/enrollments -H "Authorization: Bearer \$USER_JWT" | jq .data
WALK
}
