"""The lists: windowed, filtered and sorted queries, each kind's list layout, and saved views.

Built on `records` (and the tracker's tables).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lodestone.core.lazy_exports import load_export

# Each public name and the submodule that defines it, imported on first use (PEP 562):
# importing the package loads none of them.
_EXPORTS = {
    "LIST_LAYOUTS": "queries",
    "ListQuery": "queries",
    "ListRow": "queries",
    "WhereClause": "queries",
    "count_rows": "queries",
    "facet_counts": "queries",
    "fetch_rows": "queries",
    "in_list": "queries",
    "row_position": "queries",
    "search_matches": "queries",
    "where_clause": "queries",
    "StoredView": "saved_views",
    "ViewError": "saved_views",
    "ViewNotFound": "saved_views",
    "clean_name": "saved_views",
    "delete_view": "saved_views",
    "find_view": "saved_views",
    "list_views": "saved_views",
    "load_view": "saved_views",
    "put_view": "saved_views",
    "save_view": "saved_views",
}

if TYPE_CHECKING:  # the same names, for type checkers and the import graph
    from lodestone.core.lists.queries import LIST_LAYOUTS as LIST_LAYOUTS
    from lodestone.core.lists.queries import ListQuery as ListQuery
    from lodestone.core.lists.queries import ListRow as ListRow
    from lodestone.core.lists.queries import WhereClause as WhereClause
    from lodestone.core.lists.queries import count_rows as count_rows
    from lodestone.core.lists.queries import facet_counts as facet_counts
    from lodestone.core.lists.queries import fetch_rows as fetch_rows
    from lodestone.core.lists.queries import in_list as in_list
    from lodestone.core.lists.queries import row_position as row_position
    from lodestone.core.lists.queries import search_matches as search_matches
    from lodestone.core.lists.queries import where_clause as where_clause
    from lodestone.core.lists.saved_views import StoredView as StoredView
    from lodestone.core.lists.saved_views import ViewError as ViewError
    from lodestone.core.lists.saved_views import ViewNotFound as ViewNotFound
    from lodestone.core.lists.saved_views import clean_name as clean_name
    from lodestone.core.lists.saved_views import delete_view as delete_view
    from lodestone.core.lists.saved_views import find_view as find_view
    from lodestone.core.lists.saved_views import list_views as list_views
    from lodestone.core.lists.saved_views import load_view as load_view
    from lodestone.core.lists.saved_views import put_view as put_view
    from lodestone.core.lists.saved_views import save_view as save_view
else:  # hidden from type checkers, which then report a name not exported

    def __getattr__(name: str) -> object:
        return load_export(__name__, _EXPORTS, name)
