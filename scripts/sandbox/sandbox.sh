#!/usr/bin/env bash
# tg-devops sandbox: real services on 127.0.0.1 for integration tests.
#
#   sandbox.sh install   install the Debian packages it needs (root), or print the apt-get line
#   sandbox.sh up        start everything (idempotent), build + push the test images, write sandbox.env
#   sandbox.sh down      stop what up started (by recorded PID), including all containers of its dockerd
#   sandbox.sh status    which services are alive (exit 1 if any is not)
#   sandbox.sh env       print the env file
#   sandbox.sh clean     down, then delete the state dir
#
# See README.md beside this file for the variables it writes and the ones it reads.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

DIR=${TG_SANDBOX_DIR:-/tmp/tg-devops-sandbox}
DIR=${DIR%/}
[[ $DIR == /* ]] || DIR=$PWD/$DIR # services start in their own folders: paths must not be relative

REGISTRY_PORT=${SANDBOX_REGISTRY_PORT:-5000}
SSH_PORT=${SANDBOX_SSH_PORT:-2222}
NGINX_PORT=${SANDBOX_NGINX_PORT:-18080}
HAPROXY_PORT=${SANDBOX_HAPROXY_PORT:-18081}
HAPROXY_STATS_PORT=${SANDBOX_HAPROXY_STATS_PORT:-18404}
PG_PORT=${SANDBOX_PG_PORT:-15432}
REDIS_PORT=${SANDBOX_REDIS_PORT:-16379}
PROM_PORT=${SANDBOX_PROMETHEUS_PORT:-19090}
NETPROBE_PORT=${SANDBOX_NETPROBE_PORT:-18099}
BRIDGE=${SANDBOX_BRIDGE:-tgsbx0}
BRIDGE_CIDR=${SANDBOX_BRIDGE_CIDR:-10.213.77.1/24}
DEPLOY_USER=${SANDBOX_SSH_USER:-tgdeploy}
SOCK_GROUP=${SANDBOX_DOCKER_GROUP:-tgsandbox}
REGISTRY_USER=${SANDBOX_REGISTRY_USER:-tgsandbox}
PG_USER=${SANDBOX_PG_USER:-tgtest}
PG_DB=${SANDBOX_PG_DB:-tgtest}
READY_TIMEOUT=${SANDBOX_READY_TIMEOUT:-60}
NETWORK_WANTED=${SANDBOX_DOCKER_NETWORK:-auto}

SERVICES=(dockerd registry sshd nginx haproxy postgres redis prometheus)
ENV_FILE=$DIR/sandbox.env
RUN=$DIR/run
DOCKER_SOCK=$DIR/docker.sock
REGISTRY=127.0.0.1:$REGISTRY_PORT
BRIDGE_GW=${BRIDGE_CIDR%/*}

# name:target:version:mode (local tag tg-test/<name>:<version-tag>)
IMAGES=(
  "webbot:v1:webbot:v1:normal"
  "webbot:v2:webbot:v2:normal"
  "webbot:broken:webbot:broken:broken"
  "webbot:crash:webbot:crash:crash"
  "pollbot:v1:pollbot:v1:-"
  "pollbot:v2:pollbot:v2:-"
)

# ---------------------------------------------------------------------------
# helpers

log() { printf '[sandbox] %s\n' "$*" >&2; }
die() { printf '[sandbox] ERROR: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

fail_with_log() { # message logfile
  {
    printf '[sandbox] ERROR: %s\n' "$1"
    printf '[sandbox]        log: %s\n' "$2"
    if [[ -r $2 ]]; then
      echo '[sandbox] ---- last lines of the log ----'
      tail -n 25 "$2" | sed 's/^/[sandbox] | /'
    fi
  } >&2
  exit 1
}

need_root() { [[ $(id -u) == 0 ]] || die "'$1' must run as root (it starts daemons and creates users)"; }

pidfile() { echo "$RUN/$1.pid"; }

# cmdline of a pid, NULs as spaces ("" if gone)
cmdline_of() { [[ -r /proc/$1/cmdline ]] && tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null || true; }

# Does pid look like our instance of the service? (guards against PID reuse)
is_ours() { # svc pid
  local c
  c=$(cmdline_of "$2")
  [[ -n $c ]] || return 1
  case $1 in
    redis) [[ $c == *redis-server* && ($c == *":$REDIS_PORT"* || $c == *"$DIR/"*) ]] ;;
    registry) [[ $c == *docker-registry* && $c == *"$DIR/"* ]] ;;
    postgres) [[ $c == *postgres* && $c == *"$DIR/"* ]] ;;
    *) [[ $c == *"$1"* && $c == *"$DIR/"* ]] ;;
  esac
}

pid_of() { # svc -> prints pid if alive and ours
  local f pid
  f=$(pidfile "$1")
  [[ -s $f ]] || return 1
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  is_ours "$1" "$pid" || return 1
  echo "$pid"
}
alive() { pid_of "$1" >/dev/null; }

# Start a long-running foreground process detached from us; record its PID.
# fd 9 is our lock: daemons must not inherit it.
# (In a non-interactive shell a background job is no process-group leader,
# so setsid(1) calls setsid() and execs: $! is the daemon's own PID.)
# Each service starts in its own folder (its log's), never in the caller's: a clone may sit in a
# 0700 folder (mktemp -d, /root) that a service dropping privileges cannot get back into
# (HAProxy: "Impossible to get back to initial directory").
start_bg() { # svc logfile cmd...
  local svc=$1 logf=$2
  shift 2
  (cd "$(dirname "$logf")" && exec setsid "$@" >>"$logf" 2>&1 </dev/null 9>&-) &
  echo $! >"$(pidfile "$svc")"
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

check_port_free() { # svc port varname
  if port_busy "$2"; then
    local who=""
    if command -v ss >/dev/null; then
      who=$(ss -ltnpH "sport = :$2" 2>/dev/null | sed -n 's/.*users:(\(.*\))/\1/p' | head -1 || true)
    fi
    die "$1: port 127.0.0.1:$2 is already in use${who:+ by $who}; set $3 to another port"
  fi
}

wait_ready() { # svc logfile timeout check-cmd...
  local svc=$1 logf=$2 t=$3
  shift 3
  local end=$((SECONDS + t))
  while :; do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if ! alive "$svc"; then fail_with_log "$svc exited during startup" "$logf"; fi
    if ((SECONDS >= end)); then fail_with_log "$svc was not ready after ${t}s" "$logf"; fi
    sleep 0.2
  done
}

http_code() { curl -s -o /dev/null -m 3 -w '%{http_code}' "$@" 2>/dev/null || true; }
http_is() { [[ $(http_code "${@:2}") == "$1" ]]; }

# Run a command as another user, without PAM and with the right groups.
as_user() { # user cmd...
  local u=$1
  shift
  (cd / && setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups -- env HOME="$(getent passwd "$u" | cut -d: -f6)" USER="$u" "$@")
}

secret() { # name -> prints a persistent random secret
  local f=$DIR/secrets/$1
  if [[ ! -s $f ]]; then
    (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$f")
  fi
  cat "$f"
}

docker_cmd() { DOCKER_HOST=unix://$DOCKER_SOCK DOCKER_CONFIG=$DIR/docker-config "$DOCKER_CLI" "$@"; }

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [[ -n $d && -x $d/initdb ]] || die "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (run: $0 install)"
  echo "$d"
}

# Child PIDs of the given PIDs, recursively.
descendants() {
  local -A kids=()
  local p s rest ppid
  for s in /proc/[0-9]*/stat; do
    p=${s#/proc/}
    p=${p%/stat}
    { read -r rest <"$s"; } 2>/dev/null || continue
    rest=${rest##*) }
    read -r _ ppid _ <<<"$rest"
    kids[$ppid]+="$p "
  done
  local queue=("$@") out=() cur
  while ((${#queue[@]})); do
    cur=${queue[0]}
    queue=("${queue[@]:1}")
    for p in ${kids[$cur]:-}; do
      out+=("$p")
      queue+=("$p")
    done
  done
  echo "${out[@]:-}"
}

# Our leftover daemons: processes of the sandbox's own binaries that belong to
# this state dir (command line, cwd or an open file under it), e.g. containerd
# and shims after a killed dockerd, or nginx workers after a killed master.
declare -A BIN=()
resolve_bins() {
  local n b
  for n in dockerd containerd containerd-shim-runc-v2 docker-proxy docker-registry sshd nginx haproxy redis-server prometheus; do
    b=$(command -v "$n" 2>/dev/null) && BIN[$n]=$b
  done
  b=$(ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sort -V | tail -1) && [[ -n $b ]] && BIN[postgres]=$b
  return 0
}
leftovers() { # [binary names...]  (default: all)
  ((${#BIN[@]})) || resolve_bins
  local names=("$@") d p n hit args
  ((${#names[@]})) || names=("${!BIN[@]}")
  for d in /proc/[0-9]*; do
    p=${d#/proc/}
    [[ $p == "$$" || $p == "$BASHPID" ]] && continue
    hit=0
    for n in "${names[@]}"; do
      [[ -n ${BIN[$n]:-} && $d/exe -ef ${BIN[$n]} ]] && { hit=1; break; }
    done
    ((hit)) || continue
    args=()
    { mapfile -d '' args <"$d/cmdline"; } 2>/dev/null || continue
    if [[ "${args[*]}" == *"$DIR/"* ]]; then
      echo "$p"
    elif [[ $(readlink "$d/cwd" 2>/dev/null)/ == "$DIR/"* ]] || grep -qF -- "-> $DIR/" <(ls -l "$d/fd/" 2>/dev/null); then
      echo "$p"
    fi
  done
  return 0
}

kill_leftovers() { # binary names...
  local old
  old=$(leftovers "$@" | tr '\n' ' ')
  if [[ -n ${old// /} ]]; then
    log "stopping leftover processes of an earlier run ($*): $old"
    # shellcheck disable=SC2086
    kill_pids TERM 10 $old
  fi
}

# dockerd leaves mounts behind (its data root, the default netns): undo them
unmount_all() {
  local m
  awk -v d="$DIR/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r | while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "could not unmount $m"
  done
}

kill_pids() { # signal timeout pids...   TERM/INT, wait, then KILL
  local sig=$1 t=$2
  shift 2
  local pids=() p
  for p in "$@"; do [[ -n $p ]] && kill -0 "$p" 2>/dev/null && pids+=("$p"); done
  ((${#pids[@]})) || return 0
  kill -s "$sig" "${pids[@]}" 2>/dev/null || true
  local end=$((SECONDS + t)) left
  while :; do
    left=()
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && [[ $(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) != Z ]] && left+=("$p"); done
    ((${#left[@]})) || return 0
    ((SECONDS >= end)) && break
    sleep 0.2
  done
  log "still running after ${t}s, sending KILL: ${left[*]}"
  kill -KILL "${left[@]}" 2>/dev/null || true
}

stop_service() { # svc
  local svc=$1 pid sig=TERM t=15 kids
  pid=$(pid_of "$svc") || {
    rm -f "$(pidfile "$svc")"
    return 0
  }
  [[ $svc == postgres ]] && sig=INT # fast shutdown; TERM would wait for clients
  [[ $svc == dockerd ]] && t=30
  kids=$(descendants "$pid")
  log "stopping $svc (pid $pid)"
  kill_pids "$sig" "$t" "$pid"
  # sshd sessions, nginx/haproxy workers, postgres backends left behind
  # shellcheck disable=SC2086
  [[ -n $kids ]] && kill_pids TERM 5 $kids
  rm -f "$(pidfile "$svc")"
}

# ---------------------------------------------------------------------------
# install

APT_PKGS=(docker.io docker-registry haproxy nginx prometheus busybox-static redis-server openssh-server
  openssh-client apache2-utils python3-psycopg python3-pytest-cov python3-redis python3-pytest python3-aiohttp python3-venv socat wrk
  postgresql iproute2 iptables curl)

pkg_ok() { [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]; }

nginx_pkg() { # the package to ask for: nginx-light where the archive has it
  if apt-cache show nginx-light >/dev/null 2>&1; then echo nginx-light; else echo nginx; fi
}

missing_pkgs() {
  local p
  for p in "${APT_PKGS[@]}"; do
    case $p in
      nginx) pkg_ok nginx || pkg_ok nginx-light || pkg_ok nginx-core || echo nginx ;;
      postgresql)
        if ! pkg_ok postgresql && ! { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && command -v psql >/dev/null; }; then
          echo postgresql
        fi
        ;;
      *) pkg_ok "$p" || echo "$p" ;;
    esac
  done
}

cmd_install() {
  local missing=() line
  if [[ ! -r /etc/debian_version ]] || ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
    APT_PKGS=("${APT_PKGS[@]/#nginx/nginx-light}")
    echo "apt-get install -y --no-install-recommends ${APT_PKGS[*]}"
    log "not a Debian system: install the packages above (Debian 12 names) by other means"
    exit 1
  fi
  mapfile -t missing < <(missing_pkgs)
  if ((${#missing[@]} == 0)); then
    log "all packages are installed"
    return 0
  fi
  if [[ $(id -u) != 0 ]]; then
    missing=("${missing[@]/#nginx/$(nginx_pkg)}")
    echo "apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
    log "not root: run the line above as root"
    exit 1
  fi
  log "missing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Don't let the packages' maintainer scripts start system-wide services.
  local policy=/usr/sbin/policy-rc.d made_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# temporary, by tg-devops sandbox.sh install\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    made_policy=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  missing=("${missing[@]/#nginx/$(nginx_pkg)}")
  line="apt-get install -y --no-install-recommends ${missing[*]}"
  log "$line"
  apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
  if ((made_policy)); then
    rm -f "$policy"
    trap - EXIT
  fi
  mapfile -t missing < <(missing_pkgs)
  ((${#missing[@]} == 0)) || die "still missing after install: ${missing[*]}"
  log "installed"
}

# ---------------------------------------------------------------------------
# up: preparation

check_tools() {
  local t missing=()
  for t in dockerd docker-registry haproxy nginx prometheus redis-server redis-cli sshd ssh ssh-keygen htpasswd \
    socat curl setpriv setsid flock useradd ip; do
    command -v "$t" >/dev/null || missing+=("$t")
  done
  pkg_ok busybox-static || [[ -x /bin/busybox ]] || missing+=(busybox-static)
  ((${#missing[@]} == 0)) || die "missing tools: ${missing[*]} (run: $0 install)"
  [[ -x /bin/busybox ]] || die "/bin/busybox not found (run: $0 install)"
  if pkg_ok busybox && ! pkg_ok busybox-static; then
    die "/bin/busybox is dynamically linked; the images need busybox-static (apt-get install busybox-static)"
  fi
  pg_bin >/dev/null
}

choose_docker_cli() {
  DOCKER_CLI=
  local c
  for c in ${SANDBOX_DOCKER_CLI:-} /usr/bin/docker "$(command -v docker || true)"; do
    [[ -n $c && -x $c ]] || continue
    DOCKER_CLI=$c
    return 0
  done
  die "no docker client found (run: $0 install)"
}

prepare() {
  mkdir -p "$DIR" "$RUN" "$DIR/secrets" "$DIR/docker-config" "$DIR/build"
  chmod 755 "$DIR"
  chmod 700 "$DIR/secrets" "$DIR/docker-config"

  getent group "$SOCK_GROUP" >/dev/null || groupadd --system "$SOCK_GROUP"
  if ! id "$DEPLOY_USER" >/dev/null 2>&1; then
    useradd -m -s /bin/bash "$DEPLOY_USER"
    log "created user $DEPLOY_USER"
  fi
  # sshd refuses a locked account ("!" in shadow); "*" = no password, not locked
  [[ $(getent shadow "$DEPLOY_USER" | cut -d: -f2) == '*' ]] || usermod -p '*' "$DEPLOY_USER"
  [[ " $(id -nG "$DEPLOY_USER") " == *" $SOCK_GROUP "* ]] || usermod -aG "$SOCK_GROUP" "$DEPLOY_USER"

  install -d -o "$DEPLOY_USER" -g "$DEPLOY_USER" -m 755 "$DIR/state"
}

# ---------------------------------------------------------------------------
# dockerd

bridge_setup() {
  command -v ip >/dev/null && command -v iptables >/dev/null || return 1
  iptables -t nat -S >/dev/null 2>&1 || return 1
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    local clash
    clash=$(ip -4 route show to match "$BRIDGE_GW" 2>/dev/null | grep -v '^default' || true)
    if [[ -n $clash ]]; then
      log "bridge range $BRIDGE_CIDR overlaps an existing route ($clash); set SANDBOX_BRIDGE_CIDR"
      return 1
    fi
    ip link add "$BRIDGE" type bridge 2>/dev/null || return 1
    ip addr add "$BRIDGE_CIDR" dev "$BRIDGE" || return 1
  fi
  ip link set "$BRIDGE" up || return 1
}

bridge_teardown() {
  local t rule net=${BRIDGE_GW%.*}
  if command -v iptables >/dev/null; then
    for t in filter nat; do
      { iptables -t "$t" -S 2>/dev/null || true; } | { grep -E -- "(^| )$BRIDGE( |$)| ${net//./\\.}\." || true; } |
        { grep '^-A' || true; } | sed 's/^-A/-D/' |
        while read -r rule; do
          # shellcheck disable=SC2086
          iptables -t "$t" $rule 2>/dev/null || true
        done
    done
  fi
  if ip link show "$BRIDGE" >/dev/null 2>&1; then ip link del "$BRIDGE" 2>/dev/null || true; fi
}

dockerd_start() { # mode
  local mode=$1 logf=$DIR/docker/dockerd.log
  mkdir -p "$DIR/docker/data" "$DIR/docker/exec"
  [[ -s $DIR/docker/daemon.json ]] || echo '{}' >"$DIR/docker/daemon.json"
  local args=(--config-file "$DIR/docker/daemon.json" -H "unix://$DOCKER_SOCK" --group "$SOCK_GROUP"
    --data-root "$DIR/docker/data" --exec-root "$DIR/docker/exec" --pidfile "$DIR/docker/dockerd.pid"
    --storage-driver=vfs --insecure-registry "$REGISTRY" --ip6tables=false)
  if [[ $mode == bridge ]]; then
    args+=(--bridge="$BRIDGE" --iptables=true)
  else
    args+=(--bridge=none --iptables=false)
  fi
  # a killed dockerd can leave its containerd and shims behind
  kill_leftovers dockerd containerd containerd-shim-runc-v2 docker-proxy
  rm -f "$DOCKER_SOCK" "$DIR/docker/dockerd.pid"
  echo "--- $(date -u +%FT%TZ) starting dockerd ($mode)" >>"$logf"
  start_bg dockerd "$logf" dockerd "${args[@]}"
  echo "$mode" >"$DIR/docker/network"
  rm -f "$DIR/docker/network.probed"
}

dockerd_wait() {
  local end=$((SECONDS + READY_TIMEOUT))
  while ! docker_cmd version >/dev/null 2>&1; do
    alive dockerd || return 1
    ((SECONDS < end)) || fail_with_log "dockerd was not ready after ${READY_TIMEOUT}s" "$DIR/docker/dockerd.log"
    sleep 0.2
  done
}

docker_up() {
  if alive dockerd; then
    NETWORK=$(cat "$DIR/docker/network" 2>/dev/null || echo host)
    if [[ $NETWORK_WANTED != auto && $NETWORK_WANTED != "$NETWORK" ]]; then
      log "dockerd runs in $NETWORK mode but SANDBOX_DOCKER_NETWORK=$NETWORK_WANTED: restarting it"
      stop_service dockerd
    else
      return 0
    fi
  fi
  case $NETWORK_WANTED in auto | bridge | host) ;; *) die "SANDBOX_DOCKER_NETWORK must be auto, bridge or host" ;; esac
  if [[ $NETWORK_WANTED != host ]] && bridge_setup; then
    dockerd_start bridge
    NETWORK=bridge
  else
    [[ $NETWORK_WANTED == bridge ]] && die "bridge networking is not available here (ip/iptables/bridge setup failed)"
    dockerd_start host
    NETWORK=host
  fi
}

docker_ready() {
  if ! dockerd_wait; then
    if [[ $NETWORK == bridge && $NETWORK_WANTED == auto ]]; then
      log "dockerd with bridge networking failed to start; falling back to --network host"
      tail -n 5 "$DIR/docker/dockerd.log" | sed 's/^/[sandbox] | /' >&2
      stop_service dockerd
      bridge_teardown
      dockerd_start host
      NETWORK=host
      dockerd_wait || fail_with_log "dockerd exited during startup" "$DIR/docker/dockerd.log"
    else
      fail_with_log "dockerd exited during startup" "$DIR/docker/dockerd.log"
    fi
  fi
}

# In auto mode, prove once per dockerd start that a published port really
# answers on 127.0.0.1; otherwise restart dockerd without bridge networking.
network_probe() {
  [[ $NETWORK == bridge && ! -e $DIR/docker/network.probed ]] || return 0
  local name=tg-sandbox-netprobe ok=0 end
  docker_cmd rm -f "$name" >/dev/null 2>&1 || true
  if docker_cmd run -d --name "$name" -p "127.0.0.1:$NETPROBE_PORT:8080" tg-test/webbot:v1 >/dev/null 2>>"$DIR/docker/dockerd.log"; then
    end=$((SECONDS + 15))
    while ((SECONDS < end)); do
      if [[ $(curl -s -m 2 "http://127.0.0.1:$NETPROBE_PORT/health" 2>/dev/null) == ok ]]; then
        ok=1
        break
      fi
      sleep 0.2
    done
  fi
  docker_cmd rm -f "$name" >/dev/null 2>&1 || true
  if ((ok)); then
    touch "$DIR/docker/network.probed"
    return 0
  fi
  [[ $NETWORK_WANTED == bridge ]] && die "a container port published on 127.0.0.1:$NETPROBE_PORT did not answer (bridge mode)"
  log "bridge networking does not pass traffic here; restarting dockerd with --network host containers"
  stop_service dockerd
  bridge_teardown
  dockerd_start host
  NETWORK=host
  dockerd_wait || fail_with_log "dockerd exited during startup" "$DIR/docker/dockerd.log"
}

# ---------------------------------------------------------------------------
# registry

registry_start() {
  local d=$DIR/registry
  mkdir -p "$d/data"
  htpasswd -cbB "$d/htpasswd.new" "$REGISTRY_USER" "$(secret registry_password)" 2>/dev/null
  if [[ -s $d/htpasswd ]] && htpasswd -vb "$d/htpasswd" "$REGISTRY_USER" "$(secret registry_password)" >/dev/null 2>&1; then
    rm -f "$d/htpasswd.new"
  else
    mv "$d/htpasswd.new" "$d/htpasswd"
  fi
  cat >"$d/config.yml.new" <<EOF
# generated by scripts/sandbox/sandbox.sh
version: 0.1
log:
  level: info
  formatter: text
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $d/data
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: 127.0.0.1:$REGISTRY_PORT
  secret: $(secret registry_http_secret)
  headers:
    X-Content-Type-Options: [nosniff]
auth:
  htpasswd:
    realm: tg-devops-sandbox
    path: $d/htpasswd
health:
  storagedriver:
    enabled: false
EOF
  if alive registry && cmp -s "$d/config.yml.new" "$d/config.yml"; then
    rm -f "$d/config.yml.new"
    return 0
  fi
  alive registry && stop_service registry
  kill_leftovers docker-registry
  mv "$d/config.yml.new" "$d/config.yml"
  check_port_free registry "$REGISTRY_PORT" SANDBOX_REGISTRY_PORT
  start_bg registry "$d/registry.log" docker-registry serve "$d/config.yml"
}

registry_ready() {
  wait_ready registry "$DIR/registry/registry.log" "$READY_TIMEOUT" http_is 401 "http://$REGISTRY/v2/"
  http_is 200 -u "$REGISTRY_USER:$(secret registry_password)" "http://$REGISTRY/v2/" ||
    fail_with_log "registry refuses the sandbox credentials" "$DIR/registry/registry.log"
}

# ---------------------------------------------------------------------------
# sshd

authkeys_name() { echo "authorized_keys.tg-sandbox-$(printf '%s' "$DIR" | sha256sum | cut -c1-12)"; }

sshd_start() {
  local d=$DIR/ssh home
  mkdir -p "$d"
  chmod 755 "$d"
  [[ -s $d/ssh_host_ed25519_key ]] || ssh-keygen -q -t ed25519 -N '' -C tg-sandbox-host -f "$d/ssh_host_ed25519_key"
  [[ -s $d/id_ed25519 ]] || ssh-keygen -q -t ed25519 -N '' -C "tg-sandbox-$DEPLOY_USER" -f "$d/id_ed25519"
  chmod 600 "$d/ssh_host_ed25519_key" "$d/id_ed25519"
  local hostpart="[127.0.0.1]:$SSH_PORT"
  [[ $SSH_PORT == 22 ]] && hostpart=127.0.0.1
  echo "$hostpart $(cut -d' ' -f1,2 "$d/ssh_host_ed25519_key.pub")" >"$d/known_hosts"

  # One authorized_keys file per sandbox dir, so two sandboxes never clobber
  # each other's key (sshd's StrictModes refuses key files under /tmp).
  home=$(getent passwd "$DEPLOY_USER" | cut -d: -f6)
  install -d -o "$DEPLOY_USER" -g "$DEPLOY_USER" -m 700 "$home/.ssh"
  install -o "$DEPLOY_USER" -g "$DEPLOY_USER" -m 600 "$d/id_ed25519.pub" "$home/.ssh/$(authkeys_name)"

  cat >"$d/sshd_config.new" <<EOF
# generated by scripts/sandbox/sandbox.sh
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $d/ssh_host_ed25519_key
PidFile $d/sshd.pid
AuthorizedKeysFile .ssh/authorized_keys .ssh/$(authkeys_name)
AllowUsers $DEPLOY_USER
PermitRootLogin no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PrintMotd no
PermitUserEnvironment no
AllowTcpForwarding yes
MaxStartups 100:30:200
MaxSessions 100
LogLevel INFO
SetEnv DOCKER_HOST=unix://$DOCKER_SOCK SANDBOX_DIR=$DIR SANDBOX_STATE_BASE=$DIR/state
Subsystem sftp internal-sftp
EOF
  mkdir -p /run/sshd
  chmod 755 /run/sshd
  /usr/sbin/sshd -t -f "$d/sshd_config.new" || die "sshd rejects $d/sshd_config.new"
  if alive sshd; then
    if ! cmp -s "$d/sshd_config.new" "$d/sshd_config"; then
      # sshd re-execs itself on HUP (same PID); open sessions stay up
      mv "$d/sshd_config.new" "$d/sshd_config"
      log "sshd: config changed, reloading"
      kill -HUP "$(pid_of sshd)"
      sleep 0.5
    fi
    rm -f "$d/sshd_config.new"
    return 0
  fi
  mv "$d/sshd_config.new" "$d/sshd_config"
  kill_leftovers sshd
  check_port_free sshd "$SSH_PORT" SANDBOX_SSH_PORT
  start_bg sshd "$d/sshd.log" /usr/sbin/sshd -D -e -f "$d/sshd_config"
}

ssh_args() {
  echo -F none -i "$DIR/ssh/id_ed25519" -p "$SSH_PORT" -o BatchMode=yes -o IdentitiesOnly=yes \
    -o StrictHostKeyChecking=yes -o "UserKnownHostsFile=$DIR/ssh/known_hosts" -o ConnectTimeout=3 -o LogLevel=ERROR
}

sshd_ready() {
  # shellcheck disable=SC2046
  wait_ready sshd "$DIR/ssh/sshd.log" "$READY_TIMEOUT" ssh $(ssh_args) "$DEPLOY_USER@127.0.0.1" true
}

# ---------------------------------------------------------------------------
# nginx (runs as the deploy user, so the user can test and reload it)

nginx_cmd() { echo /usr/sbin/nginx -p "$DIR/nginx/" -c "$DIR/nginx/nginx.conf" -e "$DIR/nginx/logs/error.log"; }

nginx_start() {
  local d=$DIR/nginx u=$DEPLOY_USER
  install -d -o "$u" -g "$u" -m 755 "$d" "$d/conf.d" "$d/default.d" "$d/logs" "$d/tmp"
  alive nginx && return 0
  cat >"$d/nginx.conf" <<EOF
# generated by scripts/sandbox/sandbox.sh (rewritten on each fresh start)
daemon off;
worker_processes auto;
pid $d/nginx.pid;
error_log $d/logs/error.log notice;
events { worker_connections 4096; }
http {
    default_type text/plain;
    access_log $d/logs/access.log;
    client_body_temp_path $d/tmp/body;
    proxy_temp_path $d/tmp/proxy;
    fastcgi_temp_path $d/tmp/fastcgi;
    uwsgi_temp_path $d/tmp/uwsgi;
    scgi_temp_path $d/tmp/scgi;
    server {
        listen 127.0.0.1:$NGINX_PORT default_server;
        server_name _;
        location = /sandbox-health { return 200 "ok\n"; }
        # locations for the default server (deploys and tests write these)
        include $d/default.d/*.conf;
    }
    # upstreams and servers (deploys and tests write these)
    include $d/conf.d/*.conf;
}
EOF
  chown "$u:$u" "$d/nginx.conf"
  touch "$d/logs/error.log" "$d/logs/access.log"
  chown "$u:$u" "$d/logs/error.log" "$d/logs/access.log"
  # shellcheck disable=SC2046
  if ! as_user "$u" $(nginx_cmd) -t -q >>"$d/logs/nginx.out" 2>&1; then
    if compgen -G "$d/conf.d/*.conf" >/dev/null || compgen -G "$d/default.d/*.conf" >/dev/null; then
      local stale
      stale=$d/stale-$(date +%Y%m%d%H%M%S)
      mkdir -p "$stale"
      mv "$d"/conf.d/*.conf "$d"/default.d/*.conf "$stale"/ 2>/dev/null || true
      log "nginx: config from earlier runs is broken; moved it to $stale"
    fi
  fi
  kill_leftovers nginx
  check_port_free nginx "$NGINX_PORT" SANDBOX_NGINX_PORT
  # shellcheck disable=SC2046
  start_bg nginx "$d/logs/nginx.out" setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups -- $(nginx_cmd)
}

nginx_ready() {
  wait_ready nginx "$DIR/nginx/logs/error.log" "$READY_TIMEOUT" http_is 200 "http://127.0.0.1:$NGINX_PORT/sandbox-health"
}

# ---------------------------------------------------------------------------
# haproxy (runs as the deploy user; runtime API on a unix socket)

haproxy_start() {
  local d=$DIR/haproxy u=$DEPLOY_USER
  install -d -o "$u" -g "$u" -m 755 "$d"
  alive haproxy && return 0
  cat >"$d/haproxy.cfg" <<EOF
# generated by scripts/sandbox/sandbox.sh (rewritten on each fresh start)
global
    log stdout format raw local0 info
    stats socket $d/admin.sock mode 600 level admin expose-fd listeners
    stats timeout 30s
    maxconn 4096

defaults
    mode http
    log global
    option httplog
    option dontlognull
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout http-keep-alive 10s

frontend stats
    bind 127.0.0.1:$HAPROXY_STATS_PORT
    monitor-uri /sandbox-health
    stats enable
    stats uri /stats
    stats refresh 5s

# Traffic entry for deploy tests: switch blue/green at run time, e.g.
#   set server bot/green addr 127.0.0.1 port 18120 ; set server bot/green state ready
frontend bot
    bind 127.0.0.1:$HAPROXY_PORT
    default_backend bot

backend bot
    balance roundrobin
    server blue 127.0.0.1:1 disabled
    server green 127.0.0.1:1 disabled
EOF
  chown "$u:$u" "$d/haproxy.cfg"
  kill_leftovers haproxy
  rm -f "$d/admin.sock" "$d/master.sock"
  check_port_free haproxy "$HAPROXY_PORT" SANDBOX_HAPROXY_PORT
  check_port_free haproxy "$HAPROXY_STATS_PORT" SANDBOX_HAPROXY_STATS_PORT
  start_bg haproxy "$d/haproxy.log" setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups -- \
    /usr/sbin/haproxy -W -f "$d/haproxy.cfg" -p "$d/haproxy.pid" -S "$d/master.sock,mode,600"
}

haproxy_runtime() { echo "$1" | socat -t 2 -T 2 stdio "UNIX-CONNECT:$DIR/haproxy/admin.sock"; }
haproxy_ok() {
  local info
  info=$(haproxy_runtime "show info") && [[ $info == *"Name: HAProxy"* ]]
}

haproxy_ready() {
  wait_ready haproxy "$DIR/haproxy/haproxy.log" "$READY_TIMEOUT" haproxy_ok
  wait_ready haproxy "$DIR/haproxy/haproxy.log" "$READY_TIMEOUT" http_is 200 "http://127.0.0.1:$HAPROXY_STATS_PORT/sandbox-health"
}

# ---------------------------------------------------------------------------
# PostgreSQL

pg_as_postgres() { as_user postgres "$@"; }

postgres_up() {
  local d=$DIR/pg bin logf=$DIR/pg/postgres.log
  bin=$(pg_bin)
  install -d -o postgres -g postgres -m 700 "$d"
  if ! alive postgres; then
    if [[ ! -s $d/data/PG_VERSION ]]; then
      rm -rf "$d/data"
      pg_as_postgres "$bin/initdb" -D "$d/data" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
        -E UTF8 --locale=C --no-sync >>"$d/initdb.log" 2>&1 || fail_with_log "initdb failed" "$d/initdb.log"
    fi
    kill_leftovers postgres
    check_port_free postgres "$PG_PORT" SANDBOX_PG_PORT
    touch "$logf"
    chown postgres:postgres "$logf"
    # postgres removes a stale postmaster.pid itself
    pg_as_postgres "$bin/pg_ctl" -D "$d/data" -l "$logf" -w -t "$READY_TIMEOUT" -o \
      "-p $PG_PORT -k $d -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >>"$d/pg_ctl.log" 2>&1 9>&- || fail_with_log "postgres did not start" "$logf"
    head -1 "$d/data/postmaster.pid" >"$(pidfile postgres)"
  fi
  local pw q
  pw=$(secret pg_password)
  q="DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE \"$PG_USER\" LOGIN PASSWORD '$pw';
  ELSE
    ALTER ROLE \"$PG_USER\" LOGIN PASSWORD '$pw';
  END IF;
END \$\$;"
  pg_as_postgres "$bin/psql" -X -q -h "$d" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -c "$q" >/dev/null ||
    fail_with_log "could not create role $PG_USER" "$logf"
  if [[ $(pg_as_postgres "$bin/psql" -X -tA -h "$d" -p "$PG_PORT" -U postgres -d postgres \
    -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'") != 1 ]]; then
    pg_as_postgres "$bin/psql" -X -q -h "$d" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
      -c "CREATE DATABASE \"$PG_DB\" OWNER \"$PG_USER\"" >/dev/null || fail_with_log "could not create database $PG_DB" "$logf"
  fi
  [[ $(PGPASSWORD=$pw "$bin/psql" -X -tA -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -c 'select 1' 2>>"$logf") == 1 ]] ||
    fail_with_log "password login as $PG_USER failed" "$logf"
}

# ---------------------------------------------------------------------------
# Redis

redis_start() {
  local d=$DIR/redis
  mkdir -p "$d"
  alive redis && return 0
  kill_leftovers redis-server
  check_port_free redis "$REDIS_PORT" SANDBOX_REDIS_PORT
  start_bg redis "$d/redis.log" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize no --dir "$d" --logfile '' --protected-mode yes
}

redis_ping() { [[ $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]; }
redis_ready() { wait_ready redis "$DIR/redis/redis.log" "$READY_TIMEOUT" redis_ping; }

# ---------------------------------------------------------------------------
# Prometheus

prometheus_start() {
  local d=$DIR/prometheus
  mkdir -p "$d/data"
  install -d -o "$DEPLOY_USER" -g "$DEPLOY_USER" -m 755 "$d/sd"
  cat >"$d/prometheus.yml.new" <<EOF
# generated by scripts/sandbox/sandbox.sh
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  # targets: files in $d/sd, e.g. web.json:
  #   [{"targets": ["127.0.0.1:18120"], "labels": {"job": "webbot", "color": "green"}}]
  - job_name: sandbox
    file_sd_configs:
      - files: ['$d/sd/*.json', '$d/sd/*.yml', '$d/sd/*.yaml']
        refresh_interval: 1s
  - job_name: prometheus
    static_configs:
      - targets: ['127.0.0.1:$PROM_PORT']
EOF
  if alive prometheus; then
    if ! cmp -s "$d/prometheus.yml.new" "$d/prometheus.yml"; then
      mv "$d/prometheus.yml.new" "$d/prometheus.yml"
      curl -s -m 5 -X POST "http://127.0.0.1:$PROM_PORT/-/reload" >/dev/null || true
    fi
    rm -f "$d/prometheus.yml.new"
    return 0
  fi
  mv "$d/prometheus.yml.new" "$d/prometheus.yml"
  kill_leftovers prometheus
  check_port_free prometheus "$PROM_PORT" SANDBOX_PROMETHEUS_PORT
  start_bg prometheus "$d/prometheus.log" prometheus --config.file="$d/prometheus.yml" \
    --storage.tsdb.path="$d/data" --storage.tsdb.retention.time=1d \
    --web.listen-address="127.0.0.1:$PROM_PORT" --web.enable-lifecycle --web.enable-admin-api
}

prometheus_ready() {
  wait_ready prometheus "$DIR/prometheus/prometheus.log" "$READY_TIMEOUT" http_is 200 "http://127.0.0.1:$PROM_PORT/-/ready"
}

# ---------------------------------------------------------------------------
# images

build_one() { # buildkit(0|1) spec  -> log in $DIR/build/<name>-<tag>.log
  local bk=$1 name tag target version mode args logf
  IFS=: read -r name tag target version mode <<<"$2"
  logf=$DIR/build/$name-$tag.log
  args=(build -q --target "$target" --build-arg "VERSION=$version" -t "tg-test/$name:$tag" -t "$REGISTRY/tg-test/$name:$tag")
  [[ $mode != - ]] && args+=(--build-arg "MODE=$mode")
  echo "--- DOCKER_BUILDKIT=$bk docker ${args[*]}" >>"$logf"
  DOCKER_BUILDKIT=$bk docker_cmd "${args[@]}" "$DIR/build/ctx" >>"$logf" 2>&1
}

build_images() {
  local ctx=$DIR/build/ctx spec first pids=() i
  rm -rf "$ctx" "$DIR"/build/*-*.log
  mkdir -p "$ctx"
  cp -a "$REPO_ROOT/tests/fixtures/images/." "$ctx/"
  cp -p /bin/busybox "$ctx/busybox"
  first=${IMAGES[0]}
  first=${first%%:*}-$(cut -d: -f2 <<<"$first")
  # The first build warms the shared base stage and tells whether BuildKit works.
  BUILDKIT=1
  if ! build_one 1 "${IMAGES[0]}"; then
    log "BuildKit build failed; using the classic builder (see $DIR/build/$first.log)"
    BUILDKIT=0
    build_one 0 "${IMAGES[0]}" || fail_with_log "image build failed: tg-test/${IMAGES[0]%%:*}" "$DIR/build/$first.log"
  fi
  if [[ $BUILDKIT == 1 ]]; then
    # BuildKit builds the rest in parallel (shared cache, distinct last layers)
    for spec in "${IMAGES[@]:1}"; do
      build_one 1 "$spec" &
      pids+=($!)
    done
    for i in "${!pids[@]}"; do
      spec=${IMAGES[i + 1]}
      wait "${pids[i]}" || fail_with_log "image build failed: tg-test/${spec%%:*}:$(cut -d: -f2 <<<"$spec")" \
        "$DIR/build/${spec%%:*}-$(cut -d: -f2 <<<"$spec").log"
    done
  else
    for spec in "${IMAGES[@]:1}"; do
      build_one 0 "$spec" || fail_with_log "image build failed: tg-test/${spec%%:*}:$(cut -d: -f2 <<<"$spec")" \
        "$DIR/build/${spec%%:*}-$(cut -d: -f2 <<<"$spec").log"
    done
  fi
}

images_hash() {
  {
    (cd "$REPO_ROOT/tests/fixtures/images" && find . -type f -printf '%m %p\n' | sort && find . -type f -print0 | sort -z | xargs -0 sha256sum)
    sha256sum </bin/busybox
    printf '%s\n' "${IMAGES[@]}" "$REGISTRY"
  } | sha256sum | cut -c1-16
}

# Are all images built from the current sources, tagged, and in the registry?
images_current() {
  local spec name tag refs=() auth
  [[ -s $DIR/build/images.sha && $(<"$DIR/build/images.sha") == "$(images_hash)" ]] || return 1
  for spec in "${IMAGES[@]}"; do
    IFS=: read -r name tag _ <<<"$spec"
    refs+=("tg-test/$name:$tag" "$REGISTRY/tg-test/$name:$tag")
  done
  docker_cmd image inspect "${refs[@]}" >/dev/null 2>&1 || return 1
  auth="$REGISTRY_USER:$(secret registry_password)"
  for spec in "${IMAGES[@]}"; do
    IFS=: read -r name tag _ <<<"$spec"
    http_is 200 -I -u "$auth" -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
      "http://$REGISTRY/v2/tg-test/$name/manifests/$tag" || return 1
  done
}

push_images() {
  local logf=$DIR/build/push.log spec name tag pids=() i
  : >"$logf"
  secret registry_password | docker_cmd login "$REGISTRY" -u "$REGISTRY_USER" --password-stdin >>"$logf" 2>&1 ||
    fail_with_log "docker login $REGISTRY failed" "$logf"
  for spec in "${IMAGES[@]}"; do
    IFS=: read -r name tag _ <<<"$spec"
    docker_cmd push -q "$REGISTRY/tg-test/$name:$tag" >"$DIR/build/push-$name-$tag.log" 2>&1 &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    IFS=: read -r name tag _ <<<"${IMAGES[i]}"
    wait "${pids[i]}" || fail_with_log "docker push $REGISTRY/tg-test/$name:$tag failed" "$DIR/build/push-$name-$tag.log"
    cat "$DIR/build/push-$name-$tag.log" >>"$logf"
    rm -f "$DIR/build/push-$name-$tag.log"
  done
}

# ---------------------------------------------------------------------------
# env file and summary

q() { # shell- and dotenv-safe value
  if [[ $1 =~ ^[A-Za-z0-9_./:@%+,=-]*$ ]]; then
    printf '%s' "$1"
  else
    [[ $1 != *"'"* ]] || die "value with a single quote cannot be written: $1"
    printf "'%s'" "$1"
  fi
}

write_env() {
  local tmp=$ENV_FILE.tmp hostkey gw pgpw regpw line
  hostkey=$(cut -d' ' -f1,2 "$DIR/ssh/ssh_host_ed25519_key.pub")
  pgpw=$(secret pg_password)
  regpw=$(secret registry_password)
  gw=127.0.0.1
  [[ $NETWORK == bridge ]] && gw=$BRIDGE_GW
  {
    echo "# tg-devops sandbox ($(date -u +%FT%TZ)); source it or load it as a dotenv file"
    while IFS= read -r line; do
      [[ -n $line ]] && printf '%s=%s\n' "${line%%=*}" "$(q "${line#*=}")"
    done <<EOF
SANDBOX_DIR=$DIR
DOCKER_HOST=unix://$DOCKER_SOCK
SANDBOX_DOCKER_HOST=unix://$DOCKER_SOCK
SANDBOX_DOCKER_CLI=$DOCKER_CLI
SANDBOX_DOCKER_CONFIG=$DIR/docker-config
SANDBOX_DOCKER_NETWORK=$NETWORK
SANDBOX_DOCKER_HOST_GATEWAY=$gw
SANDBOX_DOCKER_BUILDKIT=$BUILDKIT
SANDBOX_DOCKER_GROUP=$SOCK_GROUP
SANDBOX_DOCKER_LOG=$DIR/docker/dockerd.log
SANDBOX_REGISTRY=$REGISTRY
SANDBOX_REGISTRY_USER=$REGISTRY_USER
SANDBOX_REGISTRY_PASSWORD=$regpw
SANDBOX_REGISTRY_LOG=$DIR/registry/registry.log
SANDBOX_SSH_HOST=127.0.0.1
SANDBOX_SSH_PORT=$SSH_PORT
SANDBOX_SSH_USER=$DEPLOY_USER
SANDBOX_SSH_KEY=$DIR/ssh/id_ed25519
SANDBOX_SSH_KNOWN_HOSTS=$DIR/ssh/known_hosts
SANDBOX_SSH_HOST_PUBKEY=$hostkey
SANDBOX_SSH_HOST_PUBKEY_FILE=$DIR/ssh/ssh_host_ed25519_key.pub
SANDBOX_SSH_HOST_FINGERPRINT=$(ssh-keygen -l -E sha256 -f "$DIR/ssh/ssh_host_ed25519_key.pub" | cut -d' ' -f2)
SANDBOX_SSH_LOG=$DIR/ssh/sshd.log
SANDBOX_STATE_BASE=$DIR/state
SANDBOX_NGINX_PORT=$NGINX_PORT
SANDBOX_NGINX_URL=http://127.0.0.1:$NGINX_PORT
SANDBOX_NGINX_CONF_DIR=$DIR/nginx/conf.d
SANDBOX_NGINX_DEFAULT_SERVER_DIR=$DIR/nginx/default.d
SANDBOX_NGINX_CONF=$DIR/nginx/nginx.conf
SANDBOX_NGINX_RELOAD=$(nginx_cmd) -s reload
SANDBOX_NGINX_TEST=$(nginx_cmd) -t
SANDBOX_NGINX_PID=$DIR/nginx/nginx.pid
SANDBOX_NGINX_LOG=$DIR/nginx/logs/error.log
SANDBOX_NGINX_ACCESS_LOG=$DIR/nginx/logs/access.log
SANDBOX_HAPROXY_CFG=$DIR/haproxy/haproxy.cfg
SANDBOX_HAPROXY_CONF_DIR=$DIR/haproxy
SANDBOX_HAPROXY_SOCKET=$DIR/haproxy/admin.sock
SANDBOX_HAPROXY_MASTER_SOCKET=$DIR/haproxy/master.sock
SANDBOX_HAPROXY_PID=$(pid_of haproxy)
SANDBOX_HAPROXY_PIDFILE=$DIR/haproxy/haproxy.pid
SANDBOX_HAPROXY_RELOAD=kill -USR2 $(pid_of haproxy)
SANDBOX_HAPROXY_TEST=/usr/sbin/haproxy -c -q -f $DIR/haproxy/haproxy.cfg
SANDBOX_HAPROXY_PORT=$HAPROXY_PORT
SANDBOX_HAPROXY_URL=http://127.0.0.1:$HAPROXY_PORT
SANDBOX_HAPROXY_BACKEND=bot
SANDBOX_HAPROXY_SERVERS=blue,green
SANDBOX_HAPROXY_STATS_PORT=$HAPROXY_STATS_PORT
SANDBOX_HAPROXY_LOG=$DIR/haproxy/haproxy.log
SANDBOX_PG_HOST=127.0.0.1
SANDBOX_PG_PORT=$PG_PORT
SANDBOX_PG_USER=$PG_USER
SANDBOX_PG_PASSWORD=$pgpw
SANDBOX_PG_DB=$PG_DB
SANDBOX_PG_LOG=$DIR/pg/postgres.log
DATABASE_URL=postgresql://$PG_USER:$pgpw@127.0.0.1:$PG_PORT/$PG_DB
SANDBOX_REDIS_PORT=$REDIS_PORT
REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
SANDBOX_PROMETHEUS_URL=http://127.0.0.1:$PROM_PORT
SANDBOX_PROMETHEUS_SD_DIR=$DIR/prometheus/sd
SANDBOX_PROMETHEUS_LOG=$DIR/prometheus/prometheus.log
SANDBOX_IMAGE_WEB_V1=$REGISTRY/tg-test/webbot:v1
SANDBOX_IMAGE_WEB_V2=$REGISTRY/tg-test/webbot:v2
SANDBOX_IMAGE_WEB_BROKEN=$REGISTRY/tg-test/webbot:broken
SANDBOX_IMAGE_WEB_CRASH=$REGISTRY/tg-test/webbot:crash
SANDBOX_IMAGE_POLL_V1=$REGISTRY/tg-test/pollbot:v1
SANDBOX_IMAGE_POLL_V2=$REGISTRY/tg-test/pollbot:v2
SANDBOX_IMAGE_WEB_V1_LOCAL=tg-test/webbot:v1
SANDBOX_IMAGE_WEB_V2_LOCAL=tg-test/webbot:v2
SANDBOX_IMAGE_WEB_BROKEN_LOCAL=tg-test/webbot:broken
SANDBOX_IMAGE_WEB_CRASH_LOCAL=tg-test/webbot:crash
SANDBOX_IMAGE_POLL_V1_LOCAL=tg-test/pollbot:v1
SANDBOX_IMAGE_POLL_V2_LOCAL=tg-test/pollbot:v2
EOF
  } >"$tmp"
  chmod 644 "$tmp"
  mv "$tmp" "$ENV_FILE"
}

svc_row() { # svc -> "address|log"
  case $1 in
    dockerd) echo "unix://$DOCKER_SOCK ($(cat "$DIR/docker/network" 2>/dev/null || echo '?'))|$DIR/docker/dockerd.log" ;;
    registry) echo "http://$REGISTRY|$DIR/registry/registry.log" ;;
    sshd) echo "ssh://$DEPLOY_USER@127.0.0.1:$SSH_PORT|$DIR/ssh/sshd.log" ;;
    nginx) echo "http://127.0.0.1:$NGINX_PORT|$DIR/nginx/logs/error.log" ;;
    haproxy) echo "http://127.0.0.1:$HAPROXY_PORT +stats :$HAPROXY_STATS_PORT|$DIR/haproxy/haproxy.log" ;;
    postgres) echo "127.0.0.1:$PG_PORT db=$PG_DB|$DIR/pg/postgres.log" ;;
    redis) echo "127.0.0.1:$REDIS_PORT|$DIR/redis/redis.log" ;;
    prometheus) echo "http://127.0.0.1:$PROM_PORT|$DIR/prometheus/prometheus.log" ;;
  esac
}

print_table() {
  local svc pid row down=0
  printf '%-11s %-7s %-8s %-44s %s\n' SERVICE STATE PID ADDRESS LOG
  for svc in "${SERVICES[@]}"; do
    row=$(svc_row "$svc")
    if pid=$(pid_of "$svc"); then
      printf '%-11s %-7s %-8s %-44s %s\n' "$svc" up "$pid" "${row%%|*}" "${row#*|}"
    else
      printf '%-11s %-7s %-8s %-44s %s\n' "$svc" DOWN - "${row%%|*}" "${row#*|}"
      down=1
    fi
  done
  return $down
}

# ---------------------------------------------------------------------------
# commands

lock_state() {
  mkdir -p "$RUN"
  exec 9>"$RUN/sandbox.lock"
  flock -w 300 9 || die "another sandbox.sh up/down holds $RUN/sandbox.lock (for 300s)"
}

cmd_up() {
  need_root up
  local t0 t
  t0=$(now)
  check_tools
  lock_state
  prepare
  choose_docker_cli
  NETWORK=host

  # start everything that can start on its own, then wait for each; the image
  # build runs in the background while PostgreSQL initializes
  t=$(now)
  docker_up
  registry_start
  prometheus_start
  redis_start
  sshd_start
  nginx_start
  haproxy_start
  docker_ready
  log "dockerd ready, network=$NETWORK ($(elapsed "$t")s)"
  registry_ready
  local build_pid="" tb
  tb=$(now)
  if [[ ${SANDBOX_REBUILD:-0} != 1 ]] && images_current; then
    log "images are up to date (SANDBOX_REBUILD=1 forces a rebuild)"
  else
    rm -f "$DIR/build/images.sha" "$DIR/build/buildkit"
    (build_images && echo "$BUILDKIT" >"$DIR/build/buildkit") >"$DIR/build/build.log" 2>&1 &
    build_pid=$!
  fi
  postgres_up
  log "postgres ready ($(elapsed "$t")s)"
  sshd_ready
  nginx_ready
  haproxy_ready
  redis_ready
  prometheus_ready
  log "all services ready ($(elapsed "$t")s)"

  if [[ -n $build_pid ]]; then
    wait "$build_pid" || fail_with_log "image build failed" "$DIR/build/build.log"
    BUILDKIT=$(<"$DIR/build/buildkit")
    log "images built, BuildKit=$BUILDKIT ($(elapsed "$tb")s)"
  fi
  BUILDKIT=$(cat "$DIR/build/buildkit" 2>/dev/null || echo 1)
  network_probe
  if [[ -n $build_pid ]]; then
    t=$(now)
    push_images
    images_hash >"$DIR/build/images.sha"
    log "images pushed to $REGISTRY ($(elapsed "$t")s)"
  fi

  write_env
  echo
  print_table || die "a service died during startup"
  echo
  echo "env file: $ENV_FILE   (docker network: $NETWORK, cli: $DOCKER_CLI, BuildKit: $BUILDKIT)"
  log "up done in $(elapsed "$t0")s"
}

cmd_down() {
  need_root down
  lock_state
  local pid ids
  if pid=$(pid_of dockerd); then
    choose_docker_cli
    ids=$(docker_cmd ps -aq 2>/dev/null || true)
    if [[ -n $ids ]]; then
      log "stopping containers: $(echo "$ids" | tr '\n' ' ')"
      # shellcheck disable=SC2086
      docker_cmd stop -t 5 $ids >/dev/null 2>&1 || true
      # shellcheck disable=SC2086
      docker_cmd rm -f $ids >/dev/null 2>&1 || true
    fi
  fi
  local i
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do stop_service "${SERVICES[i]}"; done
  kill_leftovers
  unmount_all
  bridge_teardown
  rm -f "$ENV_FILE" "$DOCKER_SOCK" "$DIR/haproxy/admin.sock" "$DIR/haproxy/master.sock"
  log "down"
}

cmd_status() {
  print_table
}

cmd_env() {
  [[ -s $ENV_FILE ]] || die "no env file at $ENV_FILE (run: $0 up)"
  cat "$ENV_FILE"
}

cmd_clean() {
  cmd_down
  [[ $DIR == /tmp/* || -n ${TG_SANDBOX_DIR:-} ]] || die "refusing to delete $DIR"
  rm -rf "$DIR"
  log "removed $DIR"
}

usage() {
  sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

case ${1:-} in
  install) cmd_install ;;
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  clean) cmd_clean ;;
  -h | --help | help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac
