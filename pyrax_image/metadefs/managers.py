"""Managers of metadata definition namespaces and resource types.

``MetadefNamespaceManager`` works on ``/metadefs/namespaces`` and makes the
managers of what one namespace holds (``objects_of(ns)``...,
:mod:`pyrax_image.metadefs.contents`). Every name in a path is
percent-encoded (namespace names hold ``::``; any name may hold ``/``).

Glance's PUT replaces a whole namespace: ``update`` fetches the current one,
applies the changes and sends the result, so what the caller does not name
is kept (two requests, not glanceclient's three).
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional

from pyrax_image import exceptions as exc
from pyrax_image.checks import check_choice, check_text
from pyrax_image.client import BaseClient
from pyrax_image.manager import BaseManager, page_params
from pyrax_image.metadefs.checks import (
    NAMESPACE_CONTENTS,
    NAMESPACE_FIELDS,
    NAMESPACE_SORT_KEYS,
    NAMESPACE_VISIBILITIES,
    check_fields,
    namespace_body,
    namespace_name,
    resource_type_query,
    sort_params,
)
from pyrax_image.metadefs.contents import (
    MergingManager,
    MetadefAssociationManager,
    MetadefObjectManager,
    MetadefPropertyManager,
    MetadefTagManager,
)
from pyrax_image.metadefs.resources import MetadefNamespace, MetadefResourceType
from pyrax_image.utils import quote_segment


class MetadefNamespaceManager(MergingManager[MetadefNamespace]):
    """Metadata definition namespaces (creating, changing and deleting them is for admins)."""

    resource_class = MetadefNamespace
    name_key = "namespace"
    what = "namespace"
    kind = "namespace"
    fields = NAMESPACE_FIELDS

    def __init__(self, api: BaseClient[Any]):
        super().__init__(
            api, response_key="", plural_response_key="namespaces", uri_base="metadefs/namespaces"
        )

    def _item_uri(self, item: Any) -> str:
        return "%s/%s" % (self._collection_uri(), quote_segment(namespace_name(item)))

    @staticmethod
    def _query(
        resource_types: Any, visibility: Optional[str], sort_key: Optional[str], sort_dir: Optional[str]
    ) -> Dict[str, Any]:
        params: Dict[str, Any] = sort_params(sort_key, sort_dir, NAMESPACE_SORT_KEYS)
        if visibility is not None:
            params["visibility"] = check_choice("visibility", visibility, NAMESPACE_VISIBILITIES)
        if resource_types is not None:
            names = [resource_types] if isinstance(resource_types, str) else resource_types
            if not isinstance(names, (list, tuple)) or not names:
                raise exc.InvalidArgument("resource_types must be a name or a non-empty list of names")
            params["resource_types"] = ",".join(check_text("resource_types", name) for name in names)
        return params

    def list(  # type: ignore[override]
        self,
        limit: Optional[int] = None,
        marker: Optional[Any] = None,
        resource_types: Any = None,
        visibility: Optional[str] = None,
        sort_key: Optional[str] = None,
        sort_dir: Optional[str] = None,
    ) -> List[MetadefNamespace]:
        """One page of namespaces (its ``next_marker`` continues); ``resource_types``
        (a name or a list) keeps those associated with any of them."""
        params = self._query(resource_types, visibility, sort_key, sort_dir)
        params.update(page_params(limit, None))
        if marker is not None:
            params["marker"] = namespace_name(marker)
        return self._list(self._collection_uri(), params=params)

    def iter_all(  # type: ignore[override]
        self,
        resource_types: Any = None,
        visibility: Optional[str] = None,
        sort_key: Optional[str] = None,
        sort_dir: Optional[str] = None,
        page_size: Optional[int] = None,
        max_pages: Optional[int] = None,
    ) -> Iterator[MetadefNamespace]:
        """Every namespace matching the filters of :meth:`list`, page by page."""
        params = self._query(resource_types, visibility, sort_key, sort_dir)
        params.update(page_params(page_size, None))
        return self._iter_items(self._collection_uri(), params, max_pages)

    def get(self, item: Any, resource_type: Optional[str] = None) -> MetadefNamespace:
        """The whole namespace: objects, properties, tags and associations included
        (``resource_type``: property names carry that type's prefix)."""
        return self._get(self._item_uri(item), resource_type_query(resource_type))

    def create(  # type: ignore[override]
        self,
        namespace: str,
        display_name: Optional[str] = None,
        description: Optional[str] = None,
        visibility: Optional[str] = None,
        protected: Optional[bool] = None,
        **contents: Any,
    ) -> MetadefNamespace:
        """Create a namespace, with its ``objects``, ``properties``, ``tags`` and
        ``resource_type_associations`` if given (Conflict if the name is taken)."""
        check_fields(contents, NAMESPACE_CONTENTS, "namespace's content")
        fields = dict(
            display_name=display_name, description=description, visibility=visibility, protected=protected
        )
        return self._create(self._collection_uri(), namespace_body(namespace, dict(fields, **contents)))

    def update(self, item: Any, **changes: Any) -> MetadefNamespace:
        """Change some of ``namespace`` (a rename), ``display_name``, ``description``,
        ``visibility``, ``protected``; the others keep their current values."""
        return self._update(item, changes)

    def _body(self, fields: Dict[str, Any]) -> Dict[str, Any]:
        return namespace_body(fields.get("namespace"), {k: v for k, v in fields.items() if k != "namespace"})

    def import_namespace(self, source: Any) -> MetadefNamespace:
        """Create a namespace from a Glance metadefs document (a path, a file or a dict)."""
        from pyrax_image.metadefs.documents import import_namespace

        return import_namespace(self, source)

    def export_namespace(self, item: Any, path: Optional[str] = None) -> Dict[str, Any]:
        """A namespace as a Glance metadefs document, written to ``path`` when given."""
        from pyrax_image.metadefs.documents import export_namespace

        return export_namespace(self, item, path)

    def objects_of(self, item: Any) -> MetadefObjectManager:
        """The object definitions of namespace ``item``."""
        return MetadefObjectManager(self.api, namespace_name(item))

    def properties_of(self, item: Any) -> MetadefPropertyManager:
        """The property definitions of namespace ``item``."""
        return MetadefPropertyManager(self.api, namespace_name(item))

    def tags_of(self, item: Any) -> MetadefTagManager:
        """The tag definitions of namespace ``item``."""
        return MetadefTagManager(self.api, namespace_name(item))

    def associations_of(self, item: Any) -> MetadefAssociationManager:
        """The resource type associations of namespace ``item``."""
        return MetadefAssociationManager(self.api, namespace_name(item))


class MetadefResourceTypeManager(BaseManager[MetadefResourceType]):
    """The resource types the cloud knows (``GET /metadefs/resource_types``)."""

    resource_class = MetadefResourceType

    def __init__(self, api: BaseClient[Any]):
        super().__init__(
            api, response_key="", plural_response_key="resource_types", uri_base="metadefs/resource_types"
        )

    def list(self, *args: Any, **kwargs: Any) -> List[MetadefResourceType]:
        """Every resource type (the list is not paged)."""
        return self._list(self._collection_uri())
