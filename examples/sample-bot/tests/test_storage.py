"""Against real PostgreSQL and Redis (DATABASE_URL, REDIS_URL). Unique names; cleaned up."""

import asyncio

import pytest
from psycopg import sql

from bot.handlers import handle_update
from bot.storage import Storage


def with_storage(service_urls, unique, scenario):
    database_url, redis_url = service_urls

    async def main():
        store = Storage(database_url, redis_url, table=unique, prefix=f"{unique}:")
        try:
            await store.migrate()
            return await scenario(store)
        finally:
            await store._execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(unique)))
            keys = [k async for k in store.redis.scan_iter(match=f"{unique}:*")]
            if keys:
                await store.redis.delete(*keys)
            await store.close()

    return asyncio.run(main())


def test_messages_persist_in_postgres(service_urls, unique):
    async def scenario(store):
        await store.record_message(1, "a")
        await store.record_message(1, "b")
        await store.record_message(2, "c")
        return await store.count_messages(1), await store.count_messages(2), await store.count_messages(3)

    assert with_storage(service_urls, unique, scenario) == (2, 1, 0)


def test_migrate_is_idempotent(service_urls, unique):
    async def scenario(store):
        await store.record_message(1, "kept")
        await store.migrate()
        return await store.count_messages(1)

    assert with_storage(service_urls, unique, scenario) == 1


def test_counters_live_in_redis(service_urls, unique):
    async def scenario(store):
        values = [await store.bump("starts") for _ in range(3)]
        raw = await store.redis.get(f"{unique}:starts")
        return values, raw

    assert with_storage(service_urls, unique, scenario) == ([1, 2, 3], b"3")


def test_health_check_sees_both_services(service_urls, unique):
    async def scenario(store):
        return await store.check()

    assert with_storage(service_urls, unique, scenario) == {"postgres": "ok", "redis": "ok"}


def test_health_check_reports_a_dead_database(service_urls, unique):
    _, redis_url = service_urls

    async def main():
        store = Storage("postgresql://nobody@127.0.0.1:1/none", redis_url, table=unique)
        try:
            return await store.check()
        finally:
            await store.close()

    checks = asyncio.run(main())
    assert checks == {"postgres": "error: OperationalError", "redis": "ok"}


def test_a_hung_dependency_is_reported_within_the_check_timeout(service_urls, unique):
    """A server that accepts and never answers (a stuck PostgreSQL or Redis): the check does not
    wait for the clients' own 5 s timeouts, and the other dependency is still asked."""
    database_url, redis_url = service_urls

    async def main():
        accepted = []

        async def never_answer(reader, writer):
            accepted.append(writer)  # kept open, never written to

        server = await asyncio.start_server(never_answer, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        hung_pg = Storage(f"postgresql://nobody@127.0.0.1:{port}/none", redis_url, table=unique)
        hung_redis = Storage(database_url, f"redis://127.0.0.1:{port}/0", table=unique)
        try:
            return (
                await hung_pg.check(timeout=0.5),
                await hung_redis.check(timeout=0.5),
                await hung_pg.check(timeout=0.5),  # asked again, as each scrape does
            )
        finally:
            for store in (hung_pg, hung_redis):
                await store.close()
            for writer in accepted:
                writer.close()
            server.close()
            await server.wait_closed()

    pg_hung, redis_hung, again = asyncio.run(main())
    assert pg_hung == {"postgres": "error: TimeoutError", "redis": "ok"}
    assert redis_hung == {"postgres": "ok", "redis": "error: TimeoutError"}
    assert again == pg_hung


def test_a_conversation_end_to_end(service_urls, unique):
    async def scenario(store):
        def msg(text):
            return {"update_id": 1, "message": {"message_id": 1, "chat": {"id": 77}, "text": text}}

        await handle_update(msg("/start"), store)
        await handle_update(msg("one"), store)
        await handle_update(msg("two"), store)
        reply = await handle_update(msg("/count"), store)
        return reply.params["text"], int(await store.redis.get(f"{unique}:starts"))

    assert with_storage(service_urls, unique, scenario) == ("I have 2 messages from you.", 1)


def test_a_hostile_table_name_is_refused():
    with pytest.raises(ValueError, match="bad table name"):
        Storage("postgresql://x@127.0.0.1:1/db", "redis://127.0.0.1:1/0", table='x"; DROP TABLE y; --')
