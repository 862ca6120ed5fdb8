"""What commands print, in the format the caller asked for.

Every command prints through its ``ctx.out`` (an :class:`Output`), never with
``print``: ``table(items, columns)`` for a list of resources, ``record(item)``
for one resource, ``message(text, data)`` for an action's outcome and
``document(value)`` for a JSON document. The options shared by every command
(``-f/--format``, ``-c/--column``, ``--quiet``, ``--json``; see
``parser.add_output_options``) choose how:

- ``table`` (default): aligned columns, or ``key  value`` lines for one resource;
- ``json`` / ``yaml``: the API's bodies (only the chosen columns with ``-c``);
- ``value``: the cells alone, space-separated, one row per line (scripts:
  ``pyrax-image list -f value -c id``);
- ``csv``: a header row, then one row per resource;
- ``--quiet``: only the ids, one per line.

A column is ``(HEADER, source)`` or ``(HEADER, source, show)``: ``source`` is
the body's key (or a function of the body), ``show`` how a table cell shows
the value (``human_size`` for sizes; the other formats keep the raw value). ``-c`` names a
column by header or key, case-insensitively, or any key of the bodies.
"""

from __future__ import annotations

import csv
import json
import sys
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    List,
    NamedTuple,
    Optional,
    Sequence,
    TextIO,
    Tuple,
    Union,
)

from pyrax_image import exceptions as exc
from pyrax_image.display import human_size

FORMATS = ("table", "json", "yaml", "value", "csv")
HIDDEN_KEYS = ("schema", "file", "self")  # API links; a resource class may hide more (_non_display)
ID_KEYS = ("id", "member_id")  # what --quiet prints, the first a body has


def cell(value: Any) -> str:
    """A value as one cell: strings as they are, lists of strings joined, else JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    return json.dumps(value, sort_keys=True)


class Column(NamedTuple):
    """One column: its header, where its value comes from, how a cell shows it."""

    header: str
    source: Union[str, Callable[[Dict[str, Any]], Any]]
    show: Callable[[Any], str] = cell

    def value(self, body: Dict[str, Any]) -> Any:
        return self.source(body) if callable(self.source) else body.get(self.source)

    def names(self) -> Tuple[str, ...]:
        """What ``-c`` may call it, lower-cased."""
        return (self.header.lower(),) + (() if callable(self.source) else (self.source.lower(),))


IMAGE_COLUMNS: Sequence[Column] = (
    Column("ID", "id"),
    Column("NAME", "name"),
    Column("STATUS", "status"),
    Column("SIZE", "size", human_size),
    Column("VISIBILITY", "visibility"),
)
MEMBER_COLUMNS: Sequence[Column] = (
    Column("MEMBER", "member_id"),
    Column("STATUS", "status"),
    Column("CREATED", "created_at"),
    Column("UPDATED", "updated_at"),
)
TASK_COLUMNS: Sequence[Column] = (
    Column("ID", "id"),
    Column("TYPE", "type"),
    Column("STATUS", "status"),
    Column("CREATED", "created_at"),
)


def body_of(item: Any) -> Dict[str, Any]:
    """A resource's API body (a dict is its own)."""
    return item.to_dict() if hasattr(item, "to_dict") else dict(item)


def ids_in(bodies: Iterable[Dict[str, Any]]) -> List[str]:
    """What ``--quiet`` prints: each body's id (``id``, else ``member_id``)."""
    found = (next((body[key] for key in ID_KEYS if body.get(key) is not None), None) for body in bodies)
    return [cell(value) for value in found if value is not None]


def choose(
    columns: Sequence[Column], wanted: Sequence[str], bodies: Sequence[Dict[str, Any]]
) -> List[Column]:
    """The columns ``-c`` names, in its order: a known column by header or key,
    else any key of the bodies (InvalidArgument for a name none has)."""
    keys = {key.lower(): key for body in bodies for key in body}
    chosen = []
    for name in wanted:
        known = [column for column in columns if name.lower() in column.names()]
        if known:
            chosen.append(known[0])
        elif name.lower() in keys or not bodies:
            chosen.append(Column(name, keys.get(name.lower(), name)))
        else:
            known_names = {n for column in columns for n in column.names()}
            offered = [column.header for column in columns] + sorted(set(keys.values()) - known_names)
            raise exc.InvalidArgument("no column %r: choose from %s" % (name, ", ".join(offered)))
    return chosen


