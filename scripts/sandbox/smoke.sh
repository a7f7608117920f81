#!/usr/bin/env bash
# Proves each sandbox service for real (run `sandbox.sh up` first, as root).
# Safe to run while others use the sandbox: every name, port, file and
# container it creates is unique to this run and removed at the end.
# Prints one PASS/FAIL line per check and "N passed, N failed"; exits 1 on any failure.
# (pipefail is on: never end a check with `producer | grep -q/-m1`, whose early exit
# can fail the producer with SIGPIPE; grep a captured variable instead.)
set -euo pipefail

DIR=${TG_SANDBOX_DIR:-/tmp/tg-devops-sandbox}
ENV_FILE=$DIR/sandbox.env
[[ -s $ENV_FILE ]] || { echo "smoke: no $ENV_FILE; run scripts/sandbox/sandbox.sh up" >&2; exit 1; }
set -a
# shellcheck disable=SC1090
. "$ENV_FILE"
set +a

ID=smoke-$$-$RANDOM
WORK=$(mktemp -d)
WEB_NAME=tg-sandbox-$ID-web
POLL_NAME=tg-sandbox-$ID-poll
NGINX_CONF=$SANDBOX_NGINX_CONF_DIR/$ID.conf
SD_FILE=$SANDBOX_PROMETHEUS_SD_DIR/$ID.json
FAKE_PID=
passed=0
failed=0

docker() { DOCKER_CONFIG=$SANDBOX_DOCKER_CONFIG "$SANDBOX_DOCKER_CLI" "$@"; }
ssh_deploy() {
  ssh -F none -i "$SANDBOX_SSH_KEY" -p "$SANDBOX_SSH_PORT" -o BatchMode=yes -o IdentitiesOnly=yes \
    -o StrictHostKeyChecking=yes -o "UserKnownHostsFile=$SANDBOX_SSH_KNOWN_HOSTS" -o ConnectTimeout=5 \
    -o LogLevel=ERROR "$SANDBOX_SSH_USER@$SANDBOX_SSH_HOST" "$@"
}
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 10000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
retry() { # seconds cmd...
  local end=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < end)) || return 1
    sleep 0.3
  done
}

check() { # name cmd...
  local name=$1 t0 out rc
  shift
  t0=$(date +%s%N)
  set +e
  out=$(set -e; "$@" 2>&1)
  rc=$?
  set -e
  local ms=$((($(date +%s%N) - t0) / 1000000))
  if ((rc == 0)); then
    passed=$((passed + 1))
    printf 'PASS %-34s %6d ms  %s\n' "$name" "$ms" "$(tail -n 1 <<<"$out" | cut -c1-90)"
  else
    failed=$((failed + 1))
    printf 'FAIL %-34s %6d ms\n' "$name" "$ms"
    sed 's/^/     | /' <<<"$out" | tail -n 15
  fi
}

