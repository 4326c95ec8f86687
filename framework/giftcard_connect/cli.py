"""The ``giftcard-connect`` command."""

from __future__ import annotations

import json
import os
import secrets
import signal
import threading

import click

from .errors import ConfigurationError
from .logs import configure_logging


@click.group()
@click.version_option(package_name="giftcard-connect")
def cli():
    """giftcard-connect: any gift card provider as a payment method in commercetools Checkout."""


@cli.command()
@click.option("--host", default=None, help="Interface to bind.  [default: $HOST or 0.0.0.0]")
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="  [default: $PORT or 8080]")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="gunicorn worker processes.  [default: $WEB_CONCURRENCY or 2]")
@click.option("--threads", type=click.IntRange(min=1), default=None,
              help="Threads per worker.  [default: 8]")
@click.option("--gunicorn-config", type=click.Path(exists=True, dir_okay=False), default=None,
              help="A gunicorn settings file (Python, as for gunicorn -c) applied over the "
                   "defaults; the flags above win over it. See examples/deploy/.")
@click.option("--check", is_flag=True,
              help="Check the settings, the commercetools credentials and scopes, and the "
                   "provider's health, then exit (status 1 when any check fails).")
def serve(host, port, workers, threads, gunicorn_config, check):
    """Run the processor with gunicorn (settings from the environment and .env)."""
    from .app import create_app
    from .config import ServerSettings, read_environment
    from .serving import ProcessorServer, read_gunicorn_file

    try:
        server = ServerSettings.from_env(read_environment())
        file_settings = read_gunicorn_file(gunicorn_config) if gunicorn_config else {}
        app = create_app()
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from None
    configure_logging(app.extensions["giftcard_connect"].settings.log_format)
    if check:
        _check(app)
        return
    bind = f"{host or server.host}:{port or server.port}" if host or port else None
    flags = {"bind": bind, "workers": workers, "threads": threads}
    ProcessorServer(app, server, file_settings=file_settings, flags=flags).run()


def _check(app) -> None:
    """Print one line per check; exit 1 when any fails."""
    from .preflight import run_checks

    with app.app_context():
        results = run_checks(app.extensions["giftcard_connect"])
    for result in results:
        click.echo(result.line())
    if not all(result.ok for result in results):
        raise click.ClickException("the processor is not ready to serve: see FAIL above")
    click.echo("ready to serve")


@cli.command()
def plugins():
    """List installed plugins as JSON, and which provider is active."""
    from .config import read_environment
    from .plugins import describe_plugins

    provider = read_environment().get("GIFTCARD_PROVIDER", "")
    click.echo(json.dumps(describe_plugins(provider), indent=2))


@cli.command()
@click.option("--older-than", type=click.FloatRange(min=0), default=900, show_default=True,
              help="Only charges Pending for longer than this many seconds.")
@click.option("--dry-run", is_flag=True, help="List what would be voided; change nothing.")
def reconcile(older_than, dry_run):
    """Void and record Pending gift card charges left by crashes or timeouts.

    Exits with status 1 when any charge stays unresolved (or, with --dry-run, is found).
    """
    from .app import create_app
    from .reconcile import format_table
    from .reconcile import reconcile as run_reconcile

    try:
        app = create_app()
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from None
    with app.app_context():
        rows = run_reconcile(app.extensions["giftcard_connect"], older_than=older_than, dry_run=dry_run)
    click.echo(format_table(rows))
    if any(not row.resolved for row in rows):
        raise SystemExit(1)


@cli.command()
@click.argument("answers", nargs=-1, metavar="[KEY=VALUE]...")
@click.option("--no-input", is_flag=True,
              help="Ask nothing: the template's defaults plus the KEY=VALUE answers.")
@click.option("-o", "--output-dir", type=click.Path(file_okay=False), default=".",
              show_default=True, help="Where to create the project's directory.")
