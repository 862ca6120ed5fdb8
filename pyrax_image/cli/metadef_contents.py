"""Metadata definitions in one namespace: ``metadef object|property|tag ...``
(registered by :mod:`pyrax_image.cli.metadefs`), and the helpers the
``metadef`` commands share.

``tag create`` with several tags ADDS them (``--replace`` replaces the
namespace's tags, which is Glance's own default).
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from pyrax_image import exceptions as exc
from pyrax_image.cli.parser import add_action, add_area
from pyrax_image.image.filters import SORT_DIRS
from pyrax_image.metadefs.checks import CONTENT_SORT_KEYS, PROPERTY_TYPES

OBJECT_COLUMNS = (
    ("NAME", lambda info: info.get("name")),
    ("DESCRIPTION", lambda info: info.get("description")),
    ("PROPERTIES", lambda info: sorted(info.get("properties") or {})),
    ("REQUIRED", lambda info: info.get("required")),
)
PROPERTY_COLUMNS = (
    ("NAME", lambda info: info.get("name")),
    ("TITLE", lambda info: info.get("title")),
    ("TYPE", lambda info: info.get("type")),
    ("DEFAULT", lambda info: info.get("default")),
)
TAG_COLUMNS = (("NAME", lambda info: info.get("name")), ("CREATED", lambda info: info.get("created_at")))


def json_option(text: Optional[str], option: str) -> Any:
    """The JSON an option carries (InvalidArgument, exit 2, if it is not JSON)."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError as error:
        raise exc.InvalidArgument("%s is not JSON: %s" % (option, error)) from None


def given(**values: Any) -> Dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def deleted(ctx: Any, text: str, data: Dict[str, Any]) -> int:
    ctx.out.message(text, dict(data, deleted=True))
    return 0


# -- the parser -----------------------------------------------------------------------------
def add_deletes(actions: Any, common: Any, what: str, kind: str) -> None:
    """``delete NAMESPACE WHAT`` (one ``what``: object, property, tag) and
    ``delete-all NAMESPACE`` (every one of ``kind``)."""
    article = "an" if what[0] in "aeiou" else "a"
    one = add_action(
        actions,
        common,
        "delete",
        cmd_delete,
        "delete %s %s (admin)" % (article, what),
        "NAMESPACE",
        what.upper(),
    )
    one.set_defaults(what=what)
    every = add_action(
        actions,
        common,
        "delete-all",
        cmd_delete_all,
        "delete every %s of a namespace (admin)" % what,
        "NAMESPACE",
    )
    every.set_defaults(kind=kind)


# -- objects ------------------------------------------------------------------------------
def cmd_object_list(ctx: Any) -> int:
    ctx.out.table(ctx.client.list_metadef_objects(ctx.options.namespace), OBJECT_COLUMNS)
    return 0


def cmd_object_show(ctx: Any) -> int:
    ctx.out.record(ctx.client.get_metadef_object(ctx.options.namespace, ctx.options.object))
    return 0


def _object_fields(opts: Any) -> Dict[str, Any]:
    """The object's fields ``object create`` and ``object update`` were given."""
    return given(
        description=opts.description,
        properties=json_option(opts.properties, "--properties"),
        required=opts.required,
    )


def cmd_object_create(ctx: Any) -> int:
    opts = ctx.options
    ctx.out.record(ctx.client.create_metadef_object(opts.namespace, opts.object, **_object_fields(opts)))
    return 0


def cmd_object_update(ctx: Any) -> int:
    opts = ctx.options
    changes = dict(_object_fields(opts), **given(name=opts.name))
    if not changes:
        raise exc.InvalidArgument("nothing to change: give --name, --description, --properties or --required")
    ctx.out.record(ctx.client.update_metadef_object(opts.namespace, opts.object, **changes))
    return 0


# -- properties ---------------------------------------------------------------------------
def _definition(opts: Any) -> Dict[str, Any]:
    definition = json_option(opts.schema, "--schema") or {}
    if not isinstance(definition, dict):
        raise exc.InvalidArgument("--schema must be a JSON object (enum, default, minimum...)")
    return definition


def cmd_property_list(ctx: Any) -> int:
    ctx.out.table(ctx.client.list_metadef_properties(ctx.options.namespace), PROPERTY_COLUMNS)
    return 0


def cmd_property_show(ctx: Any) -> int:
    opts = ctx.options
    ctx.out.record(
        ctx.client.get_metadef_property(opts.namespace, opts.property, resource_type=opts.resource_type)
    )
    return 0


def cmd_property_create(ctx: Any) -> int:
    opts = ctx.options
    made = ctx.client.create_metadef_property(
        opts.namespace, opts.property, opts.title, opts.type, **_definition(opts)
    )
    ctx.out.record(made)
    return 0


def cmd_property_update(ctx: Any) -> int:
    opts = ctx.options
    changes = dict(_definition(opts), **given(name=opts.name, title=opts.title, type=opts.type))
    if not changes:
        raise exc.InvalidArgument("nothing to change: give --name, --title, --type or --schema")
    ctx.out.record(ctx.client.update_metadef_property(opts.namespace, opts.property, **changes))
    return 0


# -- tags -----------------------------------------------------------------------------------
def cmd_tag_list(ctx: Any) -> int:
    opts = ctx.options
    tags = ctx.client.list_metadef_tags(
        opts.namespace, limit=opts.limit, marker=opts.marker, sort_key=opts.sort_key, sort_dir=opts.sort_dir
    )
    ctx.out.table(tags, TAG_COLUMNS)
    return 0


