"""sanctrack: sanctions mentions from news and the official lists, in a DuckDB warehouse."""

__version__ = "0.1.0"
