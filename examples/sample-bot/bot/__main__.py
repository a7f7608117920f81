"""Entry point: `python -m bot` (BOT_MODE=webhook|polling).

SIGTERM (docker stop) shuts down gracefully: the listener stops accepting, requests in flight
finish (up to shutdown_timeout), the long poll is interrupted, and the connections are closed.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

import aiohttp
from aiohttp import web

from .config import ConfigError, Settings
from .metrics import Metrics
from .polling import poll
from .storage import Storage
from .telegram import BotApi
from .web import create_app

log = logging.getLogger("bot")


async def serve(settings: Settings, stop: asyncio.Event | None = None) -> None:
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    store = Storage(settings.database_url, settings.redis_url, table=settings.table, prefix=settings.redis_prefix)
    await store.migrate()
    metrics = Metrics(settings.version)
    app = create_app(store, metrics, secret=settings.webhook_secret, version=settings.version,
                     webhook_route=settings.mode == "webhook")
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "0.0.0.0", settings.port, shutdown_timeout=settings.shutdown_timeout)
    await site.start()
    log.info("sample-bot %s: %s mode, listening on :%d", settings.version, settings.mode, settings.port)

    session = aiohttp.ClientSession()
    poller: asyncio.Task[int] | None = None
    if settings.mode == "polling":
        api = BotApi(session, settings.telegram_api_url, settings.bot_token)
        poller = asyncio.create_task(poll(api, store, metrics, stop, settings.poll_timeout))
    try:
        await stop.wait()
        log.info("sample-bot %s: stopping", settings.version)
    finally:
        if poller:
            await poller
        await runner.cleanup()
        await session.close()
        await store.close()
        log.info("sample-bot %s: stopped", settings.version)


def main() -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"config error: {exc}", file=sys.stderr)
        return 2
    asyncio.run(serve(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
