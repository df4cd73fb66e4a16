# shellcheck shell=bash
# nginx (Debian's package) as a load balancer in front of several checkoutd
# instances, for scripts/cluster and the tests. Source it, then:
#
#   balancer_config DIR LISTEN_PORT BACKEND_PORT...   write DIR/nginx.conf
#   start_balancer DIR     start nginx (or reload it when it already runs from
#                          DIR); returns once the port accepts connections
#   reload_balancer DIR    re-read DIR/nginx.conf (new backends); returns once
#                          no worker with the old configuration is left
#   stop_balancer DIR      graceful quit, then kill; safe to call again
#   balancer_backends DIR  the upstream addresses, one a line
#
# Everything nginx reads or writes stays in DIR (config, pid, logs, temp
# paths): nothing under /etc/nginx or /var/log/nginx is used, so it runs beside
# a system nginx and in a test's temporary directory. BALANCER_LISTEN_HOST
# (default 127.0.0.1) is the listen address; scripts/cluster says 0.0.0.0.

# The service refuses bodies over 64 KiB itself, with 413 code 1413 in its
# envelope (CONTRACT §1). nginx lets through twice that so the service is the
# one answering; only a body beyond this gets nginx's own 413 (an envelope too,
# below). Bodies this size stay in memory, so workers never write temp files.
BALANCER_MAX_BODY=128k

