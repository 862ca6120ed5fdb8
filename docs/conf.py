"""Sphinx configuration: the API reference (autodoc, from the docstrings) and
the Markdown guides of this folder (myst-parser). Built by ``tox -e docs``
with warnings as errors and nitpicky cross-references."""

import importlib
import os
import sys

sys.path.insert(0, os.path.abspath(".."))

from pyrax_image.version import __version__  # noqa: E402

project = "pyrax_image"
author = "pyrax_image contributors"
copyright = "pyrax_image contributors, Apache-2.0"
release = version = __version__

extensions = ["sphinx.ext.autodoc", "sphinx.ext.viewcode", "myst_parser"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"members": True, "show-inheritance": True}

myst_heading_anchors = 3

# Every cross-reference must resolve, but for what the reference deliberately
# leaves out: other libraries' types (no network needed to build), type
# variables, and the internal classes a public signature or base names.
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(requests|urllib3|datetime|io|os|pathlib|hashlib|threading|typing|collections\.abc)\..*"),
    (r"py:.*", r"(pyrax_image\.[\w.]+\.)?[A-Z]"),  # TypeVars: T, R, pyrax_image.manager.R
    (r"py:.*", r"(pyrax_image\.[\w.]+\.)?_\w+"),  # private names
]
INTERNAL_CLASSES = [
    "pyrax_image.http.Transport",
    "Transport",  # a resource's transport (object_storage/resources.py), internal
    "pyrax_image.secrets.SecretValues",
    "pyrax_image.image.client_base.ImageClientBase",
    "pyrax_image.image.data_client.ImageDataClient",
    "pyrax_image.identity.credentials.CredentialIdentity",
    "pyrax_image.image.api.ImageApi",
    "pyrax_image.metadefs.client.MetadefCalls",  # its methods are ImageClient's
    "pyrax_image.image.filters.ImageListing",  # its methods are ImageClient's
    "pyrax_image.image.tasks.TaskCalls",  # its methods are ImageClient's
    "pyrax_image.image.operations_client.ImageOperationsClient",  # its methods are ImageClient's
    "pyrax_image.image.data_service.ImageDataService",
    "ImageDataService",
    "pyrax_image.transfer.parallel.ParallelFetch",
    "pyrax_image.image.destinations.Sink",
    "pyrax_image.image.destinations.PathWriter",
    "pyrax_image.image.destinations.FileObjectWriter",
    "StorageAccess",  # the client's object-storage access (image/storage_access.py), internal
    "ClientClass",  # a type alias: a BaseClient subclass
]
INTERNAL_MODULES = [
    "pyrax_image.identity.single_flight",
    "pyrax_image.replies",
    "pyrax_image.transfer.files",
    "pyrax_image.object_storage.paths",
    "pyrax_image.image.destinations",
    "pyrax_image.transfer.parallel",
]
# A short name two documented classes have (StorageObject: Swift's and Cloud
# Files') links to one of them rather than failing the build.
suppress_warnings = ["ref.python"]
nitpick_ignore = [("py:class", name) for name in INTERNAL_CLASSES]
nitpick_ignore += [("py:mod", name) for name in INTERNAL_MODULES]


def resolve_public_name(app, env, node, contnode):
    """Resolve what Sphinx alone does not: a name by the package that re-exports
    it (``pyrax_image.object_storage.ObjectStorageClient``, documented under
    ``pyrax_image.object_storage.client``), or an unqualified name that one
    documented object has (``KeystoneIdentity``)."""
    if node.get("refdomain") != "py":
        return None
    domain = env.get_domain("py")
    target = node["reftarget"]
    found = set()
    module, _, name = target.rpartition(".")
    if module.startswith("pyrax_image"):
        try:
            obj = getattr(importlib.import_module(module), name)
            found.add("%s.%s" % (obj.__module__, obj.__qualname__))
        except (ImportError, AttributeError):
            pass
    if not target.startswith("pyrax_image"):
        found.update(full for full in domain.objects if full.endswith("." + target))
        owner = _imported(node.get("py:module"), node.get("py:class"))
        for base in getattr(owner, "__mro__", ()):  # a method of the class or of a base
            if base.__module__.startswith("pyrax_image") and target in vars(base):
                found = {"%s.%s.%s" % (base.__module__, base.__qualname__, target)}
                break
    if len(found) != 1:
        return None
    return domain.resolve_xref(
        env, node["refdoc"], app.builder, "obj", found.pop(), node, contnode
    )


def _imported(module, qualname):
    """The class ``module.qualname``, or None."""
    try:
        obj = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
        return obj
    except (ImportError, AttributeError, TypeError):
        return None


def name_the_default_transfer(app, what, name, obj, options, signature, return_annotation):
    """Show a ``DEFAULT_TRANSFER`` default by its name: Sphinx writes any
    tuple, a NamedTuple too, as its bare values (thirteen of them here)."""
    from sphinx.util.inspect import object_description

    from pyrax_image.transfer.options import DEFAULT_TRANSFER

    if signature:
        signature = signature.replace(object_description(DEFAULT_TRANSFER), "DEFAULT_TRANSFER")
    return signature, return_annotation


def setup(app):
    app.connect("missing-reference", resolve_public_name)
    app.connect("autodoc-process-signature", name_the_default_transfer)

html_theme = "alabaster"
html_title = "pyrax_image %s" % release
