"""Long polling: one getUpdates consumer per token (a second one gets 409 Conflict)."""

from __future__ import annotations

import asyncio
import logging

from .handlers import Store, handle_update
from .metrics import Metrics
from .telegram import BotApi, TelegramError

log = logging.getLogger("bot.polling")


async def poll(api: BotApi, store: Store, metrics: Metrics, stop: asyncio.Event, timeout: int = 25,
               backoff: float = 1.0) -> int:
    """Handles updates until `stop` is set; returns the number handled.

    The offset moves past an update only after it was handled, so a restart redelivers at most
    the update in flight. A stop request interrupts the long poll at once.
    """
    offset: int | None = None
    handled = 0
    while not stop.is_set():
        fetch = asyncio.ensure_future(api.get_updates(offset, timeout))
        stopper = asyncio.ensure_future(stop.wait())
        done, _ = await asyncio.wait({fetch, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if fetch not in done:
            fetch.cancel()
            break
        stopper.cancel()
        try:
            updates = fetch.result()
        except TelegramError as exc:
            if exc.status == 409:
                log.error("409 Conflict: another getUpdates consumer or a webhook is active for this token")
            else:
                log.warning("getUpdates failed: %s", exc)
            metrics.observe_update("poll-error")
            try:
                await asyncio.wait_for(stop.wait(), backoff)
            except asyncio.TimeoutError:
                pass
            continue
        for update in updates:
            try:
                reply = await handle_update(update, store)
                if reply:
                    await api.call(reply.method, reply.params)
                metrics.observe_update("handled" if reply else "ignored")
            except Exception:
                log.exception("update %s failed", update.get("update_id"))
                metrics.observe_update("error")
            handled += 1
            if isinstance(update.get("update_id"), int):
                offset = update["update_id"] + 1
    return handled
