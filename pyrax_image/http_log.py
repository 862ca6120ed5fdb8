"""Curl-style debug logging of HTTP traffic, with every secret redacted.

Lines go to the ``pyrax_image.http`` logger at DEBUG. Tokens, passwords, API
keys, temp-URL signatures and keys never reach the log: token headers are
replaced by a digest salted per process (two lines of one run can still be
correlated, no dictionary can reverse it), every other secret header and JSON
secret member by ``***``, and the finished line is scrubbed of every secret
value the transport knows (a server echoing a token in any field, header or
page) and of URL userinfo. Binary or streamed bodies are summarised, never logged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import shlex
from typing import Any, Mapping, Optional

from pyrax_image import json_limits
from pyrax_image.secrets import (
    MASK,
    SECRET_HEADERS,
    SECRET_KEYS,
    TOKEN_HEADERS,
    SecretValues,
    hide_url_secrets,
)

logger = logging.getLogger("pyrax_image.http")

_SALT = os.urandom(16)  # per process: digests cannot be looked up in a dictionary
_TEXT_TYPES = ("json", "text", "xml")
MAX_LOGGED_BODY = 4096

_debug_handler: Optional[logging.Handler] = None


def enable_debug_output(enabled: bool = True) -> None:
    """Show (or stop showing) the HTTP debug lines on stderr."""
    global _debug_handler
    if enabled:
        if _debug_handler is None:
            _debug_handler = logging.StreamHandler()
            _debug_handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
            logger.addHandler(_debug_handler)
        logger.setLevel(logging.DEBUG)
    else:
        if _debug_handler is not None:
            logger.removeHandler(_debug_handler)
            _debug_handler = None
        logger.setLevel(logging.NOTSET)


class _ClientLinesOnly(logging.Filter):
    """Pass only the lines logged for a client created with ``http_log_debug``."""

    def filter(self, record: logging.LogRecord) -> bool:
        return bool(getattr(record, "pyrax_client_debug", False))


_client_handler: Optional[logging.Handler] = None


def enable_client_output() -> None:
    """Show on stderr the lines of clients with ``http_log_debug`` (and only
    theirs: the logger's level, hence every other client, is left alone)."""
    global _client_handler
    if _client_handler is None:
        _client_handler = logging.StreamHandler()
        _client_handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
        _client_handler.addFilter(_ClientLinesOnly())
        logger.addHandler(_client_handler)


def _emit(force: bool, secrets: Optional[SecretValues], line: str) -> None:
    """Log ``line`` (scrubbed of every known secret) at DEBUG; ``force`` (a
    client's ``http_log_debug``) logs even when the logger is not at DEBUG."""
    text = secrets.scrub(line) if secrets is not None else hide_url_secrets(line)
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug("%s", text)
    elif force and not logger.disabled:
        extra = {"pyrax_client_debug": True}
        logger.handle(
            logger.makeRecord(logger.name, logging.DEBUG, __file__, 0, "%s", (text,), None, extra=extra)
        )


def digest(secret: str) -> str:
    """A short stand-in for a token, salted per process: equal within one run
    (to correlate lines), meaningless outside it."""
    mac = hmac.new(_SALT, secret.encode("utf-8", "replace"), hashlib.sha256)
    return "{SHA256}" + mac.hexdigest()[:16]  # an HMAC-SHA256 keyed with the process's salt


def redact_headers(headers: Mapping[str, Any]) -> dict[str, str]:
    """A copy of ``headers`` with tokens digested and other secrets (passwords,
    keys, temp-URL keys, cookies) replaced by ``***``."""
    clean: dict[str, str] = {}
    for name, raw in headers.items():
        value = raw.decode("latin-1") if isinstance(raw, bytes) else str(raw)
        lowered = name.lower()
        if lowered in TOKEN_HEADERS:
            clean[name] = digest(value)
        elif lowered in SECRET_HEADERS:
            clean[name] = MASK
        else:
            clean[name] = hide_url_secrets(value)
    return clean


def redact_json(value: Any) -> Any:
    """A copy of a JSON document with secret members replaced by ``***``."""
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for key, item in value.items():
            lowered = str(key).lower()
            if lowered in SECRET_KEYS and not isinstance(item, (dict, list)):
                out[key] = "***"
            elif lowered == "token" and isinstance(item, dict):
                out[key] = {k: ("***" if k == "id" else redact_json(v)) for k, v in item.items()}
            else:
                out[key] = redact_json(item)
        return out
    if isinstance(value, list):
        return [redact_json(item) for item in value]
    if isinstance(value, str):
        return hide_url_secrets(value)
    return value


def describe_body(
    body: Any, content_type: Optional[str] = None, secrets: Optional[SecretValues] = None
) -> Optional[str]:
    """A loggable rendering of a request or response body, or None if empty
    (scrubbed before it is cut short, so no part of a secret survives)."""
    if body is None or body == b"" or body == "":
        return None
    if isinstance(body, (bytes, str)):
        # Bytes of unknown type may be image data: only declared text is shown.
        is_text = any(t in content_type for t in _TEXT_TYPES) if content_type else isinstance(body, str)
        if isinstance(body, bytes):
            if not is_text:
                return "<binary data: %d bytes>" % len(body)
            try:
                body = body.decode("utf-8")
            except UnicodeDecodeError:
                return "<binary data: %d bytes>" % len(body)
        elif not is_text:
            return "<binary data: %d characters>" % len(body)
        try:
            rendered = json.dumps(redact_json(json_limits.loads(body)))
        except ValueError:
            rendered = hide_url_secrets(body)
        if secrets is not None:
            rendered = secrets.scrub(rendered)
        if len(rendered) > MAX_LOGGED_BODY:
            rendered = rendered[:MAX_LOGGED_BODY] + "...<%d more>" % (len(rendered) - MAX_LOGGED_BODY)
        return rendered
    return "<streamed body>"


def log_request(
    method: str,
    url: str,
    headers: Mapping[str, Any],
    body: Any,
    force: bool = False,
    secrets: Optional[SecretValues] = None,
) -> None:
    """Log one request as a curl command line."""
    if not (force or logger.isEnabledFor(logging.DEBUG)):
        return
    parts = ["curl", "-g", "-i", "-X", method, shlex.quote(hide_url_secrets(url))]
    for name, value in redact_headers(headers).items():
        parts += ["-H", shlex.quote("%s: %s" % (name, value))]
    rendered = describe_body(body, _header(headers, "Content-Type"), secrets)
    if rendered is not None:
        parts += ["-d", shlex.quote(rendered)]
    _emit(force, secrets, "REQ: " + " ".join(parts))


def log_response(
    response: Any, streamed: bool, force: bool = False, secrets: Optional[SecretValues] = None
) -> None:
    """Log a response's status, headers and (textual, unstreamed) body."""
    if not (force or logger.isEnabledFor(logging.DEBUG)):
        return
    headers = redact_headers(response.headers)
    if streamed:
        rendered: Optional[str] = "<streamed body>"
    else:
        rendered = describe_body(response.content, response.headers.get("Content-Type"), secrets)
    _emit(force, secrets, "RESP: [%s] %s %s" % (response.status_code, headers, rendered if rendered else ""))


def _header(headers: Mapping[str, Any], name: str) -> Optional[str]:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return str(value)
    return None
