import pytest

from bot.config import ConfigError, Settings

BASE = {"BOT_TOKEN": "123:abc", "DATABASE_URL": "postgresql://x@h/db", "REDIS_URL": "redis://h:6379/0"}


def test_webhook_mode_needs_a_secret():
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET"):
        Settings.from_env(BASE)


def test_defaults_and_overrides():
    s = Settings.from_env({**BASE, "WEBHOOK_SECRET": "s3cret", "PORT": "9000", "APP_VERSION": "2.0.0",
                           "TELEGRAM_API_URL": "http://127.0.0.1:1/"})
    assert (s.mode, s.port, s.version, s.telegram_api_url) == ("webhook", 9000, "2.0.0", "http://127.0.0.1:1")


def test_polling_needs_no_secret():
    assert Settings.from_env({**BASE, "BOT_MODE": "polling"}).mode == "polling"


@pytest.mark.parametrize(
    "env, message",
    [
        ({"BOT_TOKEN": ""}, "BOT_TOKEN is required"),
        ({"BOT_MODE": "mtproto"}, "BOT_MODE must be webhook or polling"),
        ({"PORT": "80x"}, "PORT must be a whole number"),
        ({"PORT": "70000"}, "PORT must be a whole number"),
        ({"BOT_NAMESPACE": "x; drop"}, "BOT_NAMESPACE must be"),
    ],
)
def test_bad_settings_are_named(env, message):
    with pytest.raises(ConfigError, match=message):
        Settings.from_env({**BASE, "BOT_MODE": "polling", **env})


def test_namespace_prefixes_the_table_and_keys():
    plain = Settings.from_env({**BASE, "BOT_MODE": "polling"})
    spaced = Settings.from_env({**BASE, "BOT_MODE": "polling", "BOT_NAMESPACE": "t_1"})
    assert (plain.table, plain.redis_prefix) == ("messages", "sample-bot:")
    assert (spaced.table, spaced.redis_prefix) == ("t_1_messages", "t_1:")
