"""Which redirects a request may follow (requests' own following is off).

A redirect is followed only to the same origin (scheme, host and port), so a
token, password or body never reaches another host and never leaves https.
A 307/308 keeps its method and body, so it is followed when the body can be
sent again; a 301/302/303 would turn the request into a GET, so it is followed
only for GET and HEAD. Everything else is refused with
:class:`~pyrax_image.exceptions.UnsafeRedirect`.
"""

from __future__ import annotations

from typing import Optional, Tuple
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import requests

from pyrax_image import exceptions as exc
from pyrax_image.error_bodies import request_id_of
from pyrax_image.secrets import SECRET_QUERY_WORDS, SecretValues

REDIRECT_STATUSES = frozenset((301, 302, 303, 307, 308))
METHOD_KEEPING_STATUSES = frozenset((307, 308))
MAX_REDIRECTS = 5
_DEFAULT_PORTS = {"http": 80, "https": 443}


class NoRedirectSession(requests.Session):
    """A ``requests.Session`` that never follows (or prepares) a redirect
    itself: the transport decides which redirects are safe."""

    def get_redirect_target(self, resp: requests.Response) -> None:
        """No redirect is ever followed by requests."""
        return None

    def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
        """As requests does, but a percent-encoded dot segment stays encoded."""
        prepared = super().prepare_request(request)
        prepared.url = keep_dot_segments_encoded(prepared.url)
        return prepared


def origin(url: str) -> Tuple[str, str, Optional[int]]:
    """``(scheme, host, port)`` of ``url``, with the scheme's default port filled in."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: compare it as unknown
        port = -1
    return scheme, (parts.hostname or "").lower(), port if port is not None else _DEFAULT_PORTS.get(scheme)


def redirect_target(response: requests.Response, url: str) -> Optional[str]:
    """The absolute URL a redirect points to, or None if it has no Location."""
    location = response.headers.get("Location")
    if not location:
        return None
    return urljoin(response.url or url, location.strip())


def refusal(method: str, status: int, url: str, target: str, rewindable: bool, hops: int) -> Optional[str]:
    """Why the redirect from ``url`` to ``target`` must not be followed (None: it may)."""
    source, destination = origin(url), origin(target)
    if source[0] == "https" and destination[0] != "https":
        return "it leaves https"
    if source != destination:
        return "it points to another origin"
    if "@" in urlsplit(target).netloc:
        return "its target carries credentials"
    if hops >= MAX_REDIRECTS:
        return "more than %d redirects in a row" % MAX_REDIRECTS
    if status in METHOD_KEEPING_STATUSES:
        return None if rewindable else "the request body cannot be sent again"
    if method in ("GET", "HEAD"):
        return None
    return "a %s would become a GET" % method


def check_redirect(
    response: requests.Response,
    method: str,
    url: str,
    target: str,
    rewindable: bool,
    hops: int,
    secrets: SecretValues,
) -> None:
    """Return if the redirect may be followed (closing ``response``), else raise UnsafeRedirect."""
    status = response.status_code
    response.close()
    reason = refusal(method, status, url, target, rewindable, hops)
    if reason is None:
        return
    location = secrets.scrub(safe_location(target))
    raise exc.UnsafeRedirect(
        status,
        "Redirect to %s refused: %s" % (location, reason),
        location=location,
        request_id=request_id_of(response),
        method=method,
        url=url,
    )


def safe_location(target: str) -> str:
    """``target`` without userinfo and with secret-looking query values masked."""
    parts = urlsplit(target)
    netloc = parts.netloc.rpartition("@")[2]
    query = parts.query
    if query:
        pairs = [
            (name, "***" if any(word in name.lower() for word in SECRET_QUERY_WORDS) else value)
            for name, value in parse_qsl(query, keep_blank_values=True)
        ]
        query = urlencode(pairs, safe="*/")
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def keep_dot_segments_encoded(url: Optional[str]) -> Optional[str]:
    """``url`` with every ``.``/``..`` path segment sent as ``%2E``/``%2E%2E``.

    requests resolves literal dot segments, then decodes ``%2E``; what is
    left as ``.`` or ``..`` was therefore encoded by the caller (a Swift
    object named ``..``) and must reach the server encoded, not be resolved
    by a proxy or server into another container or account."""
    if not url or "." not in url:
        return url
    parts = urlsplit(url)
    segments = parts.path.split("/")
    if not any(segment in (".", "..") for segment in segments):
        return url
    path = "/".join(
        segment.replace(".", "%2E") if segment in (".", "..") else segment for segment in segments
    )
    return urlunsplit(parts._replace(path=path))
