"""The PostgreSQL backend: several stateless API processes over one database.

:class:`PostgresStorage` implements the same :class:`~fieldapp.server.storage.Storage`
as SQLite, on the same tables (its own migrations, :mod:`.migrations`), with a
commit-ordered change feed (:mod:`.feed`) and the coverage roll-up kept by PL/pgSQL
triggers (:mod:`.rollup`).
"""

from fieldapp.server.postgres.storage import PostgresStorage

__all__ = ["PostgresStorage"]
