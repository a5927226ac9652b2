"""``flask --app wsgi engage seed-demo``: load the Halton demo partnership (idempotent).

Capabilities add their own demo data with ``register_seeder``; each seeder must also be
idempotent (look rows up by a natural key before adding them).
"""
from __future__ import annotations

from typing import Callable

import click
from flask import Flask, current_app

from ..cli import engage_cli

SEEDERS: list[tuple[int, Callable]] = []


def register_seeder(order: int, seeder: Callable) -> None:
    if all(s is not seeder for _, s in SEEDERS):
        SEEDERS.append((order, seeder))
        SEEDERS.sort(key=lambda item: item[0])


def run_seeders(echo=lambda message: None) -> None:
    from ..extensions import db

    for _, seeder in SEEDERS:
        seeder(echo)
        db.session.flush()
    db.session.commit()


@engage_cli.command("seed-demo")
def seed_demo_command():
    """Load the Halton demo data and one demo account per role (not in production)."""
    if current_app.config.get("ENGAGE_ENV") == "production":
        raise click.ClickException("seed-demo refuses to run when ENGAGE_ENV=production: demo accounts have a known password.")
    run_seeders(click.echo)
    from .halton import DEMO_PASSWORD, USERS

    click.echo("Demo data loaded. Demo accounts (password: %s):" % DEMO_PASSWORD)
    for email, name, role, _ in USERS:
        click.echo(f"  {role:<13} {email}")


def init_app(app: Flask) -> None:
    from . import foundation  # noqa: F401  (registers the foundation seeder)
