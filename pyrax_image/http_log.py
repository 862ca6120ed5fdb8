"""Curl-style debug logging of HTTP traffic, with every secret redacted.

Lines go to the ``pyrax_image.http`` logger at DEBUG. Tokens, passwords, API
keys, temp-URL signatures and keys never reach the log: header values are
replaced by a short SHA-256 digest (so two lines can still be correlated),
JSON secrets by ``***``. Binary or streamed bodies are summarised, never logged.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shlex
from typing import Any, Mapping, Optional

logger = logging.getLogger("pyrax_image.http")

SECRET_HEADERS = frozenset(
    h.lower()
    for h in (
        "X-Auth-Token",
        "X-Subject-Token",
        "X-Service-Token",
        "X-Storage-Token",
        "X-Auth-Key",
        "X-Storage-Pass",
        "Authorization",
        "Proxy-Authorization",
        "Cookie",
        "Set-Cookie",
        "X-Account-Meta-Temp-URL-Key",
        "X-Account-Meta-Temp-URL-Key-2",
        "X-Container-Meta-Temp-URL-Key",
        "X-Container-Meta-Temp-URL-Key-2",
    )
)
SECRET_KEYS = frozenset(("password", "apikey", "api_key", "secret", "token", "temp_url_key", "key"))
_QUERY_SECRET = re.compile(r"(temp_url_sig=)[^&\s'\"]+", re.IGNORECASE)
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


def debug_output_enabled() -> bool:
    """True when :func:`enable_debug_output` is in force."""
    return _debug_handler is not None


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


def _emit(force: bool, msg: str, *args: Any) -> None:
    """Log at DEBUG; ``force`` (a client's ``http_log_debug``) logs even when
    the logger is not at DEBUG."""
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(msg, *args)
    elif force and not logger.disabled:
        extra = {"pyrax_client_debug": True}
        logger.handle(
            logger.makeRecord(logger.name, logging.DEBUG, __file__, 0, msg, args, None, extra=extra)
        )


def digest(secret: str) -> str:
    """A short, non-reversible stand-in for a secret value."""
    return "{SHA256}" + hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()[:16]


def redact_text(text: str) -> str:
    """Hide temp-URL signatures in URLs and free text."""
    return _QUERY_SECRET.sub(r"\1***", text)


def redact_headers(headers: Mapping[str, Any]) -> dict[str, str]:
    """A copy of ``headers`` with secret values replaced by digests."""
    clean: dict[str, str] = {}
    for name, raw in headers.items():
        value = raw.decode("latin-1") if isinstance(raw, bytes) else str(raw)
        clean[name] = digest(value) if name.lower() in SECRET_HEADERS else redact_text(value)
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
        return redact_text(value)
    return value


def describe_body(body: Any, content_type: Optional[str] = None) -> Optional[str]:
    """A loggable rendering of a request or response body, or None if empty."""
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
            rendered = json.dumps(redact_json(json.loads(body)))
        except ValueError:
            rendered = redact_text(body)
        if len(rendered) > MAX_LOGGED_BODY:
            rendered = rendered[:MAX_LOGGED_BODY] + "...<%d more>" % (len(rendered) - MAX_LOGGED_BODY)
        return rendered
    return "<streamed body>"


def log_request(method: str, url: str, headers: Mapping[str, Any], body: Any, force: bool = False) -> None:
    """Log one request as a curl command line."""
    if not (force or logger.isEnabledFor(logging.DEBUG)):
        return
    parts = ["curl", "-g", "-i", "-X", method, shlex.quote(redact_text(url))]
    for name, value in redact_headers(headers).items():
        parts += ["-H", shlex.quote("%s: %s" % (name, value))]
    rendered = describe_body(body, _header(headers, "Content-Type"))
    if rendered is not None:
        parts += ["-d", shlex.quote(rendered)]
    _emit(force, "REQ: %s", " ".join(parts))


def log_response(response: Any, streamed: bool, force: bool = False) -> None:
    """Log a response's status, headers and (textual, unstreamed) body."""
    if not (force or logger.isEnabledFor(logging.DEBUG)):
        return
    headers = redact_headers(response.headers)
    if streamed:
        rendered: Optional[str] = "<streamed body>"
    else:
        rendered = describe_body(response.content, response.headers.get("Content-Type"))
    _emit(force, "RESP: [%s] %s %s", response.status_code, headers, rendered if rendered else "")


def _header(headers: Mapping[str, Any], name: str) -> Optional[str]:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return str(value)
    return None
