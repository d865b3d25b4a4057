"""Alembic's environment for the service database: run with the connection `db.migrate` hands over."""

from __future__ import annotations

from alembic import context

from checker.service.models import Base

connection = context.config.attributes.get("connection")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
