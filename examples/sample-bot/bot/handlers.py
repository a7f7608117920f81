"""What the bot does with an update. No I/O of its own: storage comes in, a reply goes out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class Store(Protocol):
    async def record_message(self, chat_id: int, text: str) -> int: ...
    async def count_messages(self, chat_id: int) -> int: ...
    async def bump(self, name: str) -> int: ...


@dataclass(frozen=True)
class Reply:
    """A Bot API call: the method and its parameters."""

    method: str
    params: dict[str, Any]

    def as_webhook_response(self) -> dict[str, Any]:
        """Telegram accepts one method call in the body of the webhook response."""
        return {"method": self.method, **self.params}


HELP = "Hi! Send me anything and I'll remember it. /count tells how many messages I have from you."


async def handle_update(update: dict[str, Any], store: Store) -> Reply | None:
    message = update.get("message") or update.get("edited_message")
    if not isinstance(message, dict):
        return None
    chat = message.get("chat")
    text = message.get("text")
    if not isinstance(chat, dict) or not isinstance(chat.get("id"), int) or not isinstance(text, str):
        return None
    chat_id: int = chat["id"]
    command = text.split(maxsplit=1)[0].split("@", 1)[0] if text.startswith("/") else None
    if command in ("/start", "/help"):
        await store.bump("starts")
        return Reply("sendMessage", {"chat_id": chat_id, "text": HELP})
    if command == "/count":
        count = await store.count_messages(chat_id)
        return Reply("sendMessage", {"chat_id": chat_id, "text": f"I have {count} messages from you."})
    number = await store.record_message(chat_id, text)
    return Reply(
        "sendMessage",
        {"chat_id": chat_id, "text": f"Noted (#{number}).", "reply_to_message_id": message.get("message_id")},
    )
