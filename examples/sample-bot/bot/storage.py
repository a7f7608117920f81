"""PostgreSQL (psycopg 3, async) for messages, Redis (redis.asyncio) for counters."""

from __future__ import annotations

import asyncio
import re
from typing import Any, Awaitable, Callable

import psycopg
import redis.asyncio as aioredis
from psycopg import sql

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

# A dependency check answers within this, so /health beats the image's HEALTHCHECK (3 s) and a
# Prometheus scrape never waits on a hung connection.
CHECK_TIMEOUT = 2.0


class Storage:
    """One Postgres connection (serialised by a lock) and a Redis client.

    `table` and `prefix` exist so tests can use their own names on a shared server.
    """

    def __init__(self, database_url: str, redis_url: str, table: str = "messages", prefix: str = "sample-bot:"):
        if not _NAME.match(table):
            raise ValueError(f"bad table name {table!r}")
        self.database_url = database_url
        self.redis_url = redis_url
        self.table = table
        self.prefix = prefix
        self._pg: psycopg.AsyncConnection[Any] | None = None
        self._lock = asyncio.Lock()
        self.redis = aioredis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5)

    async def _conn(self) -> psycopg.AsyncConnection[Any]:
        if self._pg is None or self._pg.closed:
            self._pg = await psycopg.AsyncConnection.connect(self.database_url, autocommit=True, connect_timeout=5)
        return self._pg

    async def _execute(self, query: sql.Composable, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        async with self._lock:
            conn = await self._conn()
            try:
                async with conn.cursor() as cur:
                    await cur.execute(query, params)
                    return await cur.fetchall() if cur.description else []
            except (psycopg.OperationalError, asyncio.CancelledError):
                # Reconnect on the next call; a cancelled query (a check's timeout) would leave the
                # connection busy.
                await conn.close()
                raise

    async def migrate(self) -> None:
        await self._execute(
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} ("
                " id bigserial PRIMARY KEY, chat_id bigint NOT NULL, text text NOT NULL,"
                " created_at timestamptz NOT NULL DEFAULT now())"
            ).format(sql.Identifier(self.table))
        )

    async def record_message(self, chat_id: int, text: str) -> int:
        await self._execute(
            sql.SQL("INSERT INTO {} (chat_id, text) VALUES (%s, %s)").format(sql.Identifier(self.table)),
            (chat_id, text),
        )
        return await self.count_messages(chat_id)

    async def count_messages(self, chat_id: int) -> int:
        rows = await self._execute(
            sql.SQL("SELECT count(*) FROM {} WHERE chat_id = %s").format(sql.Identifier(self.table)), (chat_id,)
        )
        return int(rows[0][0])

    async def bump(self, name: str) -> int:
        return int(await self.redis.incr(self.prefix + name))

    async def check(self, timeout: float = CHECK_TIMEOUT) -> dict[str, str]:
        """The /health and /metrics view: 'ok' or the error, per dependency. Both are asked at
        once, each for at most `timeout` seconds (then 'error: TimeoutError')."""

        async def probe(
            call: Callable[[], Awaitable[object]], reset: Callable[[], Awaitable[object]] | None = None
        ) -> str:
            try:
                await asyncio.wait_for(call(), timeout)
                return "ok"
            except Exception as exc:  # noqa: BLE001 - reported, not raised
                if reset is not None and isinstance(exc, asyncio.TimeoutError):
                    await reset()
                return f"error: {type(exc).__name__}"

        postgres, redis = await asyncio.gather(
            # a cancelled query closes its connection itself (_execute)
            probe(lambda: self._execute(sql.SQL("SELECT 1"))),
            # redis-py before 4.5.3 could leave a cancelled command's answer on its connection
            probe(self.redis.ping, reset=self.redis.connection_pool.disconnect),
        )
        return {"postgres": postgres, "redis": redis}

    async def close(self) -> None:
        if self._pg is not None:
            await self._pg.close()
        close = getattr(self.redis, "aclose", None) or self.redis.close
        await close()
