"""Settings from the environment (the env file tg-devops writes on the host)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Mapping

from . import __version__


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names it."""


@dataclass(frozen=True)
class Settings:
    bot_token: str
    database_url: str
    redis_url: str
    mode: str = "webhook"  # webhook | polling
    webhook_secret: str = ""
    port: int = 8080
    telegram_api_url: str = "https://api.telegram.org"
    poll_timeout: int = 25
    version: str = __version__
    shutdown_timeout: float = 10.0
    namespace: str = ""  # prefixes the table and the Redis keys (several bots, or tests, on one server)

    @property
    def table(self) -> str:
        return f"{self.namespace}_messages" if self.namespace else "messages"

    @property
    def redis_prefix(self) -> str:
        return f"{self.namespace}:" if self.namespace else "sample-bot:"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env

        def required(name: str) -> str:
            value = env.get(name, "").strip()
            if not value:
                raise ConfigError(f"{name} is required")
            return value

        def integer(name: str, default: int, low: int, high: int) -> int:
            raw = env.get(name, "").strip()
            if not raw:
                return default
            if not raw.isdigit() or not low <= int(raw) <= high:
                raise ConfigError(f"{name} must be a whole number in {low}..{high}, got {raw!r}")
            return int(raw)

        bot_token = required("BOT_TOKEN")
        database_url = required("DATABASE_URL")
        redis_url = required("REDIS_URL")
        mode = env.get("BOT_MODE", "webhook").strip() or "webhook"
        if mode not in ("webhook", "polling"):
            raise ConfigError(f"BOT_MODE must be webhook or polling, got {mode!r}")
        secret = env.get("WEBHOOK_SECRET", "").strip()
        if mode == "webhook" and not secret:
            # Without it anyone who finds the URL can send the bot forged updates.
            raise ConfigError("WEBHOOK_SECRET is required in webhook mode")
        namespace = env.get("BOT_NAMESPACE", "").strip()
        if namespace and not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", namespace):
            raise ConfigError(f"BOT_NAMESPACE must be lowercase letters, digits and _, got {namespace!r}")
        return cls(
            bot_token=bot_token,
            database_url=database_url,
            redis_url=redis_url,
            mode=mode,
            webhook_secret=secret,
            port=integer("PORT", 8080, 1, 65535),
            telegram_api_url=(env.get("TELEGRAM_API_URL") or "https://api.telegram.org").rstrip("/"),
            poll_timeout=integer("POLL_TIMEOUT", 25, 0, 50),
            version=env.get("APP_VERSION", "").strip() or __version__,
            namespace=namespace,
        )
