import asyncio

from bot.handlers import HELP, handle_update


def message(text, chat_id=42, message_id=7):
    return {"update_id": 1, "message": {"message_id": message_id, "chat": {"id": chat_id}, "text": text}}


def test_start_greets_and_counts(fake_store):
    reply = asyncio.run(handle_update(message("/start"), fake_store))
    assert reply.method == "sendMessage"
    assert reply.params == {"chat_id": 42, "text": HELP}
    assert fake_store.counters == {"starts": 1}


def test_messages_are_recorded_and_counted_per_chat(fake_store):
    async def scenario():
        await handle_update(message("hello"), fake_store)
        await handle_update(message("again"), fake_store)
        await handle_update(message("other chat", chat_id=5), fake_store)
        return await handle_update(message("/count@sample_bot"), fake_store)

    reply = asyncio.run(scenario())
    assert reply.params["text"] == "I have 2 messages from you."
    assert fake_store.messages == [(42, "hello"), (42, "again"), (5, "other chat")]


def test_a_message_is_acknowledged_with_its_number(fake_store):
    reply = asyncio.run(handle_update(message("hi", message_id=99), fake_store))
    assert reply.as_webhook_response() == {
        "method": "sendMessage", "chat_id": 42, "text": "Noted (#1).", "reply_to_message_id": 99,
    }


def test_updates_without_text_are_ignored(fake_store):
    for update in ({"update_id": 1}, {"update_id": 2, "message": {"chat": {"id": 1}, "photo": []}},
                   {"update_id": 3, "message": {"chat": {"id": "x"}, "text": "t"}}):
        assert asyncio.run(handle_update(update, fake_store)) is None
    assert fake_store.messages == []
