"""The provider template: the generated tree, its packaging, and one test per option."""

from __future__ import annotations

import ast
import compileall
import configparser
import shutil
import tomllib
from pathlib import Path

import pytest
import yaml
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter

from giftcard_connect.scaffold import TEMPLATE

from .generate import cookiecutter_config, generate, relative_paths


def project_files(root: str, package: str) -> set[str]:
    files = [
        ".env.example", ".gitignore", "LICENSE", "README.md", "connect.yaml", "pyproject.toml",
        "setup.cfg", "tox.ini",
        f"{package}", f"{package}/__init__.py", f"{package}/client.py", f"{package}/plugin.py",
        f"{package}/enabler", f"{package}/enabler/enabler.js",
        "tests", "tests/conftest.py", "tests/example_api.py", "tests/test_client.py",
        "tests/test_conformance.py", "tests/test_example_api.py", "tests/test_plugin.py",
    ]
    return {root} | {f"{root}/{name}" for name in files}


def setup_cfg(project: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser()
    parser.read(project / "setup.cfg", encoding="utf-8")
    return parser


def constants(path: Path) -> dict[str, object]:
    """Module-level ``NAME = <literal>`` assignments of a generated Python file."""
    found = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                try:
                    found[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    continue
    return found


def configuration(project: Path, kind: str) -> dict[str, dict]:
    manifest = yaml.safe_load((project / "connect.yaml").read_text(encoding="utf-8"))
    (processor,) = [app for app in manifest["deployAs"] if app["name"] == "processor"]
    return {entry["key"]: entry for entry in processor["configuration"][kind]}


@pytest.mark.parametrize(
    "answers, root, package",
    [
        (
            {"provider_name": "Acme Gift"},
            "giftcard-connect-acme-gift",
            "giftcard_connect_acme_gift",
        ),
        (
            {"provider_name": "Café 24 Cards", "pin": "required", "supports_partial_cancel": False,
             "license": "MIT"},
            "giftcard-connect-cafe-24-cards",
            "giftcard_connect_cafe_24_cards",
        ),
        (
            {"provider_name": "Bolt", "provider_slug": "bolt-gift", "pin": "optional",
             "default_currency": "CZK", "license": "Proprietary"},
            "giftcard-connect-bolt-gift",
            "giftcard_connect_bolt_gift",
        ),
    ],
)
def test_generated_tree(tmp_path, answers, root, package):
    generate(tmp_path, **answers)
    assert relative_paths(tmp_path / "out") == project_files(root, package)


def test_no_template_syntax_is_left_and_python_files_parse(tmp_path):
    project = generate(tmp_path, provider_name="Acme Gift", pin="optional")
    for path in project.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert not [mark for mark in ("{{", "{%", "{#", "cookiecutter") if mark in text], path
            if path.suffix == ".py":
                ast.parse(text, filename=str(path))


def test_setup_cfg_declares_the_entry_point_and_package_data(tmp_path):
    project = generate(tmp_path, provider_name="Acme Gift", description="Acme cards at checkout",
                       author_name="Acme Ltd")
    config = setup_cfg(project)
    assert config["metadata"]["name"] == "giftcard-connect-acme-gift"
    assert config["metadata"]["description"] == "Acme cards at checkout"
    assert config["metadata"]["author"] == "Acme Ltd"
    entry_points = config["options.entry_points"]["giftcard_connect"].strip().splitlines()
    assert entry_points == ["acme-gift = giftcard_connect_acme_gift.plugin"]
    requires = config["options"]["install_requires"].split()
    assert "giftcard-connect>=0.1" in requires and "requests>=2.31" in requires
    assert config["options.package_data"]["giftcard_connect_acme_gift"] == "enabler/*"
    assert config["options.extras_require"]["test"].split() == ["pytest>=8", "responses>=0.25"]


def test_pyproject_builds_with_setuptools_and_configures_pytest(tmp_path):
    project = generate(tmp_path, provider_name="Acme Gift")
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["build-system"]["build-backend"] == "setuptools.build_meta"
    assert pyproject["tool"]["pytest"]["ini_options"]["testpaths"] == ["tests"]
    assert pyproject["tool"]["pytest"]["ini_options"]["filterwarnings"] == ["error"]


def test_derived_names_follow_the_slug(tmp_path):
    project = generate(tmp_path, provider_name="Acme Gift", provider_slug="acme2",
                       api_base_url="https://sandbox.acme.example/api")
    plugin = constants(project / "giftcard_connect_acme2" / "plugin.py")
    assert (plugin["NAME"], plugin["DISPLAY_NAME"]) == ("acme2", "Acme Gift")
    client = constants(project / "giftcard_connect_acme2" / "client.py")
    assert client["API_KEY_SETTING"] == "GIFTCARD_ACME2_API_KEY"
    standard = configuration(project, "standardConfiguration")
    assert standard["GIFTCARD_PROVIDER"]["default"] == "acme2"
    assert standard["GIFTCARD_ACME2_BASE_URL"]["default"] == "https://sandbox.acme.example/api"
    assert "GIFTCARD_ACME2_API_KEY" in configuration(project, "securedConfiguration")


def test_connect_yaml_declares_assets_service_and_secrets(tmp_path):
    project = generate(tmp_path, provider_name="Acme Gift", default_currency="GBP")
    manifest = yaml.safe_load((project / "connect.yaml").read_text(encoding="utf-8"))
    apps = {app["name"]: app for app in manifest["deployAs"]}
    assert apps["enabler"] == {"name": "enabler", "applicationType": "assets"}
    assert (apps["processor"]["applicationType"], apps["processor"]["endpoint"]) == ("service", "/")
    standard = configuration(project, "standardConfiguration")
    secured = configuration(project, "securedConfiguration")
    assert {"CTP_PROJECT_KEY", "CTP_CLIENT_ID", "CTP_AUTH_URL", "CTP_API_URL"} <= set(standard)
    assert standard["GIFTCARD_CURRENCY"]["default"] == "GBP"
    assert set(secured) == {"CTP_CLIENT_SECRET", "GIFTCARD_ACME_GIFT_API_KEY"}
    assert not set(standard) & set(secured)


@pytest.mark.parametrize("pin", ["none", "optional", "required"])
def test_pin_option(tmp_path, pin):
    project = generate(tmp_path, provider_name="Acme Gift", pin=pin)
    package = project / "giftcard_connect_acme_gift"
    assert constants(package / "plugin.py")["PIN"] == pin
    assert constants(project / "tests" / "example_api.py")["PIN_POLICY"] == pin
    enabler = (package / "enabler" / "enabler.js").read_text(encoding="utf-8")
    pin_tests = (project / "tests" / "test_example_api.py").read_text(encoding="utf-8")
    if pin == "none":
        assert '"label.pin"' not in enabler
        assert "def test_a_card_with_a_pin_needs_the_right_one" not in pin_tests
    else:
        assert enabler.count('"label.pin":') == 6 and enabler.count('"label.pinOptional":') == 6
        assert "def test_a_card_with_a_pin_needs_the_right_one" in pin_tests
    assert ("def test_every_card_of_the_fake_has_a_pin" in pin_tests) is (pin == "required")
    assert f"| PIN | {pin} |" in (project / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("partial", [True, False])
def test_partial_cancel_option(tmp_path, partial):
    project = generate(tmp_path, provider_name="Acme Gift", supports_partial_cancel=partial)
    package = project / "giftcard_connect_acme_gift"
    assert constants(package / "plugin.py")["SUPPORTS_PARTIAL_CANCEL"] is partial
    assert constants(project / "tests" / "example_api.py")["PARTIAL_REFUNDS"] is partial
    tests = (project / "tests" / "test_example_api.py").read_text(encoding="utf-8")
    assert ('"PartialCancelNotSupported"' in tests) is not partial
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert ("| partial refunds | yes |" in readme) is partial


def test_partial_cancel_option_from_the_command_line_string(tmp_path):
    project = generate(tmp_path, provider_name="Acme Gift", supports_partial_cancel="no")
    plugin = constants(project / "giftcard_connect_acme_gift" / "plugin.py")
    assert plugin["SUPPORTS_PARTIAL_CANCEL"] is False


@pytest.mark.parametrize(
    "license_, first_line, metadata",
    [
        ("Apache-2.0", "Apache License", "Apache-2.0"),
        ("MIT", "MIT License", "MIT"),
        ("Proprietary", "All rights reserved.", "Proprietary"),
    ],
)
def test_license_option(tmp_path, license_, first_line, metadata):
    project = generate(tmp_path, provider_name="Acme Gift", author_name="Acme Ltd",
                       license=license_)
    text = (project / "LICENSE").read_text(encoding="utf-8")
    assert first_line in text.strip().splitlines()[0]
    assert setup_cfg(project)["metadata"]["license"] == metadata
    if license_ != "Apache-2.0":
        assert "Acme Ltd" in text


@pytest.mark.parametrize(
    "answers, message",
    [
        ({"provider_name": "Acme", "provider_slug": "Acme_Gift"}, "provider_slug 'Acme_Gift'"),
        ({"provider_name": ""}, "provider_name is required"),
        ({"provider_name": "Acme", "default_currency": "euro"}, "default_currency 'euro'"),
        ({"provider_name": "Acme", "api_base_url": "ftp://x"}, "api_base_url 'ftp://x'"),
        ({"provider_name": 'Acme "Gift"'}, "provider_name must be"),
    ],
)
def test_the_pre_generation_hook_refuses_bad_answers(tmp_path, capfd, answers, message):
    with pytest.raises(FailedHookException):
        generate(tmp_path, **answers)
    assert message in capfd.readouterr().err
    assert relative_paths(tmp_path / "out") == set()


def test_byte_code_of_an_installed_template_is_not_copied(tmp_path):
    """pip compiles the template's .py files when it installs giftcard-connect from a wheel."""
    template = tmp_path / "installed" / "provider"
    shutil.copytree(TEMPLATE, template)
    compileall.compile_dir(template, quiet=2)
    assert list(template.rglob("*.pyc"))
    project = cookiecutter(str(template), no_input=True, output_dir=str(tmp_path / "out"),
                           extra_context={"provider_name": "Acme Gift"},
                           config_file=str(cookiecutter_config(tmp_path)))
    assert not [path for path in Path(project).rglob("*") if "__pycache__" in path.parts]
