"""The polling loop against a local stand-in for the Bot API that records every request."""

import asyncio

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.metrics import Metrics
from bot.polling import poll
from bot.telegram import BotApi

TOKEN = "123456:TEST-token"


class FakeBotApi:
    def __init__(self, batches, conflicts=0):
        self.batches = list(batches)
        self.conflicts = conflicts
        self.requests: list[tuple[str, dict]] = []
        self.stop = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        assert request.match_info["token"] == TOKEN
        method = request.match_info["method"]
        body = await request.json()
        self.requests.append((method, body))
        if method == "getUpdates":
            if self.conflicts:
                self.conflicts -= 1
                return web.json_response(
                    {"ok": False, "error_code": 409, "description": "Conflict: terminated by other getUpdates request"},
                    status=409,
                )
            if self.batches:
                return web.json_response({"ok": True, "result": self.batches.pop(0)})
            self.stop.set()  # nothing more to deliver: end the test's loop
            return web.json_response({"ok": True, "result": []})
        return web.json_response({"ok": True, "result": {"message_id": 1}})

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self.handle)
        return app


def update(update_id, text, chat_id=42):
    return {"update_id": update_id, "message": {"message_id": update_id, "chat": {"id": chat_id}, "text": text}}


def run_poll(fake, store):
    async def main():
        async with TestServer(fake.app()) as server, aiohttp.ClientSession() as session:
            api = BotApi(session, str(server.make_url("")), TOKEN)
            return await poll(api, store, Metrics("t"), fake.stop, timeout=0, backoff=0)

    return asyncio.run(main())


def test_updates_are_handled_and_the_offset_moves_past_them(fake_store):
    fake = FakeBotApi([[update(100, "/start"), update(101, "hello")], [update(102, "/count")]])
    handled = run_poll(fake, fake_store)
    assert handled == 3
    gets = [body for method, body in fake.requests if method == "getUpdates"]
    assert [g.get("offset") for g in gets] == [None, 102, 103]
    sends = [body for method, body in fake.requests if method == "sendMessage"]
    assert [s["text"] for s in sends][1:] == ["Noted (#1).", "I have 1 messages from you."]
    assert all(s["chat_id"] == 42 for s in sends)


def test_a_409_conflict_is_survived_and_counted(fake_store):
    fake = FakeBotApi([[update(7, "hi")]], conflicts=2)
    metrics_store = fake_store
    handled = run_poll(fake, metrics_store)
    assert handled == 1
    assert [m for m, _ in fake.requests].count("getUpdates") == 4  # 2 conflicts, 1 batch, 1 empty


def test_the_token_never_appears_in_errors(fake_store):
    async def main():
        async with aiohttp.ClientSession() as session:
            api = BotApi(session, "http://127.0.0.1:9", TOKEN)  # nothing listens on port 9
            try:
                await api.call("getMe", timeout=2)
            except Exception as exc:  # noqa: BLE001
                return str(exc)
        return "no error"

    message = asyncio.run(main())
    assert message.startswith("getMe: HTTP 0:")
    assert TOKEN not in message
