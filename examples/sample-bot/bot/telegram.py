"""A minimal Bot API client over aiohttp. The token never appears in logs or errors."""

from __future__ import annotations

from typing import Any

import aiohttp


class TelegramError(RuntimeError):
    def __init__(self, method: str, status: int, description: str):
        super().__init__(f"{method}: HTTP {status}: {description}")
        self.method = method
        self.status = status


class BotApi:
    def __init__(self, session: aiohttp.ClientSession, base_url: str, token: str):
        self._session = session
        self._base = f"{base_url.rstrip('/')}/bot{token}"

    async def call(self, method: str, params: dict[str, Any] | None = None, timeout: float = 30) -> Any:
        try:
            async with self._session.post(
                f"{self._base}/{method}", json=params or {}, timeout=aiohttp.ClientTimeout(total=timeout)
            ) as response:
                try:
                    body = await response.json(content_type=None)
                except ValueError:
                    body = {}
        except aiohttp.ClientError as exc:
            # aiohttp errors can carry the URL, and the URL carries the token.
            raise TelegramError(method, 0, type(exc).__name__) from None
        if response.status != 200 or not isinstance(body, dict) or not body.get("ok"):
            description = body.get("description", "no description") if isinstance(body, dict) else "bad body"
            raise TelegramError(method, response.status, str(description))
        return body.get("result")

    async def get_updates(self, offset: int | None, timeout: int) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"timeout": timeout, "allowed_updates": ["message", "edited_message"]}
        if offset is not None:
            params["offset"] = offset
        result = await self.call("getUpdates", params, timeout=timeout + 10)
        return result if isinstance(result, list) else []
