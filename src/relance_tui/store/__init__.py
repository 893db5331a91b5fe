"""The shared SQLite database: schema, connections, transactions, queries.

Never imports Textual; returns plain dataclasses.
"""

from relance_tui.store.connection import Store, open_store

__all__ = ["Store", "open_store"]
