#!/usr/bin/env bash
# Builds a local Python base image, tg-demo/python:3.11, from THIS machine's Debian python3 and
# the Python packages the sample bot needs, into the sandbox's dockerd. No registry is needed:
#
#   bash scripts/demo/python-base.sh            # build (skipped when the image is there already)
#   bash scripts/demo/python-base.sh --force    # rebuild
#   bash scripts/demo/python-base.sh --check    # also build examples/sample-bot on it, run it
#                                               # against the sandbox's Postgres and Redis, GET
#                                               # /health, stop it with SIGTERM, remove it
#   docker build --build-arg PYTHON_IMAGE=tg-demo/python:3.11 examples/sample-bot
#
# How: the files of the Debian packages (dpkg -L) of python3, the venv/ensurepip machinery and
# python3-aiohttp/-psycopg/-redis with their Python dependencies, plus the shared-library closure
# (ldd) of every ELF file among them, plus dash as /bin/sh; docs, man pages and locales left out;
# a merged-/usr layout, a generated ld.so.cache (psycopg finds libpq through `ldconfig -p`),
# /etc/passwd with root and a `bot` user (10001); tarred and `docker import`ed.
#
# Env: DOCKER_HOST (default: the sandbox's, from /tmp/tg-devops-sandbox/sandbox.env),
#      TG_DEMO_PYTHON_IMAGE (default tg-demo/python:3.11).
set -euo pipefail

IMAGE="${TG_DEMO_PYTHON_IMAGE:-tg-demo/python:3.11}"
FORCE=0 CHECK=0
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    --check) CHECK=1 ;;
    *) echo "usage: $0 [--force] [--check]" >&2; exit 2 ;;
  esac
done
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"

die() { echo "python-base: $*" >&2; exit 1; }

SANDBOX_ENV="${TG_SANDBOX_DIR:-/tmp/tg-devops-sandbox}/sandbox.env"
if [ -z "${DOCKER_HOST:-}" ] && [ -f "$SANDBOX_ENV" ]; then
  DOCKER_HOST="$(sed -n 's/^DOCKER_HOST=//p' "$SANDBOX_ENV")"
  export DOCKER_HOST
fi
[ -n "${DOCKER_HOST:-}" ] || die "no DOCKER_HOST and no sandbox env at $SANDBOX_ENV: start the sandbox first"
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || die "no docker daemon at $DOCKER_HOST"

check_sample() {
  # The sample bot on this base, for real: build (classic builder: Debian's docker has no
  # buildx), run against the sandbox's Postgres and Redis, /health, SIGTERM, exit code 0.
  local tag="tg-demo/sample-bot:python-base-check" name="demo-pybase-check-$$" port="${TG_DEMO_CHECK_PORT:-21990}"
  local db redis status code
  db="$(sed -n 's/^DATABASE_URL=//p' "$SANDBOX_ENV")" redis="$(sed -n 's/^REDIS_URL=//p' "$SANDBOX_ENV")"
  [ -n "$db" ] && [ -n "$redis" ] || die "--check needs the sandbox's DATABASE_URL and REDIS_URL ($SANDBOX_ENV)"
  echo "python-base: building examples/sample-bot on $IMAGE"
  DOCKER_BUILDKIT=0 docker build -q --build-arg PYTHON_IMAGE="$IMAGE" -t "$tag" "$ROOT/examples/sample-bot" \
    2> >(grep -Ev "DEPRECATED|BuildKit is currently disabled|environment-variable|^$" >&2) >/dev/null
  docker run -d --name "$name" --network host -e PORT="$port" -e BOT_TOKEN=1:check \
    -e WEBHOOK_SECRET="check-$$" -e DATABASE_URL="$db" -e REDIS_URL="$redis" \
    -e BOT_NAMESPACE="pybase_check_$$" "$tag" >/dev/null
  status=000
  for _ in $(seq 60); do
    status="$(curl -s -o "$WORK/health" -w '%{http_code}' "http://127.0.0.1:$port/health" || true)"
    [ "$status" = 200 ] && break
    sleep 0.5
  done
  docker stop -t 10 "$name" >/dev/null
  code="$(docker inspect --format '{{.State.ExitCode}}' "$name")"
  docker logs "$name" 2>&1 | tail -n 3
  docker rm "$name" >/dev/null
  docker rmi "$tag" >/dev/null
  # The bot created its table on start (no Redis keys without updates): drop it.
  PGURL="$db" NS="pybase_check_$$" /usr/bin/python3 -c '
import os, psycopg
with psycopg.connect(os.environ["PGURL"], autocommit=True) as c:
    c.execute("DROP TABLE IF EXISTS " + os.environ["NS"] + "_messages")' || true
  [ "$status" = 200 ] || die "sample bot on $IMAGE: /health answered $status"
  [ "$code" = 0 ] || die "sample bot on $IMAGE: exit code $code after SIGTERM"
  echo "python-base: sample bot on $IMAGE served /health: $(cat "$WORK/health"); stopped with exit code 0"
}

if [ "$FORCE" = 0 ] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "python-base: $IMAGE exists already (--force rebuilds it)"
  if [ "$CHECK" = 1 ]; then
    WORK="$(mktemp -d "${TMPDIR:-/tmp}/tg-python-base.XXXXXX")"
    trap 'rm -rf "$WORK"' EXIT
    check_sample
  fi
  exit 0
fi

# Python packages the image carries: the interpreter, venv + ensurepip (the Dockerfile's builder
# stage makes a venv) and the sample bot's runtime dependencies.
ROOTS=(python3 python3-venv python3-aiohttp python3-psycopg python3-redis)
missing=()
for p in "${ROOTS[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "missing Debian packages: ${missing[*]} (apt-get install them as root)"
  echo "python-base: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