cleanup() {
  set +e
  [[ -n $FAKE_PID ]] && kill "$FAKE_PID" 2>/dev/null
  docker rm -f "$WEB_NAME" "$POLL_NAME" >/dev/null 2>&1
  rm -f "$SD_FILE"
  if [[ -e $NGINX_CONF ]]; then
    rm -f "$NGINX_CONF"
    ssh_deploy "$SANDBOX_NGINX_RELOAD" >/dev/null 2>&1
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- the webbot container every later check talks to ------------------------
WEB_PORT=$(free_port)
if [[ $SANDBOX_DOCKER_NETWORK == bridge ]]; then
  WEB_NET=(-p "127.0.0.1:$WEB_PORT:8080")
else
  WEB_NET=(--network host -e "PORT=$WEB_PORT")
fi

t_registry() {
  local tags
  [[ $(curl -s -o /dev/null -w '%{http_code}' "http://$SANDBOX_REGISTRY/v2/") == 401 ]] || { echo "no auth required"; return 1; }
  tags=$(curl -sf -u "$SANDBOX_REGISTRY_USER:$SANDBOX_REGISTRY_PASSWORD" "http://$SANDBOX_REGISTRY/v2/tg-test/webbot/tags/list")
  for t in v1 v2 broken crash; do [[ $tags == *"\"$t\""* ]] || { echo "missing webbot:$t in $tags"; return 1; }; done
  tags=$(curl -sf -u "$SANDBOX_REGISTRY_USER:$SANDBOX_REGISTRY_PASSWORD" "http://$SANDBOX_REGISTRY/v2/tg-test/pollbot/tags/list")
  for t in v1 v2; do [[ $tags == *"\"$t\""* ]] || { echo "missing pollbot:$t in $tags"; return 1; }; done
  grep -c '"PUT /v2/[^ ]*/blobs/uploads/' "$SANDBOX_REGISTRY_LOG" | sed 's/^/blob uploads in access log: /'
}

t_pull_from_registry() {
  docker pull -q "$SANDBOX_IMAGE_WEB_V2" >/dev/null
  docker image inspect -f '{{.Id}}' "$SANDBOX_IMAGE_WEB_V2"
}

t_ssh_docker() {
  local root
  ssh_deploy 'docker ps --format "{{.Names}}"' >/dev/null
  root=$(ssh_deploy 'docker info --format "{{.DockerRootDir}}"')
  [[ $root == "$SANDBOX_DIR/docker/data" ]] || { echo "remote docker is not the sandbox daemon: $root"; return 1; }
  ssh_deploy "id -un && touch $SANDBOX_STATE_BASE/.$ID && rm $SANDBOX_STATE_BASE/.$ID && echo DOCKER_HOST=\$DOCKER_HOST"
}

t_ssh_rejects_unknown_host_key() {
  echo "[127.0.0.1]:$SANDBOX_SSH_PORT ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBmDhIXEfjg2xMCBX5KXOJsCfxVHXN+VUPSE7dwQbrnT" >"$WORK/bad_known_hosts"
  if ssh -F none -i "$SANDBOX_SSH_KEY" -p "$SANDBOX_SSH_PORT" -o BatchMode=yes -o IdentitiesOnly=yes \
    -o StrictHostKeyChecking=yes -o "UserKnownHostsFile=$WORK/bad_known_hosts" \
    "$SANDBOX_SSH_USER@$SANDBOX_SSH_HOST" true 2>"$WORK/ssh.err"; then
    echo "connected despite a wrong host key"
    return 1
  fi
  grep -i -m1 'host key' "$WORK/ssh.err"
}

t_webbot_run() {
  docker run -d --name "$WEB_NAME" "${WEB_NET[@]}" -e ERROR_RATE=0 "$SANDBOX_IMAGE_WEB_V1" >/dev/null
  retry 15 bash -c "[[ \$(curl -s -m 2 http://127.0.0.1:$WEB_PORT/health) == ok ]]" || { docker logs "$WEB_NAME"; return 1; }
  [[ $(curl -s "http://127.0.0.1:$WEB_PORT/version") == v1 ]]
  [[ $(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{"update_id":1}' "http://127.0.0.1:$WEB_PORT/webhook") == 200 ]]
  echo "webbot v1 on 127.0.0.1:$WEB_PORT ($SANDBOX_DOCKER_NETWORK)"
}

t_nginx() {
  cat >"$WORK/nginx.conf" <<EOF
upstream $ID { server 127.0.0.1:$WEB_PORT; }
server {
    listen 127.0.0.1:$NGINX_SMOKE_PORT;
    location / { proxy_pass http://$ID; }
}
EOF
  ssh_deploy "cat > $NGINX_CONF" <"$WORK/nginx.conf"
  ssh_deploy "$SANDBOX_NGINX_TEST -q && $SANDBOX_NGINX_RELOAD"
  retry 10 bash -c "[[ \$(curl -s -m 2 http://127.0.0.1:$NGINX_SMOKE_PORT/) == 'webbot v1' ]]" || { echo "no answer through nginx"; return 1; }
  [[ $(curl -s "http://127.0.0.1:$SANDBOX_NGINX_PORT/sandbox-health") == ok ]]
  echo "127.0.0.1:$NGINX_SMOKE_PORT -> webbot: $(curl -s "http://127.0.0.1:$NGINX_SMOKE_PORT/")"
}

t_nginx_refuses_broken_config() {
  echo 'this is not nginx config;' | ssh_deploy "cat > $NGINX_CONF.bad.conf"
  if ssh_deploy "$SANDBOX_NGINX_TEST -q" 2>/dev/null; then
    ssh_deploy "rm -f $NGINX_CONF.bad.conf"
    echo "nginx -t accepted a broken config"
    return 1
  fi
  ssh_deploy "rm -f $NGINX_CONF.bad.conf"
  echo "nginx -t refused it"
}

t_postgres() {
  [[ $(psql "$DATABASE_URL" -X -tAc 'select 1') == 1 ]]
  psql "$DATABASE_URL" -X -tAc 'select current_user, version()' | cut -c1-60
}

t_redis() {
  [[ $(redis-cli -u "$REDIS_URL" ping) == PONG ]]
  redis-cli -u "$REDIS_URL" set "$ID" ok >/dev/null
  [[ $(redis-cli -u "$REDIS_URL" get "$ID") == ok ]]
  redis-cli -u "$REDIS_URL" del "$ID" >/dev/null
  echo PONG
}

t_prometheus() {
  local q out
  printf '[{"targets":["127.0.0.1:%s"],"labels":{"job":"%s"}}]\n' "$WEB_PORT" "$ID" >"$SD_FILE.tmp"
  mv "$SD_FILE.tmp" "$SD_FILE"
  for _ in 1 2 3 4 5; do curl -s -o /dev/null "http://127.0.0.1:$WEB_PORT/"; done
  q="http_requests_total{job=\"$ID\",code=\"200\"}"
  prom_has_sample() {
    out=$(curl -s -G --data-urlencode "query=$q" "$SANDBOX_PROMETHEUS_URL/api/v1/query")
    [[ $out == *'"status":"success"'* && $out =~ \"value\":\[[0-9.]+,\"([0-9]+)\"\] && ${BASH_REMATCH[1]} -ge 5 ]]
  }
  retry 20 prom_has_sample || { echo "no sample for $q: $out"; return 1; }
  echo "$q = ${BASH_REMATCH[1]}"
}

t_haproxy() {
  local info
  info=$(ssh_deploy "echo 'show info' | socat -t 2 stdio UNIX-CONNECT:$SANDBOX_HAPROXY_SOCKET")
  grep -q '^Name: HAProxy' <<<"$info" || { echo "$info"; return 1; }
  ssh_deploy "$SANDBOX_HAPROXY_TEST"
  local state
  state=$(ssh_deploy "echo 'show servers state $SANDBOX_HAPROXY_BACKEND' | socat -t 2 stdio UNIX-CONNECT:$SANDBOX_HAPROXY_SOCKET")
  grep -q "$SANDBOX_HAPROXY_BACKEND" <<<"$state"
  grep -E '^(Version|Pid):' <<<"$info" | tr '\n' ' '
}

# A fake Telegram API that answers every request with 409 Conflict, listening
# where containers reach the host. Started outside check(): a background child
# inside $(...) would keep the substitution open.
start_fake_telegram() {
  FAKE_PORT=$(free_port)
  cat >"$WORK/fake409.sh" <<'EOF'
#!/bin/sh
cr=$(printf '\r')
while IFS= read -r l; do case $l in '' | "$cr") break ;; esac; done
body='{"ok":false,"error_code":409,"description":"Conflict: terminated by other getUpdates request"}'
printf 'HTTP/1.1 409 Conflict\r\nContent-Type: application/json\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s' "${#body}" "$body"
EOF
  chmod +x "$WORK/fake409.sh"
  socat "TCP-LISTEN:$FAKE_PORT,bind=$SANDBOX_DOCKER_HOST_GATEWAY,reuseaddr,fork" "EXEC:$WORK/fake409.sh" >/dev/null 2>&1 &
  FAKE_PID=$!
}

t_pollbot() {
  local net=()
  [[ $SANDBOX_DOCKER_NETWORK == host ]] && net=(--network host)
  docker run -d --name "$POLL_NAME" "${net[@]}" -e BOT_TOKEN=1:smoke -e POLL_TIMEOUT=5 \
    -e "TELEGRAM_API_URL=http://$SANDBOX_DOCKER_HOST_GATEWAY:$FAKE_PORT" "$SANDBOX_IMAGE_POLL_V1" >/dev/null
  retry 15 bash -c "'$SANDBOX_DOCKER_CLI' logs $POLL_NAME 2>&1 | grep -q '409 Conflict'" || { docker logs "$POLL_NAME"; return 1; }
  local t0=$SECONDS
  docker stop -t 10 "$POLL_NAME" >/dev/null
  ((SECONDS - t0 <= 8)) || { echo "pollbot took $((SECONDS - t0))s to stop"; return 1; }
  [[ $(docker inspect -f '{{.State.ExitCode}}' "$POLL_NAME") == 0 ]] || { echo "pollbot exit code not 0"; return 1; }
  local logs
  logs=$(docker logs "$POLL_NAME" 2>&1)
  grep -m1 '409 Conflict' <<<"$logs"
}

t_webbot_stops_on_sigterm() {
  local t0=$SECONDS
  docker stop -t 10 "$WEB_NAME" >/dev/null
  ((SECONDS - t0 <= 8)) || { echo "webbot took $((SECONDS - t0))s to stop"; return 1; }
  [[ $(docker inspect -f '{{.State.ExitCode}}' "$WEB_NAME") == 0 ]] || { echo "exit code not 0"; return 1; }
  echo "stopped in $((SECONDS - t0))s, exit 0"
}

NGINX_SMOKE_PORT=$(free_port)
start_fake_telegram
echo "smoke test of $SANDBOX_DIR ($ID, docker network: $SANDBOX_DOCKER_NETWORK)"
check "registry: auth, tags, access log" t_registry
check "registry: docker pull" t_pull_from_registry
check "ssh: tgdeploy runs docker" t_ssh_docker
check "ssh: wrong host key is refused" t_ssh_rejects_unknown_host_key
check "docker: webbot container" t_webbot_run
check "nginx: conf + reload as tgdeploy" t_nginx
check "nginx: broken config refused" t_nginx_refuses_broken_config
check "postgres: select 1 (password)" t_postgres
check "redis: ping/set/get" t_redis
check "prometheus: scraped webbot sample" t_prometheus
check "haproxy: runtime API + config check" t_haproxy
check "pollbot: 409 Conflict + SIGTERM" t_pollbot
check "webbot: SIGTERM stops it" t_webbot_stops_on_sigterm
echo "$passed passed, $failed failed"
((failed == 0))
