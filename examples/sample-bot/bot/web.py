"""The aiohttp app: POST /webhook (Telegram), GET /health, GET /metrics, GET /."""

from __future__ import annotations

import hmac
import json
import logging
import time
from typing import Awaitable, Callable, Protocol

from aiohttp import web

from .handlers import Store, handle_update
from .metrics import Metrics

log = logging.getLogger("bot.web")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class HealthStore(Store, Protocol):
    async def check(self) -> dict[str, str]: ...


class BotWeb:
    """The handlers, bound to their dependencies (no global state, easy to test)."""

    def __init__(self, store: HealthStore, metrics: Metrics, *, secret: str, version: str):
        self.store = store
        self.metrics = metrics
        self.secret = secret
        self.version = version

    @web.middleware
    async def measure(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        started = time.perf_counter()
        code = 500
        try:
            response = await handler(request)
            code = response.status
            return response
        except web.HTTPException as exc:
            code = exc.status
            raise
        finally:
            if request.path != "/metrics":
                self.metrics.observe_request(code, time.perf_counter() - started)

    async def webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        # Constant-time comparison; an empty secret never matches (the config refuses one anyway).
        if not self.secret or not hmac.compare_digest(given.encode(), self.secret.encode()):
            self.metrics.observe_update("rejected")
            return web.json_response({"ok": False, "error": "bad secret token"}, status=401)
        try:
            update = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return web.json_response({"ok": False, "error": "bad JSON"}, status=400)
        if not isinstance(update, dict):
            return web.json_response({"ok": False, "error": "an update is an object"}, status=400)
        try:
            reply = await handle_update(update, self.store)
        except Exception:
            # A 5xx makes Telegram deliver the update again later: a database blip loses nothing.
            log.exception("update %s failed", update.get("update_id"))
            self.metrics.observe_update("error")
            return web.json_response({"ok": False}, status=500)
        self.metrics.observe_update("handled" if reply else "ignored")
        return web.json_response(reply.as_webhook_response() if reply else {})

    async def check_dependencies(self) -> dict[str, str]:
        """Asks the store (bounded: Storage.check) and keeps the answer for postgres_up/redis_up."""
        checks = await self.store.check()
        self.metrics.observe_dependencies(checks)
        return checks

    async def health(self, _request: web.Request) -> web.Response:
        checks = await self.check_dependencies()
        ok = all(v == "ok" for v in checks.values())
        body = {"status": "ok" if ok else "degraded", "version": self.version, "checks": checks}
        return web.json_response(body, status=200 if ok else 503)

    async def render_metrics(self, _request: web.Request) -> web.Response:
        # Checked at scrape time: the gauges are as fresh as the scrape, and cost one SELECT 1 and
        # one PING per scrape interval.
        await self.check_dependencies()
        return web.Response(text=self.metrics.render(), content_type="text/plain", charset="utf-8")

    async def index(self, _request: web.Request) -> web.Response:
        return web.json_response({"bot": "sample-bot", "version": self.version})


def create_app(
    store: HealthStore, metrics: Metrics, *, secret: str, version: str, webhook_route: bool = True
) -> web.Application:
    bot = BotWeb(store, metrics, secret=secret, version=version)
    app = web.Application(middlewares=[bot.measure], client_max_size=1024 * 1024)
    app.router.add_get("/health", bot.health)
    app.router.add_get("/metrics", bot.render_metrics)
    app.router.add_get("/", bot.index)
    if webhook_route:
        app.router.add_post("/webhook", bot.webhook)
    return app
