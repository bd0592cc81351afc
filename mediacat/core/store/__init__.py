"""The SQLite store: connection settings, schema migrations, and the full-text index."""

from mediacat.core.store.connection import Store, open_store
from mediacat.core.store.schema import SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "Store", "open_store"]
