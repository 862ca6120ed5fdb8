"""Metadata definitions: ``metadef namespace|resource-type|object|property|tag|schema ...``.

Each command is a call of ``ImageClient``'s ``…_metadef_…`` methods, printed
through ``ctx.out``; the commands on one namespace's objects, properties and
tags are in :mod:`pyrax_image.cli.metadef_contents`. Changing definitions is
for admins (others: exit 1, ``error: ... (HTTP 403 ...)``).
"""

from __future__ import annotations

import sys
from typing import Any, Dict

from pyrax_image import exceptions as exc
from pyrax_image.cli.metadef_contents import (
    deleted,
    given,
    register_objects,
    register_properties,
    register_tags,
)
from pyrax_image.cli.parser import add_action, add_area
from pyrax_image.image.filters import SORT_DIRS
from pyrax_image.image.tasks import METADEF_SCHEMAS
from pyrax_image.metadefs.checks import NAMESPACE_SORT_KEYS, NAMESPACE_VISIBILITIES

NAMESPACE_COLUMNS = (
    ("NAMESPACE", lambda info: info.get("namespace")),
    ("DISPLAY NAME", lambda info: info.get("display_name")),
    ("VISIBILITY", lambda info: info.get("visibility")),
    ("PROTECTED", lambda info: info.get("protected")),
    ("RESOURCE TYPES", lambda info: [a.get("name") for a in info.get("resource_type_associations") or []]),
)
RESOURCE_TYPE_COLUMNS = (
    ("NAME", lambda info: info.get("name")),
    ("CREATED", lambda info: info.get("created_at")),
)
ASSOCIATION_COLUMNS = (
    ("NAME", lambda info: info.get("name")),
    ("PREFIX", lambda info: info.get("prefix")),
    ("PROPERTIES TARGET", lambda info: info.get("properties_target")),
)


def _namespace_changes(opts: Any) -> Dict[str, Any]:
    """The namespace's fields ``namespace create`` and ``namespace update`` were given."""
    protected = True if opts.protected else False if opts.unprotected else None
    return given(
        display_name=opts.display_name,
        description=opts.description,
        visibility=opts.visibility,
        protected=protected,
    )


# -- namespaces -------------------------------------------------------------------------
def cmd_namespace_list(ctx: Any) -> int:
    opts = ctx.options
    filters = given(
        resource_types=opts.resource_type,
        visibility=opts.visibility,
        sort_key=opts.sort_key,
        sort_dir=opts.sort_dir,
    )
    if opts.all:
        found = ctx.client.list_all_metadef_namespaces(**filters)
    else:
        found = ctx.client.list_metadef_namespaces(limit=opts.limit, marker=opts.marker, **filters)
    ctx.out.table(found, NAMESPACE_COLUMNS)
    if getattr(found, "has_more", False):
        ctx.note(
            "more namespaces may exist: --all lists every page, --marker %s the next" % found.next_marker
        )
    return 0


def cmd_namespace_show(ctx: Any) -> int:
    ctx.out.record(
        ctx.client.get_metadef_namespace(ctx.options.namespace, resource_type=ctx.options.resource_type)
    )
    return 0


def cmd_namespace_create(ctx: Any) -> int:
    opts = ctx.options
    ctx.out.record(ctx.client.create_metadef_namespace(opts.namespace, **_namespace_changes(opts)))
    return 0


def cmd_namespace_update(ctx: Any) -> int:
    opts = ctx.options
    changes = dict(_namespace_changes(opts), **given(namespace=opts.name))
    if not changes:
        raise exc.InvalidArgument(
            "nothing to change: give --name, --display-name, --description, --visibility, ..."
        )
    ctx.out.record(ctx.client.update_metadef_namespace(opts.namespace, **changes))
    return 0


def cmd_namespace_delete(ctx: Any) -> int:
    ctx.client.delete_metadef_namespace(ctx.options.namespace)
    return deleted(ctx, "Deleted namespace %s" % ctx.options.namespace, {"namespace": ctx.options.namespace})


def cmd_namespace_import(ctx: Any) -> int:
    source = sys.stdin.buffer if ctx.options.file == "-" else ctx.options.file
    ctx.out.record(ctx.client.import_metadef_namespace(source))
    return 0


def cmd_namespace_export(ctx: Any) -> int:
    opts = ctx.options
    document = ctx.client.export_metadef_namespace(opts.namespace, opts.file)
    if opts.file:
        ctx.out.message(
            "Exported namespace %s to %s" % (opts.namespace, opts.file),
            {"namespace": opts.namespace, "file": opts.file},
        )
    else:
        ctx.out.document(document)
    return 0


# -- resource types ---------------------------------------------------------------------
def cmd_resource_type_list(ctx: Any) -> int:
    ctx.out.table(ctx.client.list_metadef_resource_types(), RESOURCE_TYPE_COLUMNS)
    return 0


def cmd_associations(ctx: Any) -> int:
    ctx.out.table(
        ctx.client.list_metadef_resource_type_associations(ctx.options.namespace), ASSOCIATION_COLUMNS
    )
    return 0


