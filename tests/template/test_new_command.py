"""`giftcard-connect new`: the template through the command line, and its refusals."""

from __future__ import annotations

import configparser

import pytest
from click.testing import CliRunner

from giftcard_connect.cli import cli
from giftcard_connect.scaffold import questions

from .generate import cookiecutter_config, relative_paths


@pytest.fixture
def output(tmp_path, monkeypatch):
    """An empty output directory; cookiecutter's replay files stay under tmp_path."""
    monkeypatch.setenv("COOKIECUTTER_CONFIG", str(cookiecutter_config(tmp_path)))
    directory = tmp_path / "out"
    directory.mkdir()
    return directory


def new(*arguments, input=None):
    return CliRunner().invoke(cli, ["new", *arguments], input=input)


def test_new_generates_a_project(output):
    result = new("--no-input", "-o", str(output), "provider_name=Acme Gift")
    assert result.exit_code == 0, result.output
    project = output / "giftcard-connect-acme-gift"
    assert f"Created {project}" in result.output
    assert (project / "giftcard_connect_acme_gift" / "plugin.py").is_file()
    config = configparser.ConfigParser()
    config.read(project / "setup.cfg")
    assert config["options.entry_points"]["giftcard_connect"].strip() == (
        "acme-gift = giftcard_connect_acme_gift.plugin"
    )


def test_new_passes_every_answer(output):
    result = new("--no-input", "-o", str(output), "provider_name=Bolt", "provider_slug=bolt-cards",
                 "pin=required", "supports_partial_cancel=false", "default_currency=CZK")
    assert result.exit_code == 0, result.output
    plugin = (output / "giftcard-connect-bolt-cards" / "giftcard_connect_bolt_cards" / "plugin.py")
    text = plugin.read_text(encoding="utf-8")
    assert 'PIN = "required"' in text
    assert "SUPPORTS_PARTIAL_CANCEL = False" in text
    assert 'CURRENCIES = ("CZK",)' in text


def test_new_asks_the_questions_without_no_input(output):
    # provider_name is answered; Enter accepts every other default.
    result = new("-o", str(output), "provider_name=Acme Gift", input="\n" * 20)
    assert result.exit_code == 0, result.output
    assert (output / "giftcard-connect-acme-gift" / "README.md").is_file()


@pytest.mark.parametrize(
    "answers, message",
    [
        (["colour=blue"],
         "unknown question 'colour'; the questions are: provider_name, provider_slug"),
        (["__package=x"], "unknown question '__package'"),
        (["provider_name"], "expected KEY=VALUE, got 'provider_name'"),
        (["provider_name=Acme", "provider_slug=Acme Gift"], "provider_slug 'Acme Gift'"),
        (["provider_name=Acme", "provider_slug=acme--gift"], "provider_slug 'acme--gift'"),
        (["provider_name=!!!"], "provider_slug '' must be"),
        ([], "provider_name is required"),
        (["provider_name=Acme", "default_currency=EURO"], "default_currency 'EURO'"),
        (["provider_name=Acme", "api_base_url=api.acme.example"],
         "api_base_url 'api.acme.example'"),
        (["provider_name=Acme", "pin=always"], "always provided for choice variable pin"),
        (["provider_name=Acme", "supports_partial_cancel=maybe"],
         "could not be converted to a boolean"),
    ],
)
def test_new_refuses_bad_answers_and_writes_nothing(output, answers, message):
    result = new("--no-input", "-o", str(output), *answers)
    assert result.exit_code == 1
    assert message in result.output
    assert result.output.startswith("Error: ")
    assert relative_paths(output) == set()


def test_new_refuses_an_existing_project_directory(output):
    existing = output / "giftcard-connect-acme-gift"
    existing.mkdir()
    (existing / "notes.txt").write_text("mine")
    result = new("--no-input", "-o", str(output), "provider_name=Acme Gift")
    assert result.exit_code == 1
    assert f"{existing} already exists; remove it or choose another directory" in result.output
    assert relative_paths(output) == {existing.name, f"{existing.name}/notes.txt"}
    assert (existing / "notes.txt").read_text() == "mine"


def test_new_reports_a_broken_cookiecutter_configuration(output, monkeypatch):
    monkeypatch.setenv("COOKIECUTTER_CONFIG", str(output / "missing.yaml"))
    result = new("--no-input", "-o", str(output), "provider_name=Acme Gift")
    assert result.exit_code == 1
    assert "Error: cookiecutter's configuration:" in result.output
    assert "missing.yaml" in result.output


def test_the_questions_are_the_public_template_variables():
    assert questions() == [
        "provider_name", "provider_slug", "description", "author_name", "default_currency", "pin",
        "supports_partial_cancel", "api_base_url", "license",
    ]
