"""``pyrax-image metadef ...`` over a mocked Glance: each command's request,
its output, and the exit statuses (1 for the cloud's refusal, 2 for usage)."""

from __future__ import annotations

import json

import pytest

from pyrax_image.cli import credentials, main
from tests.unit.helpers import V2, sent_json

NS = "OS::Test"
NS_URL = V2 + "/metadefs/namespaces/OS%3A%3ATest"
NS_INFO = {"namespace": NS, "display_name": "T", "visibility": "public", "protected": False}
TAG = {"name": "fast"}


@pytest.fixture
def cli(client, monkeypatch):
    monkeypatch.setattr(credentials, "connect", lambda options: client)
    return lambda *argv: main(list(argv))


# (argv, [(method, url, reply, status)], the JSON body of the last request or None)
ROWS = [
    (
        ["namespace", "list", "--all", "--resource-type", "OS::Glance::Image"],
        [
            (
                "GET",
                V2 + "/metadefs/namespaces?resource_types=OS%3A%3AGlance%3A%3AImage",
                {"namespaces": [NS_INFO]},
                200,
            )
        ],
        None,
    ),
    (
        ["namespace", "show", NS, "--resource-type", "OS::Glance::Image"],
        [("GET", NS_URL + "?resource_type=OS%3A%3AGlance%3A%3AImage", NS_INFO, 200)],
        None,
    ),
    (
        ["namespace", "create", NS, "--display-name", "T", "--protected"],
        [("POST", V2 + "/metadefs/namespaces", NS_INFO, 201)],
        {"namespace": NS, "display_name": "T", "protected": True},
    ),
    (
        ["namespace", "update", NS, "--description", "new"],
        [("GET", NS_URL, NS_INFO, 200), ("PUT", NS_URL, NS_INFO, 200)],
        dict(NS_INFO, description="new"),
    ),
    (["namespace", "delete", NS], [("DELETE", NS_URL, None, 204)], None),
    (
        ["resource-type", "list"],
        [("GET", V2 + "/metadefs/resource_types", {"resource_types": [{"name": "OS::Nova::Flavor"}]}, 200)],
        None,
    ),
    (
        ["resource-type", "associations", NS],
        [("GET", NS_URL + "/resource_types", {"resource_type_associations": []}, 200)],
        None,
    ),
    (
        ["resource-type", "associate", NS, "OS::Glance::Image", "--prefix", "hw_"],
        [("POST", NS_URL + "/resource_types", {"name": "OS::Glance::Image"}, 201)],
        {"name": "OS::Glance::Image", "prefix": "hw_"},
    ),
    (
        ["resource-type", "dissociate", NS, "OS::Glance::Image"],
        [("DELETE", NS_URL + "/resource_types/OS%3A%3AGlance%3A%3AImage", None, 204)],
        None,
    ),
    (["object", "list", NS], [("GET", NS_URL + "/objects", {"objects": [{"name": "o"}]}, 200)], None),
    (["object", "show", NS, "o"], [("GET", NS_URL + "/objects/o", {"name": "o"}, 200)], None),
    (
        [
            "object",
            "create",
            NS,
            "o",
            "--properties",
            '{"s": {"title": "S", "type": "string"}}',
            "--required",
            "s",
        ],
        [("POST", NS_URL + "/objects", {"name": "o"}, 201)],
        {"name": "o", "properties": {"s": {"title": "S", "type": "string"}}, "required": ["s"]},
    ),
    (
        ["object", "update", NS, "o", "--name", "p"],
        [
            ("GET", NS_URL + "/objects/o", {"name": "o", "description": "d"}, 200),
            ("PUT", NS_URL + "/objects/o", {"name": "p"}, 200),
        ],
        {"name": "p", "description": "d"},
    ),
    (["object", "delete", NS, "o"], [("DELETE", NS_URL + "/objects/o", None, 204)], None),
    (["object", "delete-all", NS], [("DELETE", NS_URL + "/objects", None, 204)], None),
    (
        ["property", "list", NS],
        [("GET", NS_URL + "/properties", {"properties": {"p": {"title": "P", "type": "string"}}}, 200)],
        None,
    ),
    (
        ["property", "show", NS, "hw_p", "--resource-type", "OS::Glance::Image"],
        [("GET", NS_URL + "/properties/hw_p?resource_type=OS%3A%3AGlance%3A%3AImage", {"name": "p"}, 200)],
        None,
    ),
    (
        ["property", "create", NS, "p", "--title", "P", "--type", "string", "--schema", '{"enum": ["a"]}'],
        [("POST", NS_URL + "/properties", {"name": "p"}, 201)],
        {"name": "p", "title": "P", "type": "string", "enum": ["a"]},
    ),
    (
        ["property", "update", NS, "p", "--schema", '{"maximum": 3}'],
        [
            ("GET", NS_URL + "/properties/p", {"name": "p", "title": "P", "type": "integer"}, 200),
            ("PUT", NS_URL + "/properties/p", {"name": "p"}, 200),
        ],
        {"name": "p", "title": "P", "type": "integer", "maximum": 3},
    ),
    (["property", "delete", NS, "p"], [("DELETE", NS_URL + "/properties/p", None, 204)], None),
    (["property", "delete-all", NS], [("DELETE", NS_URL + "/properties", None, 204)], None),
    (
        ["tag", "list", NS, "--limit", "2", "--sort-key", "name"],
        [("GET", NS_URL + "/tags?sort_key=name&limit=2", {"tags": [TAG]}, 200)],
        None,
    ),
    (["tag", "show", NS, "fast"], [("GET", NS_URL + "/tags/fast", TAG, 200)], None),
    (["tag", "create", NS, "fast"], [("POST", NS_URL + "/tags/fast", TAG, 201)], None),
    (
        ["tag", "create", NS, "a", "b"],
        [("POST", NS_URL + "/tags", {"tags": [{"name": "a"}, {"name": "b"}]}, 201)],
        {"tags": [{"name": "a"}, {"name": "b"}]},
    ),
    (
        ["tag", "rename", NS, "fast", "quick"],
        [("PUT", NS_URL + "/tags/fast", {"name": "quick"}, 200)],
        {"name": "quick"},
    ),
    (["tag", "delete", NS, "fast"], [("DELETE", NS_URL + "/tags/fast", None, 204)], None),
    (["tag", "delete-all", NS], [("DELETE", NS_URL + "/tags", None, 204)], None),
    (["schema", "objects"], [("GET", V2 + "/schemas/metadefs/objects", {"name": "objects"}, 200)], None),
]


