"""Where the command line's credentials come from, in this order:

1. ``--os-cloud NAME``: that cloud of ``clouds.yaml`` (needs PyYAML);
2. ``--credential-file PATH``: a pyrax credential file;
3. ``OS_CLOUD``: that cloud of ``clouds.yaml``;
4. ``OS_AUTH_URL`` (with ``OS_USERNAME``, ``OS_PASSWORD``, ``OS_PROJECT_NAME``...
   or ``OS_TOKEN``): the ``OS_*`` environment variables;
5. ``~/.rackspace_cloud_credentials`` when it exists: a pyrax credential file.

A pyrax credential file is read as pyrax reads it, with the identity type,
endpoint and region from ``CLOUD_*`` variables or ``~/.pyrax.cfg``.
``--region`` and ``--interface`` override what the source says; a region
(from any of them) the catalog does not have is an error listing those it has.
Everything goes through ``pyrax_image``'s own module-level API.
"""

from __future__ import annotations

import os
from typing import Any, Mapping, Optional, Tuple

import pyrax_image
from pyrax_image.exceptions import NoCredentials  # also its cli.credentials name
from pyrax_image.image.client import ImageClient

DEFAULT_CREDENTIAL_FILE = "~/.rackspace_cloud_credentials"


def choose_source(options: Any, environ: Mapping[str, str]) -> Tuple[str, Optional[str]]:
    """``(kind, detail)``: ``("cloud", name)``, ``("file", path)`` or ``("env", None)``."""
    if options.os_cloud:
        return "cloud", options.os_cloud
    if options.credential_file:
        return "file", options.credential_file
    if environ.get("OS_CLOUD"):
        return "cloud", environ["OS_CLOUD"]
    if environ.get("OS_AUTH_URL"):
        return "env", None
    default = os.path.expanduser(DEFAULT_CREDENTIAL_FILE)
    if os.path.isfile(default):
        return "file", default
    raise NoCredentials(
        "no credentials: set the OS_* variables (OS_AUTH_URL, OS_USERNAME, ...), "
        "give --os-cloud NAME (clouds.yaml) or --credential-file PATH (see 'pyrax-image --help')"
    )


def connect(options: Any, environ: Optional[Mapping[str, str]] = None) -> ImageClient:
    """Authenticate from the chosen source and return an ImageClient."""
    kind, detail = choose_source(options, os.environ if environ is None else environ)
    if options.debug:
        pyrax_image.set_http_debug(True)
    if kind == "cloud":
        pyrax_image.set_cloud(detail, region=options.region, authenticate=False)
    elif kind == "file":
        pyrax_image.set_credential_file(str(detail), region=options.region, authenticate=False)
    else:
        pyrax_image.set_credentials_from_env(region=options.region, authenticate=False)
    pyrax_image.authenticate(connect=False)
    identity = pyrax_image.identity
    interface = options.interface or getattr(identity, "interface", "public") or "public"
    # The region named by the flag or the source is required, never a fallback:
    # a region the catalog lacks raises NoEndpointForRegion listing those it has.
    region = options.region or getattr(identity, "region", None)
    return pyrax_image.connect_to_images(region, public=interface == "public")
