"""Alembic environment: Samen runs migrations in-process on a connection it hands over."""

from alembic import context

from samen.storage.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations through `samen db upgrade`, which provides the connection.")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
