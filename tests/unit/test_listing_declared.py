"""Filters and paging declared once, in a form tools read (issue 17 item 5).

pyrax's named filters are typed parameters in the source of the listing
methods; ``image/filters.py`` ``IMAGE_FILTERS`` declares them once (type,
check, command-line form) and these tests fail when a signature, the
declaration and the CLI disagree. mypy sees a filter of the wrong type and
jedi completes the filter names; ``limit``/``marker``/``page_size`` are
checked the same way on every route; a page fetches the next one.
"""

from __future__ import annotations

import inspect
import pickle
from pathlib import Path

import pytest

from pyrax_image import ImageClient
from pyrax_image import exceptions as exc
from pyrax_image.cli.parser import build_parser
from pyrax_image.image.filters import FILTER_NAMES, IMAGE_FILTERS
from pyrax_image.image.manager import ImageManager
from pyrax_image.image.tasks import TASK_FILTERS, ImageTasksManager
from pyrax_image.resource import ResourceList
from tests.unit.helpers import IMAGES, assert_no_request, image_info

ROOT = Path(__file__).resolve().parents[2]
LISTINGS = [
    (ImageClient.list, ["limit", "marker"]),
    (ImageClient.list_all, []),
    (ImageClient.iter_all, ["page_size", "max_pages", "limit", "marker"]),
    (ImageManager.list, ["limit", "marker"]),
]


@pytest.mark.parametrize("method, paging", LISTINGS, ids=lambda item: getattr(item, "__qualname__", ""))
def test_each_listing_declares_the_filters_as_typed_parameters(method, paging):
    parameters = list(inspect.signature(method).parameters.values())[1:]
    named = [p for p in parameters if p.kind is not inspect.Parameter.VAR_KEYWORD]
    assert [p.name for p in named if p.name != "return_raw"] == paging + list(FILTER_NAMES)
    by_name = {p.name: p for p in parameters}
    for spec in IMAGE_FILTERS:
        assert (by_name[spec.name].annotation, by_name[spec.name].default) == (spec.annotation, None), (
            spec.name
        )
    assert parameters[-1].kind is inspect.Parameter.VAR_KEYWORD  # custom-property filters stay open


@pytest.mark.parametrize(
    "method", [ImageClient.list_tasks, ImageTasksManager.list], ids=lambda m: m.__qualname__
)
def test_each_task_listing_declares_the_task_filters_as_typed_parameters(method):
    parameters = list(inspect.signature(method).parameters.values())[1:]
    assert [p.name for p in parameters] == [spec.name for spec in TASK_FILTERS] + ["page_size"]
    for parameter, spec in zip(parameters, TASK_FILTERS):
        assert (parameter.annotation, parameter.default) == (spec.annotation, None), spec.name


def command_options(*path):
    parser = build_parser()
    for name in path:
        parser = parser._subparsers._group_actions[0].choices[name]
    return {action.dest: action for action in parser._actions}


@pytest.mark.parametrize("path, filters", [(["list"], IMAGE_FILTERS), (["task", "list"], TASK_FILTERS)])
def test_the_command_line_offers_every_declared_filter(path, filters):
    options = command_options(*path)
    for spec in filters:
        action = options[spec.name]
        assert tuple(action.choices or ()) == spec.choices, spec.name
        assert (action.type is int) == (spec.annotation == "Optional[int]"), spec.name


def test_mypy_reports_a_filter_of_the_wrong_type(tmp_path, monkeypatch):
    from mypy import api

    snippet = tmp_path / "snippet.py"
    snippet.write_text(
        "from pyrax_image import ImageClient\n"
        "\n"
        "\n"
        "def listing(images: ImageClient) -> None:\n"
        '    images.list(size_min="big")\n'
        '    images.list(5, None, "name", size_min=10, tag=["a", "b"], os_distro="ubuntu")\n'
        '    images.list_all(visibility="private").sort(key=lambda image: image.id)\n'
        "    images.list(limit=2).next_page()\n"
    )
    monkeypatch.setenv("MYPYPATH", str(ROOT))
    out, err, status = api.run(
        [str(snippet), "--strict", "--cache-dir", str(tmp_path / "cache"), "--follow-imports=silent"]
    )
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert len(errors) == 1, out + err
    assert (
        'snippet.py:5: error: Argument "size_min" to "list" of "ImageListing" has incompatible type "str"'
        in errors[0]
    )


def test_jedi_completes_the_filters_of_list():
    import jedi

    source = "from pyrax_image import ImageClient\n\ndef listing(images: ImageClient):\n    images.list(vis"
    script = jedi.Script(source, path=str(ROOT / "snippet.py"), project=jedi.Project(str(ROOT)))
    names = [completion.name for completion in script.complete(4, len("    images.list(vis"))]
    assert "visibility=" in names


@pytest.mark.parametrize(
    "call",
    [
        lambda images: images.list(limit=-5),
        lambda images: images.iter_all(limit=-5),
        lambda images: images.iter_all(page_size=-5),
        lambda images: images.list_all(limit=-5),
        lambda images: images.list(limit="ten"),
        lambda images: images.iter_all(limit="ten"),
        lambda images: images.iter_all(marker=5.5),
        lambda images: images.list(marker=5.5),
        lambda images: images.iter_all(page_size=5, limit=5),
    ],
)
def test_paging_is_checked_the_same_way_on_every_route(client, rsps, call):
    with pytest.raises(exc.InvalidArgument):
        call(client)
    assert_no_request(rsps)


def test_a_page_fetches_the_next_with_the_same_filters(client, rsps):
    rsps.get(
        IMAGES + "?limit=2&visibility=private",
        json={
            "images": [image_info("a"), image_info("b")],
            "next": "/v2/images?limit=2&visibility=private&marker=b",
        },
    )
    rsps.get(IMAGES + "?limit=2&visibility=private&marker=b", json={"images": [image_info("c")]})
    first = client.list(limit=2, visibility="private")
    second = first.next_page()
    assert [image.id for image in second] == ["c"] and not second.has_more
    assert second.next_page() == [] and len(rsps.calls) == 2


def test_a_pickled_page_keeps_its_items_and_link_not_the_fetcher():
    page = ResourceList(["a"], "/v2/images?limit=1&marker=a", fetch=lambda link: ResourceList(["b"]))
    assert page.next_page() == ["b"]
    copy = pickle.loads(pickle.dumps(page))
    assert copy == ["a"] and copy.next_marker == "a"
    with pytest.raises(exc.InvalidArgument):
        copy.next_page()
