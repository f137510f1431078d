from relais.search.engines import IndexTables

DIRECTORY = IndexTables(
    documents="directory_searchdocument",
    fts="directory_search_fts",
    terms="directory_searchterm",
    version="directory_searchindexversion",
)