def cmd_associate(ctx: Any) -> int:
    opts = ctx.options
    ctx.out.record(
        ctx.client.create_metadef_resource_type_association(
            opts.namespace, opts.resource_type, prefix=opts.prefix, properties_target=opts.properties_target
        )
    )
    return 0


def cmd_dissociate(ctx: Any) -> int:
    opts = ctx.options
    ctx.client.delete_metadef_resource_type_association(opts.namespace, opts.resource_type)
    text = "Dissociated resource type %s from namespace %s" % (opts.resource_type, opts.namespace)
    return deleted(ctx, text, {"namespace": opts.namespace, "name": opts.resource_type})


def cmd_schema(ctx: Any) -> int:
    ctx.out.document(getattr(ctx.client, "get_metadef_%s_schema" % ctx.options.schema)())
    return 0


def _protection_options(parser: Any) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--protected", action="store_true", help="cannot be deleted (nor its contents)")
    group.add_argument("--unprotected", action="store_true", help="may be deleted")


def _namespace_fields(parser: Any) -> None:
    parser.add_argument("--display-name", help="the human-readable name")
    parser.add_argument("--description", help="what the namespace is for")
    parser.add_argument("--visibility", choices=NAMESPACE_VISIBILITIES, help="public or private")
    _protection_options(parser)


def _register_namespaces(areas: Any, common: Any) -> None:
    actions = add_area(areas, common, "namespace", "list, show, create, change, import or export namespaces")
    p = add_action(actions, common, "list", cmd_namespace_list, "one page of namespaces (--all: every page)")
    p.add_argument(
        "--resource-type",
        action="append",
        metavar="TYPE",
        help="associated with TYPE (repeatable: any of them)",
    )
    p.add_argument(
        "--visibility",
        choices=NAMESPACE_VISIBILITIES,
        help="only namespaces of this visibility: public or private",
    )
    p.add_argument(
        "--sort-key",
        choices=NAMESPACE_SORT_KEYS,
        help="sort by: " + ", ".join(NAMESPACE_SORT_KEYS),
    )
    p.add_argument("--sort-dir", choices=SORT_DIRS, help="asc or desc")
    p.add_argument("--limit", type=int, help="page size")
    p.add_argument("--marker", help="the namespace after which the page starts")
    p.add_argument("--all", action="store_true", help="every page")
    p = add_action(actions, common, "show", cmd_namespace_show, "a namespace and what it holds", "NAMESPACE")
    p.add_argument("--resource-type", metavar="TYPE", help="property names with TYPE's prefix")
    p = add_action(actions, common, "create", cmd_namespace_create, "create a namespace (admin)", "NAMESPACE")
    _namespace_fields(p)
    p = add_action(
        actions,
        common,
        "update",
        cmd_namespace_update,
        "change a namespace; the rest is kept (admin)",
        "NAMESPACE",
    )
    p.add_argument("--name", help="rename it")
    _namespace_fields(p)
    add_action(
        actions,
        common,
        "delete",
        cmd_namespace_delete,
        "delete a namespace and its contents (admin)",
        "NAMESPACE",
    )
    add_action(
        actions,
        common,
        "import",
        cmd_namespace_import,
        "create a namespace from a Glance metadefs JSON file (- for stdin; admin)",
        "FILE",
    )
    p = add_action(
        actions,
        common,
        "export",
        cmd_namespace_export,
        "a namespace as a Glance metadefs JSON file",
        "NAMESPACE",
    )
    p.add_argument("--file", help="write it there (default: stdout)")


def _register_resource_types(areas: Any, common: Any) -> None:
    actions = add_area(areas, common, "resource-type", "resource types and namespaces' associations")
    add_action(actions, common, "list", cmd_resource_type_list, "the resource types the cloud knows")
    add_action(
        actions,
        common,
        "associations",
        cmd_associations,
        "the resource types a namespace applies to",
        "NAMESPACE",
    )
    p = add_action(
        actions,
        common,
        "associate",
        cmd_associate,
        "apply a namespace to a resource type (admin)",
        "NAMESPACE",
        "RESOURCE-TYPE",
    )
    p.add_argument("--prefix", help="what the namespace's property names start with there (e.g. hw_)")
    p.add_argument("--properties-target", help="where the properties go (e.g. image, metadata)")
    add_action(
        actions,
        common,
        "dissociate",
        cmd_dissociate,
        "stop applying a namespace to a resource type (admin)",
        "NAMESPACE",
        "RESOURCE-TYPE",
    )


def register(commands: Any, common: Any, transfer: Any) -> None:
    """Add ``metadef`` and its areas to the ``commands`` subparsers."""
    metadef = commands.add_parser(
        "metadef", parents=[common], help="metadata definitions: namespaces, objects, properties, tags"
    )
    areas = metadef.add_subparsers(dest="area", metavar="AREA", required=True)
    _register_namespaces(areas, common)
    _register_resource_types(areas, common)
    register_objects(areas, common)
    register_properties(areas, common)
    register_tags(areas, common)
    p = add_action(areas, common, "schema", cmd_schema, "a metadef JSON schema")
    p.add_argument("schema", metavar="NAME", choices=tuple(METADEF_SCHEMAS), help=" | ".join(METADEF_SCHEMAS))
