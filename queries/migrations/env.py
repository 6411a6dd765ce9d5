"""Alembic environment: migrates the database `civmon init` is pointed at."""
from alembic import context

from queries import db, schema

config = context.config
connection = config.attributes.get("connection")


def run(conn) -> None:
    context.configure(connection=conn, target_metadata=schema.metadata,
                      render_as_batch=conn.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:  # the `alembic` command line
    with db.get_engine(config.get_main_option("sqlalchemy.url") or None).connect() as conn:
        run(conn)
