"""utils: get_id, get_name, quote_segment and pyrax's wait_until."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import List

import pytest

from pyrax_image import exceptions as exc
from pyrax_image import utils
from pyrax_image.utils import get_id, get_name, quote_segment, wait_for_build, wait_until
from tests.unit.helpers import V2


class Polled:
    """An object whose status advances on every reload."""

    def __init__(self, *statuses: str) -> None:
        self.statuses = list(statuses)
        self.status = None
        self.reloads = 0

    def reload(self) -> None:
        self.reloads += 1
        self.status = self.statuses.pop(0) if self.statuses else self.status


@pytest.fixture
def no_sleep(monkeypatch) -> List[float]:
    slept: List[float] = []
    monkeypatch.setattr(utils.time, "sleep", slept.append)
    return slept


# -- ids and names -----------------------------------------------------------------------
def test_get_id():
    assert get_id("abc") == "abc"
    assert get_id(42) == "42"
    assert get_id(SimpleNamespace(id="x")) == "x"


@pytest.mark.parametrize("bad", ["", None, SimpleNamespace(name="no id"), SimpleNamespace(id="")])
def test_get_id_refuses(bad):
    with pytest.raises(exc.InvalidArgument):
        get_id(bad)


def test_get_name():
    assert get_name("n") == "n"
    assert get_name(SimpleNamespace(name="obj")) == "obj"
    with pytest.raises(exc.MissingName):
        get_name(SimpleNamespace(id="x"))


@pytest.mark.parametrize(
    "raw, encoded",
    [("a/b", "a%2Fb"), ("a?b", "a%3Fb"), ("a#b", "a%23b"), ("a b", "a%20b"), ("é", "%C3%A9"),
     ("a+b&c=d", "a%2Bb%26c%3Dd"), ("~x-y_z.1", "~x-y_z.1"), ("%2F", "%252F"), (7, "7")],
)
def test_quote_segment(raw, encoded):
    assert quote_segment(raw) == encoded


@pytest.mark.parametrize("bad", ["", ".", ".."])
def test_quote_segment_refuses(bad):
    with pytest.raises(exc.InvalidArgument):
        quote_segment(bad)


@pytest.mark.parametrize("bad", [".", ".."])
def test_dot_ids_send_nothing(client, rsps, bad):
    # requests would normalise /v2/images/.. into /v2/ and DELETE that.
    with pytest.raises(exc.InvalidArgument):
        client.delete(bad)
    with pytest.raises(exc.InvalidArgument):
        client.delete_image_tag("img", bad)
    assert len(rsps.calls) == 0
    assert V2  # the endpoint those requests would have hit


# -- wait_until ------------------------------------------------------------------------------------
def test_wait_until_reaches_desired(no_sleep):
    obj = Polled("queued", "saving", "active")
    assert wait_until(obj, "status", "active", interval=3) is obj
    assert obj.status == "active" and obj.reloads == 3 and no_sleep == [3, 3]


@pytest.mark.parametrize("terminal", ["killed", "deleted", "error", "failure", "deactivated", "success"])
def test_wait_until_stops_at_terminal_state(no_sleep, terminal):
    obj = Polled("saving", terminal, "active")
    assert wait_until(obj, "status", "active").status == terminal


def test_wait_until_bounded_attempts(no_sleep):
    obj = Polled("queued")
    wait_until(obj, "status", ["active"], attempts=4, interval=0)
    assert obj.reloads == 4


def test_wait_until_other_attribute_ignores_terminal_states(no_sleep):
    obj = Polled("killed", "killed")
    obj.progress = 0
    wait_until(obj, "progress", 100, attempts=2)
    assert obj.reloads == 2


def test_wait_until_with_callback_runs_in_a_thread(no_sleep):
    done = threading.Event()
    seen: List[object] = []

    def callback(result: object) -> None:
        seen.append(result)
        done.set()

    obj = Polled("saving", "active")
    thread = wait_until(obj, "status", "active", callback=callback, interval=0)
    assert isinstance(thread, threading.Thread)
    assert done.wait(5) and seen == [obj]


def test_wait_until_verbose(no_sleep, capsys):
    obj = Polled("active")
    obj.name = "n"
    wait_until(obj, "status", "active", verbose=True, verbose_atts=["name"])
    assert capsys.readouterr().out.strip() == "status=active, name=n"


def test_wait_for_build(no_sleep):
    assert wait_for_build(Polled("queued", "active")).status == "active"