fi

# The dependency closure, restricted to what Python needs as files: python packages, libpq
# (loaded by psycopg through ctypes, so ldd cannot see it) and media-types (mimetypes).
mapfile -t PACKAGES < <(
  apt-cache depends --recurse --installed --no-recommends --no-suggests --no-conflicts \
    --no-breaks --no-replaces --no-enhances "${ROOTS[@]}" 2>/dev/null |
    grep -v '^ ' | grep -E '^(python3|libpython3|libpq5$|media-types$)' | sort -u
)
PACKAGES+=(dash)
echo "python-base: ${#PACKAGES[@]} packages: ${PACKAGES[*]}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tg-python-base.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
ROOTFS="$WORK/rootfs"
mkdir -p "$ROOTFS"

# Canonical paths (the host has a merged /usr: /bin/dash is /usr/bin/dash).
canon() { local d; d="$(readlink -f "$(dirname "$1")")" && printf '%s/%s\n' "$d" "$(basename "$1")"; }

dpkg -L "${PACKAGES[@]}" |
  grep -Ev '^/usr/share/(doc|man|info|locale|lintian|bug)(/|$)' |
  while read -r f; do
    if [ -L "$f" ] || [ -f "$f" ]; then canon "$f"; fi
  done | sort -u >"$WORK/files"

# Shared-library closure of every ELF file (and of symlink targets), to a fixed point.
add_targets() {
  while read -r f; do
    if [ -L "$f" ]; then canon "$(readlink -f "$f")"; fi
  done <"$1"
}
add_targets "$WORK/files" >>"$WORK/files"
sort -u -o "$WORK/files" "$WORK/files"
cp "$WORK/files" "$WORK/todo"
while [ -s "$WORK/todo" ]; do
  : >"$WORK/new"
  while read -r f; do
    [ -f "$f" ] && [ ! -L "$f" ] || continue
    case "$(head -c 4 "$f" | od -An -c | tr -d ' ')" in
      177ELF) ;;
      *) continue ;;
    esac
    ldd "$f" 2>/dev/null | sed -nE 's#.*=> (/[^ ]+) .*#\1#p; s#^[[:space:]]*(/[^ ]+) \(0x.*#\1#p'
  done <"$WORK/todo" | sort -u >"$WORK/libs"
  while read -r lib; do
    for p in "$(canon "$lib")" "$(canon "$(readlink -f "$lib")")"; do
      grep -qxF "$p" "$WORK/files" || { echo "$p" >>"$WORK/files"; echo "$p" >>"$WORK/new"; }
    done
  done <"$WORK/libs"
  sort -u -o "$WORK/files" "$WORK/files"
  mv "$WORK/new" "$WORK/todo"
done
# ctypes.util.find_library runs /sbin/ldconfig -p (static binary).
echo /usr/sbin/ldconfig >>"$WORK/files"
echo "python-base: $(wc -l <"$WORK/files") files"

sed 's#^/##' "$WORK/files" >"$WORK/relative"
tar -C / -cf - --no-recursion -T "$WORK/relative" 2> >(grep -v 'Removing leading' >&2) |
  tar -C "$ROOTFS" -xf -

# Merged-/usr layout, /bin/sh, python symlinks, /tmp, users, ld.so.cache.
cd "$ROOTFS"
for d in bin sbin lib lib64; do
  if [ -d "usr/$d" ]; then ln -s "usr/$d" "$d"; fi
done
ln -sf dash usr/bin/sh
[ -e usr/bin/python ] || ln -s python3 usr/bin/python
mkdir -p tmp root home/bot etc proc sys dev var/tmp
chmod 1777 tmp var/tmp
chmod 700 root
printf 'root:x:0:0:root:/root:/bin/sh\nbot:x:10001:10001:bot:/home/bot:/usr/sbin/nologin\n' >etc/passwd
printf 'root:x:0:\nbot:x:10001:\n' >etc/group
chown 10001:10001 home/bot
printf 'include /etc/ld.so.conf.d/*.conf\n' >etc/ld.so.conf
mkdir -p etc/ld.so.conf.d
printf '/usr/local/lib\n/usr/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu\n' >etc/ld.so.conf.d/x86_64-linux-gnu.conf
/usr/sbin/ldconfig -r "$ROOTFS"
# Byte-compile the standard library and packages once, so a non-root container need not.
/usr/bin/python3 -m compileall -q -j 2 -s "$ROOTFS" -p / usr/lib/python3.11 usr/lib/python3/dist-packages >/dev/null 2>&1 || true
cd - >/dev/null

version="$("$ROOTFS/usr/bin/python3" --version 2>/dev/null || /usr/bin/python3 --version)"
echo "python-base: rootfs $(du -sh "$ROOTFS" | cut -f1), importing as $IMAGE"
tar -C "$ROOTFS" -cf - . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8' \
  --change 'CMD ["python3"]' \
  --message "tg-devops demo base: $version and the sample bot's packages from this machine's Debian" \
  - "$IMAGE" >/dev/null

# Proof that it works: the interpreter runs and the bot's packages import.
docker run --rm --network none "$IMAGE" python3 -c \
  'import aiohttp, psycopg, redis.asyncio, ensurepip, venv; print("python-base: ok", aiohttp.__version__, psycopg.__version__, psycopg.pq.version(), redis.__version__)'
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' "$IMAGE"
[ "$CHECK" = 1 ] && check_sample
exit 0
