"""The queue worker's job handling (bot/worker.py) against the in-memory store."""

import asyncio
import json

from bot.worker import handle


def run(coro):
    return asyncio.run(coro)


def test_a_record_job_is_recorded(fake_store):
    job = json.dumps({"kind": "record", "chat_id": 7, "text": "hi"})
    assert run(handle(fake_store, job)) == "recorded message 1 of chat 7"
    assert fake_store.messages == [(7, "hi")]


def test_bad_jobs_are_skipped_and_change_nothing(fake_store):
    for raw in ["not json", json.dumps([1]), json.dumps({"kind": "other"}),
                json.dumps({"kind": "record", "chat_id": "7", "text": "x"})]:
        assert run(handle(fake_store, raw)).startswith("skipped")
    assert fake_store.messages == []
