"""A queue worker from the bot's own image: `python -m bot.worker` (arq-style jobs, one process).

tg-devops deploys it as a second app from the same digest (the workflows' `processes`, the deploy
action's `command: python -m bot.worker`, `bot-mode: worker`). Jobs are JSON objects on a Redis
list (`<prefix>jobs`); BLPOP hands each job to exactly one worker, so the new release may start
before the old one stops (blue-green without a proxy). A job that must never run twice at once
belongs in a `singleton: true` process instead. It answers /health on PORT as the bot does, so
the image's HEALTHCHECK holds for it too.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import sys

from aiohttp import web

from .config import ConfigError, Settings
from .storage import Storage

log = logging.getLogger("bot.worker")


async def handle(store, raw: bytes | str) -> str:
    """One job: {"kind": "record", "chat_id": int, "text": str}. Returns what was done."""
    try:
        job = json.loads(raw)
    except ValueError:
        return "skipped: not JSON"
    if not isinstance(job, dict) or job.get("kind") != "record":
        return "skipped: unknown job"
    chat_id, text = job.get("chat_id"), job.get("text")
    if not isinstance(chat_id, int) or not isinstance(text, str):
        return "skipped: bad record job"
    count = await store.record_message(chat_id, text)
    return f"recorded message {count} of chat {chat_id}"


async def work(store: Storage, queue: str, stop: asyncio.Event) -> int:
    """Takes jobs until stop is set (BLPOP with a 1 s timeout, so a SIGTERM ends it promptly)."""
    done = 0
    while not stop.is_set():
        item = await store.redis.blpop([queue], timeout=1)
        if item is None:
            continue
        log.info("job: %s", await handle(store, item[1]))
        done += 1
    return done


async def run(settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    store = Storage(settings.database_url, settings.redis_url, table=settings.table, prefix=settings.redis_prefix)
    await store.migrate()

    async def health(_request: web.Request) -> web.Response:
        checks = await store.check()
        ok = all(v == "ok" for v in checks.values())
        return web.json_response({"status": "ok" if ok else "error", "process": "worker", **checks},
                                 status=200 if ok else 503)

    app = web.Application()
    app.router.add_get("/health", health)
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "0.0.0.0", settings.port).start()
    queue = f"{settings.redis_prefix}jobs"
    log.info("sample-bot worker %s: taking jobs from %s", settings.version, queue)
    try:
        done = await work(store, queue, stop)
        log.info("sample-bot worker %s: stopped after %d job(s)", settings.version, done)
    finally:
        await runner.cleanup()
        await store.close()


def main() -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"config error: {exc}", file=sys.stderr)
        return 2
    asyncio.run(run(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
