import os
import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


class FakeStore:
    """In-memory stand-in for bot.storage.Storage (unit tests need no services)."""

    def __init__(self, healthy: bool = True):
        self.messages: list[tuple[int, str]] = []
        self.counters: dict[str, int] = {}
        self.healthy = healthy
        self.fail = False

    async def record_message(self, chat_id: int, text: str) -> int:
        if self.fail:
            raise ConnectionError("database is down")
        self.messages.append((chat_id, text))
        return await self.count_messages(chat_id)

    async def count_messages(self, chat_id: int) -> int:
        return sum(1 for c, _ in self.messages if c == chat_id)

    async def bump(self, name: str) -> int:
        self.counters[name] = self.counters.get(name, 0) + 1
        return self.counters[name]

    async def check(self) -> dict[str, str]:
        return {"postgres": "ok" if self.healthy else "error: OperationalError", "redis": "ok"}


@pytest.fixture
def fake_store() -> FakeStore:
    return FakeStore()


@pytest.fixture
def service_urls() -> tuple[str, str]:
    """DATABASE_URL and REDIS_URL of real services (CI: the workflow's service containers)."""
    database_url = os.environ.get("DATABASE_URL")
    redis_url = os.environ.get("REDIS_URL")
    if not database_url or not redis_url:
        pytest.skip("DATABASE_URL and REDIS_URL are not set: no Postgres/Redis to test against")
    return database_url, redis_url


@pytest.fixture
def unique() -> str:
    """A name no other test run uses (the servers may be shared)."""
    return f"sb_{uuid.uuid4().hex[:12]}"