def cmd_tag_show(ctx: Any) -> int:
    ctx.out.record(ctx.client.get_metadef_tag(ctx.options.namespace, ctx.options.tag))
    return 0


def cmd_tag_create(ctx: Any) -> int:
    opts = ctx.options
    tags: List[Any]
    if len(opts.tags) == 1 and not opts.replace:
        tags = [ctx.client.create_metadef_tag(opts.namespace, opts.tags[0])]
    else:
        tags = ctx.client.create_metadef_tags(opts.namespace, opts.tags, append=not opts.replace)
    ctx.out.table(tags, TAG_COLUMNS)
    return 0


def cmd_tag_rename(ctx: Any) -> int:
    opts = ctx.options
    ctx.out.record(ctx.client.update_metadef_tag(opts.namespace, opts.tag, opts.new_name))
    return 0


def cmd_delete(ctx: Any) -> int:
    """``metadef object|property|tag delete NAMESPACE NAME``."""
    opts = ctx.options
    name = getattr(opts, opts.what)
    getattr(ctx.client, "delete_metadef_%s" % opts.what)(opts.namespace, name)
    text = "Deleted %s %s of %s" % (opts.what, name, opts.namespace)
    return deleted(ctx, text, {"namespace": opts.namespace, "name": name})


def cmd_delete_all(ctx: Any) -> int:
    opts = ctx.options
    getattr(ctx.client, "delete_all_metadef_%s" % opts.kind)(opts.namespace)
    return deleted(
        ctx,
        "Deleted every %s of %s" % (opts.kind[:-1], opts.namespace),
        {"namespace": opts.namespace, "all": opts.kind},
    )


def register_objects(areas: Any, common: Any) -> None:
    actions = add_area(areas, common, "object", "a namespace's object definitions")
    add_action(actions, common, "list", cmd_object_list, "a namespace's objects", "NAMESPACE")
    add_action(actions, common, "show", cmd_object_show, "one object", "NAMESPACE", "OBJECT")
    for name, func, text in (
        ("create", cmd_object_create, "define an object (admin)"),
        ("update", cmd_object_update, "change an object; the rest is kept (admin)"),
    ):
        p = add_action(actions, common, name, func, text, "NAMESPACE", "OBJECT")
        if name == "update":
            p.add_argument("--name", help="rename it")
        p.add_argument("--description", help="what the object describes")
        p.add_argument(
            "--properties",
            metavar="JSON",
            help='property definitions by name, e.g. \'{"size": {"title": "Size", "type": "integer"}}\'',
        )
        p.add_argument(
            "--required", action="append", metavar="PROPERTY", help="a property that must be set (repeatable)"
        )
    add_deletes(actions, common, "object", "objects")


def register_properties(areas: Any, common: Any) -> None:
    actions = add_area(areas, common, "property", "a namespace's property definitions")
    add_action(actions, common, "list", cmd_property_list, "a namespace's properties", "NAMESPACE")
    p = add_action(actions, common, "show", cmd_property_show, "one property", "NAMESPACE", "PROPERTY")
    p.add_argument("--resource-type", metavar="TYPE", help="PROPERTY may carry TYPE's prefix")
    p = add_action(
        actions, common, "create", cmd_property_create, "define a property (admin)", "NAMESPACE", "PROPERTY"
    )
    p.add_argument("--title", required=True, help="the property's human-readable title")
    p.add_argument(
        "--type", required=True, choices=PROPERTY_TYPES, help="its JSON type: " + ", ".join(PROPERTY_TYPES)
    )
    p.add_argument(
        "--schema",
        metavar="JSON",
        help='the rest of the definition, e.g. \'{"enum": ["a", "b"], "default": "a"}\'',
    )
    p = add_action(
        actions,
        common,
        "update",
        cmd_property_update,
        "change a property; the rest is kept (admin)",
        "NAMESPACE",
        "PROPERTY",
    )
    p.add_argument("--name", help="rename it")
    p.add_argument("--title", help="a new human-readable title")
    p.add_argument("--type", choices=PROPERTY_TYPES, help="a new JSON type: " + ", ".join(PROPERTY_TYPES))
    p.add_argument("--schema", metavar="JSON", help="fields to change, e.g. '{\"maximum\": 10}'")
    add_deletes(actions, common, "property", "properties")


def register_tags(areas: Any, common: Any) -> None:
    actions = add_area(areas, common, "tag", "a namespace's tag definitions")
    p = add_action(actions, common, "list", cmd_tag_list, "a namespace's tags", "NAMESPACE")
    p.add_argument("--limit", type=int, help="at most this many tags (default: the server's)")
    p.add_argument("--marker", help="the tag after which the list starts")
    p.add_argument("--sort-key", choices=CONTENT_SORT_KEYS, help="sort by: " + ", ".join(CONTENT_SORT_KEYS))
    p.add_argument("--sort-dir", choices=SORT_DIRS, help="asc or desc")
    add_action(actions, common, "show", cmd_tag_show, "one tag", "NAMESPACE", "TAG")
    p = add_action(
        actions, common, "create", cmd_tag_create, "define tags, added to the others (admin)", "NAMESPACE"
    )
    p.add_argument("tags", nargs="+", metavar="TAG", help="a tag's name (one or more)")
    p.add_argument("--replace", action="store_true", help="the namespace's tags become exactly these")
    add_action(
        actions, common, "rename", cmd_tag_rename, "rename a tag (admin)", "NAMESPACE", "TAG", "NEW-NAME"
    )
    add_deletes(actions, common, "tag", "tags")