def new(answers, no_input, output_dir):
    """Create a provider plugin project from the template.

    KEY=VALUE answers the template's questions, e.g. provider_name="Acme Gift" pin=required;
    the others are asked (or take their defaults with --no-input).
    """
    from .scaffold import ScaffoldError, generate, parse_answers

    try:
        project = generate(parse_answers(answers), output_dir=output_dir, no_input=no_input)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created {project}")
    click.echo(f"Next: cd {project} && pip install -e '.[test]' && pytest   (see its README.md)")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8090, show_default=True)
@click.option("--project-key", default="demo", show_default=True)
@click.option("--client-id", default="admin", show_default=True)
@click.option("--client-secret", default=None, help="Default: a random one, printed.")
@click.option("--fault", "faults", multiple=True, metavar="JSON",
              help='Inject a fault, e.g. \'{"route": "*", "status": 503, "probability": 0.1}\'.')
def emulator(host, port, project_key, client_id, client_secret, faults):
    """Run the local commercetools emulator alone (HTTP/1.1 with keep-alive)."""
    from .emulator import create_app as create_emulator_app
    from .servers import KeepAliveServer

    secret = client_secret or secrets.token_urlsafe(24)
    try:
        app = create_emulator_app(
            {
                "PROJECT_KEY": project_key,
                "CLIENTS": {client_id: {"secret": secret, "scope": f"manage_project:{project_key}"}},
                "FAULTS": [json.loads(fault) for fault in faults],
            }
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--fault") from None
    configure_logging("text")
    server = KeepAliveServer(app, host, port, name="emulator")
    click.echo(f"commercetools emulator on {server.url}, project {project_key}")
    click.echo(f"client id {client_id}, client secret {secret} (scope manage_project:{project_key})")
    server.serve_forever()


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--emulator-port", type=int, default=0, help="Default: a free port.")
@click.option("--provider-port", type=int, default=0,
              help="The mock provider service (with --provider mock). Default: a free port.")
@click.option("--processor-port", type=int, default=0, help="Default: a free port.")
@click.option("--storefront-port", type=int, default=0,
              help="The local checkout page. Default: a free port.")
@click.option("--provider", default="mock", show_default=True,
              help="An installed provider plugin; its GIFTCARD_<PROVIDER>_* settings come from "
                   "the environment and .env.")
@click.option("--currency", default=None,
              help="  [default: $GIFTCARD_CURRENCY or EUR]")
@click.option("--access-log", is_flag=True,
              help="Log one line per request, with the name of the server that answered.")
@click.option("--info-file", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Also write the URLs, credentials and ids as JSON to this file.")
def demo(host, emulator_port, provider_port, processor_port, storefront_port, provider, currency,
         access_log, info_file):
    """Run the emulator, a provider, the processor and a checkout page locally, with carts."""
    from .config import read_environment
    from .demo import describe, start_demo

    configure_logging("text")
    currency = (currency or read_environment().get("GIFTCARD_CURRENCY") or "EUR").upper()
    try:
        stack = start_demo(
            host=host,
            emulator_port=emulator_port,
            provider_port=provider_port,
            processor_port=processor_port,
            storefront_port=storefront_port,
            currency=currency,
            provider=provider,
            access_log=access_log,
        )
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from None
    # Ctrl-C and SIGTERM ask for a clean stop; a second Ctrl-C (a wrapper such as tox
    # passes the first one on again) must not interrupt that stop.
    stopped = threading.Event()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, lambda *_: stopped.set())
    try:
        if info_file:
            _write_atomically(info_file, json.dumps(stack.info, indent=2))
        click.echo(describe(stack.info), nl=True)
        while not stopped.wait(0.5):
            pass
    finally:
        stack.stop()
        click.echo("demo stopped")
        # Python restores the default handlers while it exits; a late Ctrl-C would then
        # end a clean stop with "killed by SIGINT". Ignored, it cannot.
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def _write_atomically(path: str, text: str) -> None:
    """Readers of ``path`` see the whole file or none of it."""
    partial = f"{path}.partial"
    with open(partial, "w") as fh:
        fh.write(text)
    os.replace(partial, path)


if __name__ == "__main__":
    cli()