balancer_config() {
  local dir=$1 listen_port=$2
  shift 2 || true
  if [ -z "$dir" ] || [ -z "$listen_port" ] || [ $# -eq 0 ]; then
    echo "usage: balancer_config DIR LISTEN_PORT BACKEND_PORT..." >&2
    return 2
  fi
  mkdir -p "$dir" || return 1
  dir=$(cd "$dir" && pwd) || return 1
  # Run as root, the master hands the workers to "nobody"; they must be able
  # to reach DIR (the master opens the logs, but keep the tree traversable).
  chmod go+rx "$dir" 2>/dev/null || true
  local host=${BALANCER_LISTEN_HOST:-127.0.0.1} servers="" port
  for port in "$@"; do
    # One failed connect takes an instance out for 2 s, then one request
    # tries it again: a killed instance costs each request one refused
    # connect, which nginx retries on the next instance.
    servers+="        server 127.0.0.1:$port max_fails=1 fail_timeout=2s;"$'\n'
  done
  cat >"$dir/nginx.conf" <<CONF
# Written by scripts/lib/balancer.sh; started with
#   nginx -p $dir/ -c $dir/nginx.conf -e $dir/error.log
worker_processes 1;                # one of the machine's 2 cores; checkoutd wants the rest
worker_rlimit_nofile 8192;
pid $dir/nginx.pid;
lock_file $dir/nginx.lock;
error_log $dir/error.log warn;

events {
    worker_connections 4096;       # a proxied request holds two
}

http {
    server_tokens off;
    log_format balancer '\$remote_addr [\$time_iso8601] "\$request" \$status '
                        'upstream=\$upstream_addr upstream_status=\$upstream_status '
                        'time=\$request_time cid=\$http_x_correlation_id';
    access_log $dir/access.log balancer;

    # Compiled-in defaults point at /var/lib/nginx; keep even unused ones here.
    client_body_temp_path $dir/client_body_temp;
    proxy_temp_path       $dir/proxy_temp;
    fastcgi_temp_path     $dir/fastcgi_temp;
    uwsgi_temp_path       $dir/uwsgi_temp;
    scgi_temp_path        $dir/scgi_temp;

    client_max_body_size    $BALANCER_MAX_BODY;
    client_body_buffer_size $BALANCER_MAX_BODY;
    # Whole bodies are read before an instance is picked: a slow client ties
    # up nginx, not a checkoutd connection, and a refused connect can be
    # retried elsewhere with the body still in hand.
    proxy_request_buffering on;
    proxy_max_temp_file_size 0;    # answers are small JSON; never spill to disk

    upstream checkoutd {
        # Round robin, no affinity: every instance answers from the committed
        # row (CONTRACT §14), so any of them may take any request.
$servers
        keepalive 32;              # idle HTTP/1.1 connections kept per worker
        # Shorter than the service's HTTP_IDLE_TIMEOUT (60s), so nginx closes
        # an idle connection before the instance does and never sends a
        # request into a connection that is just being closed.
        keepalive_timeout 30s;
    }

    # Host as the client sent it (\$host when it sent none, as HTTP/1.0 may).
    map \$http_host \$balancer_host {
        ""      \$host;
        default \$http_host;
    }
    # Kept when an outer proxy set it, else what this hop saw.
    map \$http_x_forwarded_proto \$balancer_proto {
        ""      \$scheme;
        default \$http_x_forwarded_proto;
    }
    # nginx's own error answers carry a correlation id the way the service's
    # do (CONTRACT §1): the client's when valid, else a UUIDv4 made from
    # \$request_id (random hex, with the version and variant digits set).
    map \$request_id \$balancer_uuid {
        "~^(?<a>.{8})(?<b>.{4}).(?<c>.{3}).(?<d>.{3})(?<e>.{12})\$" "\$a-\$b-4\$c-8\$d-\$e";
    }
    map \$http_x_correlation_id \$balancer_cid {
        "~^[A-Za-z0-9._-]{1,128}\$" \$http_x_correlation_id;
        default                    \$balancer_uuid;
    }

    server {
        listen $host:$listen_port;

        location / {
            proxy_pass http://checkoutd;
            proxy_http_version 1.1;
            proxy_set_header Connection "";          # keep upstream connections open
            proxy_set_header Host \$balancer_host;
            # Appends the client's address: the service believes the right-most
            # entry not in TRUSTED_PROXIES, so a client cannot forge its own.
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$balancer_proto;
            # Every other request header (X-Correlation-ID, X-Request-Id,
            # Idempotency-Key, Authorization, signatures) passes untouched.

            # nginx's default, spelt out: a connect refused or timed out is
            # tried on the next instance. nginx never sends a POST or PATCH
            # again once it was sent (that needs "non_idempotent", which must
            # stay off: a second POST /orders could be a second order while
            # the first instance still works on it). Clients retry those with
            # the same Idempotency-Key instead.
            proxy_next_upstream error timeout;
            proxy_connect_timeout 1s;    # loopback or LAN: 1 s means the host is gone
            proxy_send_timeout 30s;      # as the service's HTTP_BODY_TIMEOUT
            # Longer than anything the service itself waits for (REQUEST_TIMEOUT,
            # GATEWAY_TIMEOUT with retries), so its own 503s reach the client.
            proxy_read_timeout 60s;
        }

        # Only answers nginx makes itself land here: instances' own 413s and
        # 5xx pass through unchanged (proxy_intercept_errors is off).
        error_page 413 @too_large;
        error_page 502 504 =503 @unavailable;
        location @too_large {
            default_type application/json;
            add_header X-Correlation-ID \$balancer_cid always;
            add_header X-Content-Type-Options nosniff always;
            add_header Referrer-Policy no-referrer always;
            add_header Cache-Control no-store always;
            return 413 '{"status":413,"success":false,"error":{"code":1413,"message":"Request body too large.","validation_messages":[],"correlation_id":"\$balancer_cid","retryable":false,"suggested_action":"Send at most 64 KiB."}}';
        }
        location @unavailable {
            default_type application/json;
            add_header X-Correlation-ID \$balancer_cid always;
            add_header X-Content-Type-Options nosniff always;
            add_header Referrer-Policy no-referrer always;
            add_header Cache-Control no-store always;
            add_header Retry-After 1 always;
            return 503 '{"status":503,"success":false,"error":{"code":9503,"message":"Service temporarily unavailable.","validation_messages":["balancer: no instance answered"],"correlation_id":"\$balancer_cid","retryable":true,"suggested_action":"Retry later."}}';
        }
    }
}
CONF
}

# The "host:port" nginx listens on, from DIR/nginx.conf.
balancer_listen() {
  sed -n 's/^ *listen \([^;]*\);.*/\1/p' "$1/nginx.conf" | head -n1
}

balancer_backends() {
  sed -n 's/^ *server \(127\.0\.0\.1:[0-9]*\) .*/\1/p' "$1/nginx.conf"
}

# The master's pid, if it runs from DIR. A stale pid file (nginx killed, the
# pid reused) must never make us signal some other process.
_balancer_pid() {
  local pid dir
  dir=$(cd "$1" 2>/dev/null && pwd) || return 1
  pid=$(cat "$dir/nginx.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "-c $dir/nginx.conf" || return 1
  echo "$pid"
}

_balancer_accepts() {  # HOST PORT: does a TCP connect succeed?
  local host=$1
  [ "$host" = "0.0.0.0" ] || [ "$host" = "*" ] && host=127.0.0.1
  (exec 3<>"/dev/tcp/$host/$2") 2>/dev/null
}

# Daemonized (nginx's default): returns once the master has forked and the
# port accepts connections, so a caller (scripts/cluster, a C++ test through
# bash -c) goes on with nginx running; stop_balancer ends it.
start_balancer() {
  local dir=$1 nginx listen
  [ -f "$dir/nginx.conf" ] || { echo "start_balancer: no $dir/nginx.conf (balancer_config first)" >&2; return 1; }
  dir=$(cd "$dir" && pwd)
  nginx=$(command -v nginx || echo /usr/sbin/nginx)
  [ -x "$nginx" ] || { echo "start_balancer: nginx is not installed (apt-get install nginx)" >&2; return 1; }
  # -e: the error log before the config is read (the compiled-in one would
  # be stderr or /var/log/nginx); -p: relative paths resolve inside DIR.
  local args=(-p "$dir/" -c "$dir/nginx.conf" -e "$dir/error.log")
  "$nginx" -t -q "${args[@]}" || { echo "start_balancer: bad config in $dir/nginx.conf" >&2; return 1; }
  if _balancer_pid "$dir" >/dev/null; then
    reload_balancer "$dir" || return 1
  else
    "$nginx" "${args[@]}" || { tail -n 20 "$dir/error.log" >&2 2>/dev/null; return 1; }
  fi
  listen=$(balancer_listen "$dir")
  for _ in $(seq 1 100); do
    _balancer_accepts "${listen%:*}" "${listen##*:}" && return 0
    sleep 0.1
  done
  echo "start_balancer: nothing accepts on $listen after 10 s; $dir/error.log:" >&2
  tail -n 20 "$dir/error.log" >&2 2>/dev/null
  return 1
}

stop_balancer() {
  local dir=$1 pid children
  pid=$(_balancer_pid "$dir") || return 0
  kill -QUIT "$pid" 2>/dev/null  # graceful: finish requests in flight, then exit
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  # Workers outlive a killed master, so they go first, by their parent's id.
  children=$(ps -o pid= --ppid "$pid" 2>/dev/null)
  # shellcheck disable=SC2086
  [ -n "$children" ] && kill -KILL $children 2>/dev/null
  kill -KILL "$pid" 2>/dev/null
  rm -f "$dir/nginx.pid"
  return 0
}

# Re-reads DIR/nginx.conf (after balancer_config with other backends) and
# returns once the workers of the old config have exited: from then on no
# request can reach an instance taken out, so it may be stopped (the rolling
# restart of docs/DEPLOY.md). The old workers finish their requests first.
# shellcheck disable=SC2317  # a false "unreachable" in shellcheck 0.9; called by sourcing scripts
reload_balancer() {
  local dir=$1 pid old w alive nginx
  pid=$(_balancer_pid "$dir") || { start_balancer "$dir"; return; }
  dir=$(cd "$dir" && pwd)
  nginx=$(command -v nginx || echo /usr/sbin/nginx)
  "$nginx" -t -q -p "$dir/" -c "$dir/nginx.conf" -e "$dir/error.log" ||
    { echo "reload_balancer: bad config in $dir/nginx.conf" >&2; return 1; }
  old=$(ps -o pid= --ppid "$pid" 2>/dev/null)
  kill -HUP "$pid"
  for _ in $(seq 1 300); do
    alive=0
    for w in $old; do kill -0 "$w" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && return 0
    sleep 0.1
  done
  echo "reload_balancer: the old workers still run 30 s after the reload" >&2
  return 1
}
