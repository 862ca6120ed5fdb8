"""Every exception class of the package lives in ``pyrax_image.exceptions``;
the old homes of the moved ones still import them."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pyrax_image
from pyrax_image import exceptions as exc


def test_no_exception_class_is_defined_outside_exceptions_py() -> None:
    outside = []
    for info in pkgutil.walk_packages(pyrax_image.__path__, "pyrax_image."):
        if info.name.endswith("__main__"):
            continue  # runs the command line
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, BaseException):
                home = value.__module__
                if home.startswith("pyrax_image.") and home != exc.__name__:
                    outside.append("%s.%s" % (home, name))
    assert outside == []


def test_moved_exceptions_keep_their_old_import_paths() -> None:
    from pyrax_image import http_body, paging
    from pyrax_image.cli import credentials

    assert credentials.NoCredentials is exc.NoCredentials
    assert paging.PagingLoop is exc.PagingLoop and paging.TooManyPages is exc.TooManyPages
    assert http_body.DeadlinePassed is exc.DeadlinePassed and http_body.BodyCut is exc.BodyCut
    assert issubclass(exc.NoCredentials, exc.InvalidArgument)
    assert issubclass(exc.PagingLoop, exc.InvalidResponse)


def test_from_response_is_still_an_exceptions_function() -> None:
    assert callable(exc.from_response) and "from_response" in exc.__all__