class Output:
    """Writes results on stdout in one of :data:`FORMATS`, optionally only
    the ``columns`` named (``-c``) or only the ids (``quiet``)."""

    def __init__(
        self,
        format: str = "table",
        columns: Sequence[str] = (),
        quiet: bool = False,
        stdout: Optional[TextIO] = None,
    ):
        if format not in FORMATS:
            raise exc.InvalidArgument("format %r: choose from %s" % (format, ", ".join(FORMATS)))
        self.format = format
        self.columns = list(columns)
        self.quiet = quiet
        self.stdout = stdout or sys.stdout

    @property
    def json_mode(self) -> bool:
        """True for the machine formats (json, yaml): a command printing a
        different shape for programs asks this."""
        return self.format in ("json", "yaml")

    @classmethod
    def from_options(cls, options: Any) -> "Output":
        """The output the parsed ``-f``/``--json``/``-c``/``--quiet`` ask for."""
        format = "json" if getattr(options, "json", False) else getattr(options, "format", None)
        return cls(
            format or "table", getattr(options, "column", None) or (), getattr(options, "quiet", False)
        )

    def table(self, items: Iterable[Any], columns: Sequence[Column]) -> None:
        """A list of resources, ``columns`` being what a table shows by default."""
        bodies = [body_of(item) for item in items]
        if self.quiet:
            return self._lines(ids_in(bodies))
        columns = [Column(*column) for column in columns]  # plain (HEADER, source) tuples too
        chosen = choose(columns, self.columns, bodies) if self.columns else None
        if self.format in ("json", "yaml"):
            picked = [self._pick(body, chosen) for body in bodies] if chosen else bodies
            return self._structured(picked)
        shown = chosen or columns
        rows = [[self._cell(column, body) for column in shown] for body in bodies]
        self._rows([column.header for column in shown], rows)

    def record(self, item: Any) -> None:
        """One resource: ``key  value`` lines in a table, its values one a line
        with ``-f value``, a header row and a row with ``-f csv``."""
        body = body_of(item)
        if self.quiet:
            return self._lines(ids_in([body]))
        hidden = set(HIDDEN_KEYS) | set(getattr(item, "_non_display", ()))
        shown = {key: value for key, value in body.items() if key not in hidden}
        chosen = choose((), self.columns, [shown]) if self.columns else None
        keys = [str(column.source) for column in chosen] if chosen else sorted(shown)
        if self.format in ("json", "yaml"):
            return self._structured({key: body.get(key) for key in keys} if chosen else body)
        if self.format == "table":
            width = max((len(key) for key in keys), default=0)
            return self._lines("%s  %s" % (key.ljust(width), cell(body.get(key))) for key in keys)
        if self.format == "value":
            return self._lines(cell(body.get(key)) for key in keys)
        self._rows(keys, [[cell(body.get(key)) for key in keys]])

    def message(self, text: str, data: Dict[str, Any]) -> None:
        """An action's outcome: ``text`` for people, ``data`` for programs
        (JSON/YAML), the id alone with ``--quiet``."""
        if self.quiet:
            return self._lines(ids_in([data]))
        if self.format in ("json", "yaml"):
            return self._structured(data)
        self._lines([text])

    def document(self, value: Any) -> None:
        """A document (a schema): YAML with ``-f yaml``, else pretty JSON."""
        if self.format == "yaml":
            return self._structured(value)
        self._lines([json.dumps(value, indent=2, sort_keys=True)])

    def _cell(self, column: Column, body: Dict[str, Any]) -> str:
        value = column.value(body)
        return column.show(value) if self.format == "table" else cell(value)

    def _pick(self, body: Dict[str, Any], chosen: Sequence[Column]) -> Dict[str, Any]:
        return {
            column.source if isinstance(column.source, str) else column.header: column.value(body)
            for column in chosen
        }

    def _structured(self, value: Any) -> None:
        if self.format == "yaml":
            try:
                import yaml
            except ImportError:
                raise exc.InvalidArgument('-f yaml needs PyYAML: pip install "pyrax_image[yaml]"') from None
            self.stdout.write(yaml.safe_dump(value, default_flow_style=False, sort_keys=True))
        else:
            self.stdout.write(json.dumps(value, indent=2, sort_keys=True) + "\n")

    def _rows(self, headers: List[str], rows: List[List[str]]) -> None:
        if self.format == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(headers)
            writer.writerows(rows)
        elif self.format == "value":
            self._lines(" ".join(row) for row in rows)
        else:
            widths = [max(len(row[i]) for row in [headers] + rows) for i in range(len(headers))]
            self._lines(
                "  ".join(text.ljust(width) for text, width in zip(row, widths)).rstrip()
                for row in [headers] + rows
            )

    def _lines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.stdout.write(line + "\n")
