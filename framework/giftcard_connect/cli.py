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
@click.option("--host", default=lambda: os.environ.get("HOST", "0.0.0.0"), show_default="0.0.0.0")
@click.option("--port", type=int, default=lambda: int(os.environ.get("PORT", "8080")), show_default="8080")
@click.option("--workers", type=int, default=lambda: int(os.environ.get("WEB_CONCURRENCY", "2")))
@click.option("--threads", type=int, default=8, show_default=True)
def serve(host, port, workers, threads):
    """Run the processor with gunicorn (settings from the environment and .env)."""
    from gunicorn.app.base import BaseApplication

    from .app import create_app

    try:
        app = create_app()
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from None
    configure_logging(app.extensions["giftcard_connect"].settings.log_format)

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("timeout", 60)

        def load(self):
            return app

    Server().run()


@cli.command()
def plugins():
    """List installed plugins as JSON, and which provider is active."""
    from .plugins import describe_plugins

    click.echo(json.dumps(describe_plugins(os.environ.get("GIFTCARD_PROVIDER", "")), indent=2))


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
    """Run the local commercetools emulator alone."""
    from werkzeug.serving import run_simple

    from .emulator import create_app as create_emulator_app

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
    click.echo(f"commercetools emulator on http://{host}:{port}, project {project_key}")
    click.echo(f"client id {client_id}, client secret {secret} (scope manage_project:{project_key})")
    run_simple(host, port, app, threaded=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--emulator-port", type=int, default=0, help="Default: a free port.")
@click.option("--provider-port", type=int, default=0, help="Default: a free port.")
@click.option("--processor-port", type=int, default=0, help="Default: a free port.")
@click.option("--storefront-port", type=int, default=0,
              help="The local checkout page. Default: a free port.")
@click.option("--currency", default="EUR", show_default=True)
@click.option("--info-file", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Also write the URLs, credentials and ids as JSON to this file.")
def demo(host, emulator_port, provider_port, processor_port, storefront_port, currency, info_file):
    """Run emulator, mock provider, processor and a checkout page locally, with a cart."""
    from .demo import describe, start_demo

    configure_logging("text")
    try:
        stack = start_demo(
            host=host,
            emulator_port=emulator_port,
            provider_port=provider_port,
            processor_port=processor_port,
            storefront_port=storefront_port,
            currency=currency.upper(),
        )
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from None
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        if info_file:
            with open(info_file, "w") as fh:
                json.dump(stack.info, fh, indent=2)
        click.echo(describe(stack.info), nl=True)
        while not stopped.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
        click.echo("demo stopped")
if __name__ == "__main__":
    cli()
