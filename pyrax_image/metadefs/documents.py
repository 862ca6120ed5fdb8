"""A namespace as a document: Glance's ``etc/metadefs/*.json`` format.

The format ``glance-manage db_load_metadefs`` and ``glance md-namespace-import``
read: the namespace's fields, ``resource_type_associations`` (name, prefix,
properties_target), ``properties`` (a dict by name), ``objects`` (name,
description, properties, required) and ``tags`` (names). Import creates the
namespace in one request; export writes what a fetched namespace holds,
without the server's bookkeeping (dates, links, owner), so an export
imports back as it was.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Optional, Protocol

from pyrax_image import exceptions as exc
from pyrax_image.metadefs.checks import NAMESPACE_CONTENTS, NAMESPACE_FIELDS, OBJECT_FIELDS, namespace_body
from pyrax_image.metadefs.resources import MetadefNamespace
from pyrax_image.replies import invalid
from pyrax_image.transfer.files import replacing

MAX_DOCUMENT_BYTES = 16 * 1024 * 1024  # Glance's own files are at most ~60 KiB
# Read from a document but never sent (an API reply's bookkeeping).
SERVER_FIELDS = ("created_at", "updated_at", "self", "schema", "owner")
ASSOCIATION_FIELDS = ("name", "prefix", "properties_target")


class Namespaces(Protocol):
    """What import and export ask of a MetadefNamespaceManager (which imports this module)."""

    def get(self, item: Any, resource_type: Optional[str] = None) -> MetadefNamespace: ...

    def create(self, namespace: str, **fields: Any) -> MetadefNamespace: ...

    def delete(self, item: Any) -> None: ...


def read_document(source: Any) -> Dict[str, Any]:
    """The document in ``source``: a path, a binary or text file, or a dict."""
    if isinstance(source, dict):
        return dict(source)
    if isinstance(source, (str, os.PathLike)):
        if not os.path.isfile(source):
            raise exc.InvalidArgument("No such file: %s" % os.fspath(source))
        with open(source, "rb") as handle:
            data: Any = handle.read(MAX_DOCUMENT_BYTES + 1)
    elif callable(getattr(source, "read", None)):
        data = source.read(MAX_DOCUMENT_BYTES + 1)
    else:
        raise exc.InvalidArgument(
            "A metadefs document is a path, a file or a dict, not %s" % type(source).__name__
        )
    if not isinstance(data, (bytes, str)):
        raise exc.InvalidArgument("The metadefs file gave %s, not text" % type(data).__name__)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise exc.InvalidArgument("A metadefs document is limited to %d bytes" % MAX_DOCUMENT_BYTES)
    try:
        document = json.loads(data)
    except ValueError as error:
        raise exc.InvalidArgument("The metadefs document is not JSON: %s" % error) from None
    if not isinstance(document, dict):
        raise exc.InvalidArgument("A metadefs document is a JSON object, not %s" % type(document).__name__)
    return document


def creation_body(document: Dict[str, Any]) -> Dict[str, Any]:
    """The create request of a document, checked (server bookkeeping dropped)."""
    allowed = NAMESPACE_FIELDS + NAMESPACE_CONTENTS
    unknown = sorted(key for key in document if key not in allowed + SERVER_FIELDS)
    if unknown:
        raise exc.InvalidArgument("A metadefs document has no field %r" % unknown[0])
    if "namespace" not in document:
        raise exc.InvalidArgument("A metadefs document needs a 'namespace'")
    return namespace_body(document["namespace"], {key: document.get(key) for key in allowed[1:]})


def import_namespace(manager: Namespaces, source: Any) -> MetadefNamespace:
    """Create the namespace a document describes, with everything in it.

    Conflict, before anything is sent, if the namespace exists. Should Glance
    refuse part of the document (400) after creating the namespace, the
    namespace is deleted again: an import is whole or not at all.
    """
    body = creation_body(read_document(source))
    name = body.pop("namespace")
    try:
        manager.get(name)
    except exc.NotFound:
        pass
    else:
        raise exc.Conflict(409, "Namespace %s already exists; delete it first to import it again" % name)
    try:
        return manager.create(name, **body)
    except exc.BadRequest:
        try:
            manager.delete(name)
        except exc.NotFound:
            pass
        raise


def _kept(entry: Dict[str, Any], fields: Any) -> Dict[str, Any]:
    return {key: entry[key] for key in fields if entry.get(key) is not None}


def _definitions(value: Any, what: str, response: Any) -> Dict[str, Any]:
    """Property definitions (a dict by name) without their server bookkeeping."""
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(item, dict) for item in value.values()):
        raise invalid(response, "%s: expected an object of property definitions" % what)
    return {
        name: {key: item for key, item in definition.items() if key not in SERVER_FIELDS + ("name",)}
        for name, definition in value.items()
    }


def _entries(value: Any, what: str, response: Any) -> List[Dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise invalid(response, "%s: expected a list of objects" % what)
    return value


def namespace_document(namespace: Dict[str, Any], response: Any = None) -> Dict[str, Any]:
    """The document of a fetched namespace's body (checked for its shape)."""
    what = "Namespace %s" % namespace.get("namespace")
    document = _kept(namespace, NAMESPACE_FIELDS)
    associations = _entries(namespace.get("resource_type_associations"), what, response)
    if associations:
        document["resource_type_associations"] = [_kept(entry, ASSOCIATION_FIELDS) for entry in associations]
    properties = _definitions(namespace.get("properties"), what, response)
    if properties:
        document["properties"] = properties
    objects = []
    for entry in _entries(namespace.get("objects"), what, response):
        obj = _kept(entry, OBJECT_FIELDS)
        if obj.get("required") == []:
            del obj["required"]  # Glance answers [] for none; the files leave it out
        if "properties" in obj:
            obj["properties"] = _definitions(obj["properties"], what, response)
        objects.append(obj)
    if objects:
        document["objects"] = objects
    tags = _entries(namespace.get("tags"), what, response)
    if tags:
        document["tags"] = [_kept(entry, ("name",)) for entry in tags]
    return document


def export_namespace(manager: Namespaces, item: Any, path: Optional[str] = None) -> Dict[str, Any]:
    """The document of namespace ``item``; written (whole or not at all) to ``path`` if given."""
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise exc.InvalidArgument("path must be a file path, not %s" % type(path).__name__)
    document = namespace_document(manager.get(item).to_dict())
    if path is not None:
        with replacing(os.fspath(path)) as handle:
            handle.write((json.dumps(document, indent=4, ensure_ascii=False) + "\n").encode("utf-8"))
    return document
