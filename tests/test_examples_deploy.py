"""examples/deploy/: the environment template, the gunicorn settings and the container file,
checked as far as this machine can (it has no container engine), then served for real."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from dotenv import dotenv_values

from giftcard_connect.cli import cli
from giftcard_connect.config import ServerSettings, Settings
from giftcard_connect.errors import ConfigurationError
from giftcard_connect.serving import ProcessorServer, read_gunicorn_file

from .conftest import MERCHANT, PROJECT_KEY
from .test_cli import free_port

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "examples" / "deploy"
TEMPLATE = DEPLOY / "giftcard-connect.env"
PROVIDER_PATTERN = "GIFTCARD_<PROVIDER>_<NAME>"


def documented_settings() -> set[str]:
    """Every name in the first column of docs/configuration.md's settings table."""
    table = (ROOT / "docs" / "configuration.md").read_text().split("## ", 1)[0]
    names = set()
    for row in re.findall(r"^\| (`[^|]+)\|", table, re.M):
        names.update(re.findall(r"`([A-Z_<>]+)`", row))
    return names - {PROVIDER_PATTERN}


def test_env_template_names_every_documented_setting_and_nothing_else():
    values = dotenv_values(TEMPLATE)
    documented = documented_settings()
    assert {"CTP_PROJECT_KEY", "GIFTCARD_PAYMENT_INTERFACE", "PORT"} <= documented
    assert not documented - set(values), "missing from the template"
    provider_prefix = f"GIFTCARD_{values['GIFTCARD_PROVIDER'].upper()}_"
    extra = set(values) - documented
    assert extra and all(name.startswith(provider_prefix) for name in extra), extra


def test_env_template_parses_with_the_processor_settings():
    values = dotenv_values(TEMPLATE)
    settings = Settings.from_env(values, dotenv_path=None)
    assert dict(settings.provider_config) == {"URL": values["GIFTCARD_MOCK_URL"]}
    assert ServerSettings.from_env(values) == ServerSettings()
    # The optional values shown are the defaults: the template changes nothing by itself.
    required = {"CTP_PROJECT_KEY", "CTP_CLIENT_ID", "CTP_CLIENT_SECRET", "CTP_AUTH_URL",
                "CTP_API_URL", "GIFTCARD_PROVIDER", "GIFTCARD_CURRENCY"}
    defaults = Settings.from_env({k: v for k, v in values.items() if k in required},
                                 dotenv_path=None)
    changed = {name for name in Settings.__dataclass_fields__
               if getattr(settings, name) != getattr(defaults, name)}
    assert changed == {"jwks_url", "jwt_issuer", "provider_config", "allowed_origins"}


def test_gunicorn_settings_load_between_the_defaults_and_the_flags():
    file_settings = read_gunicorn_file(str(DEPLOY / "gunicorn.conf.py"))
    assert file_settings["keepalive"] == 75 and "bind" not in file_settings
    server = ProcessorServer(object(), ServerSettings("127.0.0.1", 9000, 3),
                             file_settings=file_settings, flags={"threads": 2, "workers": None})
    cfg = server.cfg
    assert cfg.bind == ["127.0.0.1:9000"] and cfg.workers == 3  # from HOST/PORT/WEB_CONCURRENCY
    assert (cfg.timeout, cfg.graceful_timeout, cfg.keepalive) == (60, 30, 75)  # from the file
    assert cfg.forwarded_allow_ips == ["127.0.0.1"] and cfg.worker_tmp_dir == "/dev/shm"
    assert cfg.threads == 2  # the flag wins


def test_a_broken_gunicorn_settings_file_is_named(tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text("threads = int('many')\n")
    with pytest.raises(ConfigurationError, match=f"{broken} could not be read: ValueError"):
        read_gunicorn_file(str(broken))


def containerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) of each Containerfile line, comments and blanks left out."""
    lines = [line for line in (DEPLOY / "Containerfile").read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    return [tuple(line.split(None, 1)) for line in lines]


def test_containerfile_copies_what_exists_and_runs_commands_that_exist():
    instructions = containerfile()
    destinations = set()
    for instruction, arguments in instructions:
        if instruction == "COPY":
            *sources, destination = arguments.split()
            destinations.add(destination)
            for source in sources:
                assert (ROOT / source).exists(), source
        if instruction == "ARG" and arguments.startswith("PROVIDER="):
            default = arguments.split("=", 1)[1]
            assert (ROOT / default.removeprefix("/src/") / "setup.cfg").exists(), default
    (cmd,) = [json.loads(arguments) for instruction, arguments in instructions
              if instruction == "CMD"]
    assert cmd[:2] == ["sh", "-c"]
    serve_help = CliRunner().invoke(cli, ["serve", "--help"]).output
    for command in cmd[2].split("&&"):
        argv = shlex.split(command.strip().removeprefix("exec "))
        assert argv[:2] == ["giftcard-connect", "serve"], argv
        for option in (arg for arg in argv[2:] if arg.startswith("--")):
            assert option in serve_help, option
        if "--gunicorn-config" in argv:
            assert argv[argv.index("--gunicorn-config") + 1] in destinations
    env = dict(arg.split("=", 1) for instruction, arguments in instructions
               if instruction == "ENV" for arg in arguments.split())
    assert ServerSettings.from_env(env).port == 8080
    assert Settings.__dataclass_fields__["log_format"].default == env["GIFTCARD_LOG_FORMAT"]


def test_the_deploy_settings_check_and_serve(tmp_path, emulator, mock_provider):
    """The template, filled in for a local emulator and mock, in .env: check, then serve."""
    port = free_port()
    filled = {**dotenv_values(TEMPLATE),
              "CTP_PROJECT_KEY": PROJECT_KEY, "CTP_CLIENT_ID": MERCHANT[0],
              "CTP_CLIENT_SECRET": MERCHANT[1], "CTP_AUTH_URL": emulator.url,
              "CTP_API_URL": emulator.url, "CTP_SESSION_URL": emulator.url + "/",
              "CTP_JWKS_URL": emulator.url + "/.well-known/jwks.json",
              "CTP_JWT_ISSUER": emulator.url, "GIFTCARD_MOCK_URL": mock_provider.url,
              "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "1"}
    (tmp_path / ".env").write_text("".join(f"{k}={v}\n" for k, v in filled.items()))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CTP_", "GIFTCARD_"))}
    command = [sys.executable, "-m", "giftcard_connect.cli", "serve"]
    check = subprocess.run([*command, "--check"], cwd=tmp_path, env=env, capture_output=True,
                           text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.splitlines()[-1] == "ready to serve"
    process = subprocess.Popen(
        [*command, "--gunicorn-config", str(DEPLOY / "gunicorn.conf.py")], cwd=tmp_path, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except requests.ConnectionError:
                assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()
                time.sleep(0.2)
        assert response.json() == {"status": "ok"}
        preflight = requests.options(f"http://127.0.0.1:{port}/balance", timeout=5, headers={
            "Origin": "https://shop.example", "Access-Control-Request-Method": "POST"})
        assert preflight.headers["Access-Control-Allow-Origin"] == "https://shop.example"
    finally:
        process.terminate()
        process.wait(15)
        process.stderr.close()
