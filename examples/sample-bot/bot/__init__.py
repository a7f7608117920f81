"""A small Telegram bot: aiohttp webhook or long polling, PostgreSQL and Redis."""

__version__ = "1.0.0"
