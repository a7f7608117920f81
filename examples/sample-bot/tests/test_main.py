"""The real process: `python -m bot` against real services, its HEALTHCHECK, and SIGTERM."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def healthcheck(port: int) -> int:
    env = {**os.environ, "PORT": str(port)}
    return subprocess.run([sys.executable, "-m", "bot.healthcheck"], cwd=ROOT, env=env,
                          capture_output=True).returncode


@pytest.fixture
def bot_process(service_urls, unique):
    database_url, redis_url = service_urls
    port = free_port()
    env = {**os.environ, "BOT_TOKEN": "1:x", "WEBHOOK_SECRET": unique, "DATABASE_URL": database_url,
           "REDIS_URL": redis_url, "PORT": str(port), "APP_VERSION": "t-" + unique,
           "BOT_NAMESPACE": unique}
    proc = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for _ in range(100):  # up to ~10 s for the listener
            if proc.poll() is not None:
                break
            try:
                if get(f"http://127.0.0.1:{port}/health")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        yield proc, port, unique
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        cleanup(database_url, redis_url, unique)


def cleanup(database_url: str, redis_url: str, namespace: str) -> None:
    import psycopg
    import redis
    from psycopg import sql

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(f"{namespace}_messages")))
    client = redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{namespace}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def test_serves_health_webhook_and_metrics_then_stops_on_sigterm(bot_process):
    proc, port, secret = bot_process
    assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
    status, body = get(f"http://127.0.0.1:{port}/health")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "version": "t-" + secret,
                                "checks": {"postgres": "ok", "redis": "ok"}}
    assert healthcheck(port) == 0

    update = json.dumps({"update_id": 1, "message": {"message_id": 1, "chat": {"id": -1}, "text": "/start"}})
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret}
    status, body = get(f"http://127.0.0.1:{port}/webhook", update.encode(), headers)
    assert (status, json.loads(body)["method"]) == (200, "sendMessage")
    status, _ = get(f"http://127.0.0.1:{port}/webhook", update.encode(), {"Content-Type": "application/json"})
    assert status == 401
    _, metrics = get(f"http://127.0.0.1:{port}/metrics")
    assert 'http_requests_total{code="401"} 1' in metrics.decode().splitlines()
    # the real services, checked at the scrape
    assert {"postgres_up 1", "redis_up 1"} <= set(metrics.decode().splitlines())

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 0
    output = proc.stdout.read() if proc.stdout else ""
    assert "stopping" in output and "stopped" in output
    assert healthcheck(port) == 1


def test_a_config_error_exits_2_and_names_the_setting():
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "WEBHOOK_SECRET")}
    result = subprocess.run([sys.executable, "-m", "bot"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 2
    assert "config error: BOT_TOKEN is required" in result.stderr


class LongPollApi:
    """A Bot API stand-in whose getUpdates holds the request like Telegram's long poll does."""

    def __init__(self):
        import http.server
        import threading

        api = self
        self.calls: list[str] = []
        self.polling = threading.Event()
        self.release = threading.Event()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                method = self.path.rsplit("/", 1)[-1]
                api.calls.append(method)
                if method == "getUpdates":
                    api.polling.set()
                    api.release.wait(30)  # held until the test ends it
                body = b'{"ok":true,"result":[]}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def test_polling_mode_stops_at_once_on_sigterm_even_mid_long_poll(service_urls, unique):
    """A handover stops the old poller before starting the new one: a poller that sat out its
    long poll after SIGTERM would stretch the gap by up to POLL_TIMEOUT seconds."""
    database_url, redis_url = service_urls
    api = LongPollApi()
    port = free_port()
    env = {**os.environ, "BOT_TOKEN": "1:x", "BOT_MODE": "polling", "TELEGRAM_API_URL": api.url,
           "POLL_TIMEOUT": "50", "DATABASE_URL": database_url, "REDIS_URL": redis_url,
           "PORT": str(port), "BOT_NAMESPACE": unique}
    proc = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert api.polling.wait(20), "the bot never called getUpdates"
        assert get(f"http://127.0.0.1:{port}/health")[0] == 200
        assert get(f"http://127.0.0.1:{port}/webhook", b"{}", {"Content-Type": "application/json"})[0] in (404, 405)
        proc.send_signal(signal.SIGTERM)
        # Far below POLL_TIMEOUT (50 s): the long poll is abandoned, not sat out.
        assert proc.wait(timeout=10) == 0
        output = proc.stdout.read() if proc.stdout else ""
        assert "polling mode" in output and "stopped" in output
        assert api.calls == ["getUpdates"]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        api.close()
        cleanup(database_url, redis_url, unique)