@pytest.mark.parametrize(
    "argv, exchanges, body", ROWS, ids=[" ".join(row[0][:2]) + "-%d" % i for i, row in enumerate(ROWS)]
)
def test_each_command_sends_its_request(cli, rsps, capsys, argv, exchanges, body):
    for method, url, reply, status in exchanges:
        rsps.add(method, url, json=reply, status=status)
    assert cli("--json", "metadef", *argv) == 0
    assert [(c.request.method, c.request.url) for c in rsps.calls] == [(m, u) for m, u, _, _ in exchanges]
    if body is not None:
        assert sent_json(rsps) == body
    json.loads(capsys.readouterr().out)  # --json prints JSON whatever the command


def test_tag_create_adds_unless_told_to_replace(cli, rsps):
    rsps.post(NS_URL + "/tags", json={"tags": [TAG]}, status=201)
    rsps.post(NS_URL + "/tags", json={"tags": [TAG]}, status=201)
    assert cli("metadef", "tag", "create", NS, "a", "b") == 0
    assert cli("metadef", "tag", "create", NS, "fast", "--replace") == 0
    assert [c.request.headers["X-Openstack-Append"] for c in rsps.calls] == ["true", "false"]


def test_export_prints_the_document_or_writes_the_file(cli, rsps, capsys, tmp_path):
    rsps.get(NS_URL, json=dict(NS_INFO, owner="x", tags=[TAG]))
    rsps.get(NS_URL, json=dict(NS_INFO, owner="x", tags=[TAG]))
    assert cli("metadef", "namespace", "export", NS) == 0
    assert json.loads(capsys.readouterr().out) == dict(NS_INFO, tags=[TAG])
    assert cli("metadef", "namespace", "export", NS, "--file", str(tmp_path / "ns.json")) == 0
    assert json.loads((tmp_path / "ns.json").read_text()) == dict(NS_INFO, tags=[TAG])
    assert "Exported namespace OS::Test" in capsys.readouterr().out


def test_import_reads_a_file(cli, rsps, tmp_path):
    (tmp_path / "ns.json").write_text(json.dumps(NS_INFO))
    rsps.get(NS_URL, status=404, json={})
    rsps.post(V2 + "/metadefs/namespaces", json=NS_INFO, status=201)
    assert cli("metadef", "namespace", "import", str(tmp_path / "ns.json")) == 0
    assert sent_json(rsps) == NS_INFO


def test_a_refusal_is_one_error_line_and_exit_1(cli, rsps, capsys):
    rsps.post(V2 + "/metadefs/namespaces", status=403, json={"message": "not allowed"})
    assert cli("metadef", "namespace", "create", NS) == 1
    assert capsys.readouterr().err.startswith("error: not allowed (HTTP 403")


@pytest.mark.parametrize(
    "argv",
    [
        ["object", "create", NS, "o", "--properties", "{not json"],
        ["property", "create", NS, "p", "--title", "P", "--type", "string", "--schema", "[1]"],
        ["namespace", "update", NS],
        ["object", "update", NS, "o"],
        ["namespace", "create", "a/b"],
        ["namespace", "list", "--visibility", "shared"],
        ["schema", "nonsense"],
        ["namespace", "import", "/no/such/file.json"],
    ],
)
def test_usage_errors_exit_2_before_any_request(cli, rsps, capsys, argv):
    assert cli("metadef", *argv) == 2
    assert capsys.readouterr().err.startswith("error: ")
    assert len(rsps.calls) == 0
