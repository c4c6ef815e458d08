"""SQL storage (SQLAlchemy 2, async): SQLite embedded, PostgreSQL in production, same code."""
