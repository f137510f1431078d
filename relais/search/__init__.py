"""The search engines every searchable app shares (SQLite FTS5, PostgreSQL full
text with pg_trgm), text folding, and the registry of indexes built on them.

An app with an index registers its rebuild in its AppConfig.ready() with
`index_register`; `relais reindex` (`index_rebuild`) rebuilds them all.
"""
