import pytest

from giftcard_connect.config import (
    DEFAULT_SESSION_URL,
    PROCESSOR_SCOPES,
    ServerSettings,
    Settings,
    missing_scopes,
    read_environment,
)
from giftcard_connect.errors import ConfigurationError

BASE = {
    "CTP_PROJECT_KEY": "demo",
    "CTP_CLIENT_ID": "id",
    "CTP_CLIENT_SECRET": "very-secret-value",
    "CTP_AUTH_URL": "https://auth.example",
    "CTP_API_URL": "https://api.example",
    "GIFTCARD_PROVIDER": "acme-cards",
    "GIFTCARD_CURRENCY": "eur",
}


def test_settings_missing_variables_are_all_named():
    with pytest.raises(ConfigurationError) as info:
        Settings.from_env({"CTP_PROJECT_KEY": "demo"}, dotenv_path=None)
    for name in ("CTP_CLIENT_ID", "CTP_CLIENT_SECRET", "GIFTCARD_PROVIDER", "GIFTCARD_CURRENCY"):
        assert name in str(info.value)


def test_settings_defaults_and_provider_config():
    settings = Settings.from_env(
        {**BASE, "GIFTCARD_ACME_CARDS_API_KEY": "k", "GIFTCARD_OTHER_X": "y"}, dotenv_path=None
    )
    assert settings.currency == "EUR"
    assert settings.session_url == DEFAULT_SESSION_URL
    assert dict(settings.provider_config) == {"API_KEY": "k"}


def test_settings_repr_hides_secrets():
    settings = Settings.from_env({**BASE, "GIFTCARD_ACME_CARDS_API_KEY": "prov-key"}, dotenv_path=None)
    assert "very-secret-value" not in repr(settings)
    assert "prov-key" not in repr(settings)


@pytest.mark.parametrize(
    "name, value",
    [("GIFTCARD_CURRENCY", "EURO"), ("GIFTCARD_PROVIDER_TIMEOUT", "soon"), ("CTP_TIMEOUT", "-1")],
)
def test_settings_bad_values_name_the_variable(name, value):
    with pytest.raises(ConfigurationError, match=name):
        Settings.from_env({**BASE, name: value}, dotenv_path=None)


def test_settings_read_dotenv_under_environment(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("CTP_CLIENT_SECRET=from-dotenv\nCTP_API_URL=https://dotenv.example\n")
    env = {k: v for k, v in BASE.items() if k != "CTP_CLIENT_SECRET"}
    settings = Settings.from_env(env, dotenv_path=str(dotenv))
    assert settings.client_secret == "from-dotenv"
    assert settings.api_url == "https://api.example"


def test_failed_attempts_per_cart_default_and_setting():
    assert Settings.from_env(BASE, dotenv_path=None).max_failed_attempts_per_cart == 20
    settings = Settings.from_env({**BASE, "GIFTCARD_MAX_FAILED_ATTEMPTS_PER_CART": "5"}, dotenv_path=None)
    assert settings.max_failed_attempts_per_cart == 5


@pytest.mark.parametrize("value", ["0", "-1", "2.5", "many"])
def test_failed_attempts_per_cart_must_be_a_positive_whole_number(value):
    with pytest.raises(ConfigurationError, match="GIFTCARD_MAX_FAILED_ATTEMPTS_PER_CART"):
        Settings.from_env({**BASE, "GIFTCARD_MAX_FAILED_ATTEMPTS_PER_CART": value}, dotenv_path=None)


def test_log_format_must_be_json_or_text():
    assert Settings.from_env({**BASE, "GIFTCARD_LOG_FORMAT": "Text"}, dotenv_path=None).log_format == "text"
    with pytest.raises(ConfigurationError, match="GIFTCARD_LOG_FORMAT must be one of json, text, got 'xml'"):
        Settings.from_env({**BASE, "GIFTCARD_LOG_FORMAT": "xml"}, dotenv_path=None)


def test_server_settings_defaults_and_values():
    assert ServerSettings.from_env({}) == ServerSettings("0.0.0.0", 8080, 2)
    assert ServerSettings.from_env({"HOST": "127.0.0.1", "PORT": "9000", "WEB_CONCURRENCY": "4"}) == (
        ServerSettings("127.0.0.1", 9000, 4)
    )


@pytest.mark.parametrize("name, value", [
    ("PORT", "eighty"), ("PORT", "0"), ("PORT", "70000"), ("PORT", "-1"),
    ("WEB_CONCURRENCY", "two"), ("WEB_CONCURRENCY", "0"), ("WEB_CONCURRENCY", "1.5"),
])
def test_server_settings_bad_values_name_the_variable(name, value):
    with pytest.raises(ConfigurationError, match=f"^{name} must be .*, got {value!r}$"):
        ServerSettings.from_env({name: value})


def test_read_environment_puts_the_environment_over_dotenv(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("GIFTCARD_PROVIDER=from-dotenv\nPORT=9000\n")
    assert read_environment({"PORT": "7000"}, str(dotenv)) == {
        "GIFTCARD_PROVIDER": "from-dotenv", "PORT": "7000"}
    assert read_environment({"PORT": "7000"}, str(tmp_path / "none.env")) == {"PORT": "7000"}


def test_missing_scopes_lists_what_the_processor_lacks():
    assert missing_scopes(frozenset({"manage_project:demo"}), "demo") == []
    assert missing_scopes(frozenset(f"{s}:demo" for s in PROCESSOR_SCOPES), "demo") == []
    granted = frozenset(f"{s}:demo" for s in PROCESSOR_SCOPES if s != "view_sessions")
    assert missing_scopes(granted, "demo") == ["view_sessions:demo"]
    assert missing_scopes(frozenset({"manage_project:other"}), "demo") == [
        f"{s}:demo" for s in PROCESSOR_SCOPES]
