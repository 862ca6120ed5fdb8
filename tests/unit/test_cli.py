"""The command line's wiring over a mocked Glance: output, errors, exit codes.

The client comes from the unit fixtures (strict ``responses``); the real
credential paths run against the local cloud in tests/integration/test_cli*.py.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from types import SimpleNamespace

import pytest

from pyrax_image import exceptions as exc
from pyrax_image.cli import credentials, error_line, main, progress
from pyrax_image.cli.lookup import find_image, parse_pairs
from tests.unit.helpers import IMAGE_ID, V2, active_info, image_info, sent_json

OTHER_ID = "99999999-8888-7777-6666-555555555555"


@pytest.fixture
def cli(client, monkeypatch):
    """Run ``pyrax-image ARGS`` on the mocked client: (status, stdout, stderr)."""
    monkeypatch.setattr(credentials, "connect", lambda options: client)

    def run(*argv):
        return main(list(argv))

    return run


def test_list_prints_a_table(cli, rsps, capsys):
    rsps.get(V2 + "/images", json={"images": [image_info(name="ubuntu", status="active", size=2254857830)]})
    assert cli("list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["ID", "NAME", "STATUS", "SIZE", "VISIBILITY"]
    assert lines[1].split() == [IMAGE_ID, "ubuntu", "active", "2.1", "GiB", "shared"]


def test_list_passes_filters_and_says_when_more_pages_exist(cli, rsps, capsys):
    body = {"images": [image_info()], "next": "/v2/images?marker=%s&limit=1" % IMAGE_ID}
    rsps.get(V2 + "/images", json=body)
    assert cli("--json", "list", "--status", "active", "--tag", "a", "--tag", "b", "--limit", "1") == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == [image_info()]
    assert "--all" in captured.err
    params = rsps.calls[0].request.url.split("?", 1)[1]
    assert "status=active" in params and "tag=a" in params and "tag=b" in params and "limit=1" in params


def test_show_by_unique_name_and_json_after_the_command(cli, rsps, capsys):
    rsps.get(V2 + "/images", json={"images": [image_info(name="web")]})
    assert cli("show", "web", "--json") == 0
    assert json.loads(capsys.readouterr().out)["id"] == IMAGE_ID
    assert "member_status=all" in rsps.calls[0].request.url


def test_an_api_error_is_one_line_with_status_and_request_id(cli, rsps, capsys):
    rsps.get(
        V2 + "/images/" + IMAGE_ID,
        status=404,
        json={"message": "No image found with ID %s" % IMAGE_ID, "code": "404 Not Found"},
        headers={"x-openstack-request-id": "req-abc"},
    )
    rsps.get(V2 + "/images", json={"images": []})
    assert cli("show", IMAGE_ID) == 1
    err = capsys.readouterr().err
    assert err == "error: No image found with ID %s (HTTP 404, request req-abc)\n" % IMAGE_ID


def test_ambiguous_name_is_an_error(cli, rsps, capsys):
    rsps.get(V2 + "/images", json={"images": [image_info(name="x"), image_info(OTHER_ID, name="x")]})
    assert cli("show", "x") == 1
    err = capsys.readouterr().err
    assert err.startswith("error: 2 images are named 'x'") and OTHER_ID in err and "Traceback" not in err


def test_delete_reports_each_and_fails_if_one_failed(cli, rsps, capsys):
    rsps.get(V2 + "/images/" + IMAGE_ID, json=image_info(name="a"))
    rsps.delete(V2 + "/images/" + IMAGE_ID, status=204)
    rsps.get(V2 + "/images", json={"images": []})
    assert cli("delete", IMAGE_ID, "missing") == 1
    captured = capsys.readouterr()
    assert captured.out == "Deleted %s (a)\n" % IMAGE_ID
    assert captured.err == "error: no image with id or name 'missing'\n"


def test_update_sends_typed_values_and_removals(cli, rsps, capsys):
    rsps.get(V2 + "/images/" + IMAGE_ID, json=image_info(os_distro="x"))
    rsps.get(V2 + "/images/" + IMAGE_ID, json=image_info(os_distro="x"))
    rsps.patch(V2 + "/images/" + IMAGE_ID, json=image_info(name="new", min_ram=512, protected=True))
    # the library may or may not re-read the image before patching: allow both
    rsps.assert_all_requests_are_fired = False
    status = cli(
        "update",
        IMAGE_ID,
        "--name",
        "new",
        "--set",
        "min_ram=512",
        "--set",
        "protected=yes",
        "--unset",
        "os_distro",
    )
    assert status == 0
    patch = next(call for call in rsps.calls if call.request.method == "PATCH")
    ops = {op["path"]: op for op in json.loads(patch.request.body)}
    assert ops["/min_ram"]["value"] == 512 and ops["/protected"]["value"] is True
    assert ops["/name"]["value"] == "new" and ops["/os_distro"]["op"] == "remove"
    assert "name" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, text",
    [
        (["update", IMAGE_ID], "nothing to update"),
        (["update", IMAGE_ID, "--set", "novalue"], "--set wants KEY=VALUE"),
        (["update", IMAGE_ID, "--set", "min_disk=big"], "min_disk must be an integer"),
        (["create", "x", "--file", "/nonexistent/file"], "cannot read '/nonexistent/file'"),
        (["member", "accept"], "the following arguments are required: IMAGE"),
        (["list", "--sort-dir", "sideways"], "invalid choice: 'sideways'"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_usage_errors_exit_2_without_a_request(cli, rsps, capsys, argv, text):
    assert cli(*argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and text in err and err.count("\n") == 1
    assert len(rsps.calls) == 0


def test_no_command_prints_help_and_exits_2(cli, capsys):
    assert cli() == 2
    assert "exit status:" in capsys.readouterr().err


def test_help_and_version_exit_0(cli, capsys):
    assert cli("--help") == 0
    out = capsys.readouterr().out
    assert "130" in out and "clouds.yaml" in out
    assert cli("member", "add", "--help") == 0
    assert "PROJECT" in capsys.readouterr().out
    assert cli("--version") == 0
    assert capsys.readouterr().out.startswith("pyrax-image ")


def test_member_accept_uses_the_status(cli, rsps, capsys):
    rsps.get(V2 + "/images/" + IMAGE_ID, json=image_info())
    rsps.put(
        V2 + "/images/%s/members/proj" % IMAGE_ID,
        json={"member_id": "proj", "image_id": IMAGE_ID, "status": "accepted"},
    )
    assert cli("--json", "member", "accept", IMAGE_ID) == 0
    assert sent_json(rsps) == {"status": "accepted"}
    assert json.loads(capsys.readouterr().out)["status"] == "accepted"


def test_schema_prints_json(cli, rsps, capsys):
    rsps.get(V2 + "/schemas/member", json={"name": "member"})
    assert cli("schema", "member") == 0
    assert json.loads(capsys.readouterr().out) == {"name": "member"}


def test_interrupt_exits_130(cli, client, monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(client, "list", interrupted)
    assert cli("list") == 130
    assert capsys.readouterr().err == "error: interrupted\n"


def test_error_line_forms():
    error = exc.NotFound(404, "gone\n  really", request_id="req-1", method="GET", url="http://x/v2/images/1")
    assert error_line(error) == "error: gone really (HTTP 404, request req-1)"
    assert error_line(exc.Conflict(409, "busy", url="http://x")) == "error: busy (HTTP 409)"
    assert error_line(exc.NotFound(message="no image")) == "error: no image"
    assert error_line(exc.WaitTimeout("still saving")) == "error: still saving"


def test_credential_sources_in_the_documented_order(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    opts = SimpleNamespace(os_cloud=None, credential_file=None)
    env = {"OS_CLOUD": "c", "OS_AUTH_URL": "http://k"}
    assert credentials.choose_source(SimpleNamespace(os_cloud="x", credential_file="f"), env) == (
        "cloud",
        "x",
    )
    assert credentials.choose_source(SimpleNamespace(os_cloud=None, credential_file="f"), env) == (
        "file",
        "f",
    )
    assert credentials.choose_source(opts, env) == ("cloud", "c")
    assert credentials.choose_source(opts, {"OS_AUTH_URL": "http://k"}) == ("env", None)
    with pytest.raises(credentials.NoCredentials):
        credentials.choose_source(opts, {})
    (tmp_path / ".rackspace_cloud_credentials").write_text("[rackspace_cloud]\n")
    assert credentials.choose_source(opts, {}) == ("file", str(tmp_path / ".rackspace_cloud_credentials"))


def test_parse_pairs_types_only_core_attributes():
    assert parse_pairs(["os_version=20.04", "min_disk=3", "os_hidden=false", "a=b=c"], "--set") == {
        "os_version": "20.04",
        "min_disk": 3,
        "os_hidden": False,
        "a": "b=c",
    }
    with pytest.raises(exc.InvalidArgument):
        parse_pairs(["protected=maybe"], "--set")


def test_find_image_by_id_does_one_request(client, rsps):
    rsps.get(V2 + "/images/" + IMAGE_ID, json=image_info())
    assert find_image(client, IMAGE_ID).id == IMAGE_ID and len(rsps.calls) == 1


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def test_progress_only_on_a_terminal_and_not_with_no_progress():
    with progress.transfer("upload", SimpleNamespace(no_progress=False), io.StringIO()) as bar:
        assert bar is None
    with progress.transfer("upload", SimpleNamespace(no_progress=True), FakeTTY()) as bar:
        assert bar is None
    stream = FakeTTY()
    with progress.transfer("upload", SimpleNamespace(no_progress=False), stream) as bar:
        bar(512, 1024)
        bar(1024, 1024)
    assert "100%" in stream.getvalue()


def test_plain_bar_line_is_throttled_and_ends_with_a_newline():
    now = [0.0]
    stream = FakeTTY()
    bar = progress.PlainBar("download", stream, interval=0.5, clock=lambda: now[0])
    now[0] = 1.0
    bar(1024 * 1024, 4 * 1024 * 1024)
    now[0] = 1.2
    bar(2 * 1024 * 1024, 4 * 1024 * 1024)  # too soon: not shown
    now[0] = 2.0
    bar(4 * 1024 * 1024, 4 * 1024 * 1024)
    bar.close()
    text = stream.getvalue()
    assert text.count("\r") == 3 and text.endswith("\n")
    assert "\rdownload  25% 1.0 MiB/4.0 MiB 1.0 MiB/s ETA 0:00:03" in text
    assert " 50%" not in text and "100% 4.0 MiB/4.0 MiB 2.0 MiB/s" in text


def test_format_line_without_a_total():
    assert progress.format_line("upload", 3 * 1024, None, 1.0) == "upload 3.0 KiB 3.0 KiB/s"


def test_ctrl_c_during_a_download_exits_130_and_leaves_no_file(cli, rsps, monkeypatch, tmp_path, capsys):
    data = b"x" * (3 * 65536)
    info = active_info(data)
    rsps.get(V2 + "/images/" + IMAGE_ID, json=info)  # the lookup; the download uses the active record
    rsps.get(V2 + "/images/%s/file" % IMAGE_ID, body=data, headers={"Content-Length": str(len(data))})

    @contextlib.contextmanager
    def interrupting(label, options, stream=None):
        def bar(done, total):
            raise KeyboardInterrupt  # Ctrl-C while the data streams

        yield bar

    monkeypatch.setattr(progress, "transfer", interrupting)
    assert cli("download", IMAGE_ID, "--file", str(tmp_path / "copy.img")) == 130
    assert capsys.readouterr().err == "error: interrupted\n"
    assert list(tmp_path.iterdir()) == []


def test_download_refuses_a_terminal_on_stdout(cli, rsps, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    assert cli("download", IMAGE_ID) == 2
    assert "stdout is a terminal" in capsys.readouterr().err and len(rsps.calls) == 0


def test_tqdm_bar_gets_a_width_on_a_terminal_that_reports_none(monkeypatch):
    import tqdm

    stream = FakeTTY()
    monkeypatch.setattr(progress, "terminal_width", lambda stream: 0)
    bar = progress.TqdmBar(tqdm, "upload", stream)
    bar(1024 * 1024, 1024 * 1024)
    bar.close()
    assert "upload: 100%|" in stream.getvalue() and "1.00M/1.00M" in stream.getvalue()


def test_import_method_auto_follows_the_cloud(client, rsps):
    from pyrax_image.cli.tasks import import_method

    rsps.get(V2 + "/info/import", json={"import-methods": {"value": ["glance-direct", "web-download"]}})
    assert import_method(client, "auto") == "web-download"
    rsps.get(V2 + "/info/import", json={"import-methods": {"value": ["glance-direct"]}})
    assert import_method(client, "auto") == "task"
    rsps.get(V2 + "/info/import", status=404, json={"message": "no such thing"})
    assert import_method(client, "auto") == "task"
    assert import_method(client, "web-download") == "web-download" and len(rsps.calls) == 3


def test_waiting_shows_the_time_on_a_terminal_only():
    stream = FakeTTY()
    with progress.waiting("import", SimpleNamespace(no_progress=False), stream):
        pass
    assert re.fullmatch(r"\rimport: done in 0s\n", stream.getvalue())
    quiet = io.StringIO()
    with progress.waiting("import", SimpleNamespace(no_progress=False), quiet):
        pass
    assert quiet.getvalue() == ""


def test_every_subcommand_help_shows_the_exit_statuses(cli, capsys):
    for argv in (["list", "--help"], ["tag", "add", "--help"], ["member", "accept", "--help"]):
        assert cli(*argv) == 0
        assert (
            "exit status: 0 success, 1 error from the cloud, 2 usage error, 130 interrupted"
            in capsys.readouterr().out
        )
