"""The HTTP layer: one ``requests.Session``, timeouts, safe retries, error mapping.

Everything that touches ``requests`` lives here. :class:`Transport` sends a
request, retries what is safe to retry (idempotent methods, stale keep-alive
connections, 429/502/503/504 honouring ``Retry-After``) and never resends a
body it cannot rewind. Error responses become :mod:`pyrax_image.exceptions`.
"""

from __future__ import annotations

import json as jsonlib
import logging
import random
import time
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, Union

import requests

from pyrax_image import exceptions as exc
from pyrax_image import http_log, redirects
from pyrax_image.secrets import SecretValues
from pyrax_image.transfer.bodies import RewindableBody
from pyrax_image.transfer.sources import start_position
from pyrax_image.version import __version__

DEFAULT_TIMEOUT = 60.0
DEFAULT_USER_AGENT = "pyrax_image/%s" % __version__
IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "PUT", "DELETE", "OPTIONS"))
RETRY_STATUSES = frozenset((429, 502, 503, 504))

Timeout = Union[float, Tuple[float, float], None]
HeaderSource = Callable[[], Mapping[str, str]]


class RequestBody:
    """A request body and how to send it again: bytes resend as they are,
    seekable files are rewound, anything else (an iterator) only once."""

    def __init__(self, data: Any):
        self.data = data
        self._start: Optional[int] = start_position(data)
        self._sent = False

    @property
    def rewindable(self) -> bool:
        """True if the body can be sent again from its start."""
        if isinstance(self.data, RewindableBody):
            return self.data.rewindable
        return self.data is None or isinstance(self.data, (bytes, str)) or self._start is not None

    def payload(self) -> Any:
        """The body ready to send, rewound if it was sent before."""
        if self._sent:
            if not self.rewindable:
                raise exc.BodyNotRewindable(
                    "The request must be sent again but its streamed body was already "
                    "consumed; pass bytes or a seekable file to allow a resend."
                )
            if self._start is not None:
                self.data.seek(self._start)
            elif isinstance(self.data, RewindableBody):
                self.data.rewind()
        self._sent = True
        return self.data


class NoRedirectSession(requests.Session):
    """A ``requests.Session`` that never follows (or prepares) a redirect
    itself: :class:`Transport` decides which redirects are safe."""

    def get_redirect_target(self, resp: requests.Response) -> None:
        """No redirect is ever followed by requests."""
        return None


class Transport:
    """Sends requests over one shared ``requests.Session``.

    ``retries`` bounds resends of one request; the wait between them grows
    from ``backoff`` seconds (with jitter) up to ``max_backoff``, and a
    server's ``Retry-After`` is honoured up to ``max_retry_after``.
    """

    def __init__(
        self,
        session: Optional[requests.Session] = None,
        verify: Union[bool, str] = True,
        cert: Union[str, Tuple[str, str], None] = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        user_agent: Optional[str] = None,
        retries: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        max_retry_after: float = 120.0,
        timings: bool = False,
        log_debug: bool = False,
        secrets: Optional[SecretValues] = None,
    ):
        self.secrets = secrets if secrets is not None else SecretValues()
        self.log_debug = log_debug  # log this transport's traffic whatever the logger level
        self.session = session if session is not None else NoRedirectSession()
        self.session.verify = verify
        if cert is not None:
            self.session.cert = cert
        self.session.headers["User-Agent"] = user_agent or DEFAULT_USER_AGENT
        self.session.headers["Accept"] = "application/json"
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.record_timings = timings
        self.timings: List[Tuple[str, float, float]] = []
        self.sleep = time.sleep

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Optional[Mapping[str, str]] = None,
        auth_headers: Optional[HeaderSource] = None,
        on_unauthorized: Optional[Callable[[], bool]] = None,
        params: Any = None,
        json: Any = None,
        data: Any = None,
        stream: bool = False,
        timeout: Timeout = None,
        retry: bool = True,
    ) -> requests.Response:
        """Send one request and return its successful response.

        ``auth_headers`` is called before every attempt (so a renewed token is
        used); ``on_unauthorized`` is called once after a 401 and returns True
        if the credentials were renewed, in which case the request is resent.
        Redirects are followed only within the same origin (see
        :mod:`pyrax_image.redirects`), others raise
        :class:`~pyrax_image.exceptions.UnsafeRedirect`.
        Raises a :class:`~pyrax_image.exceptions.ClientException` subclass for
        an error status and :class:`~pyrax_image.exceptions.ConnectionFailed`
        when the server cannot be reached.
        """
        method = method.upper()
        send_headers: Dict[str, str] = dict(headers or {})
        if json is not None:
            data = jsonlib.dumps(json).encode("utf-8")
            send_headers.setdefault("Content-Type", "application/json")
        body = RequestBody(data)
        reauthenticated = False
        attempt = hops = 0
        while True:
            merged = dict(send_headers)
            if auth_headers is not None:
                merged.update(auth_headers())
            response = self._send_once(method, url, merged, params, body, stream, timeout, attempt, retry)
            if response is None:
                attempt += 1
                continue
            status = response.status_code
            if status in redirects.REDIRECT_STATUSES:
                target = redirects.redirect_target(response, url)
                if target is not None:
                    self._check_redirect(response, method, url, target, body, hops)
                    url, params, hops = target, None, hops + 1
                    continue
            if status == 401 and on_unauthorized is not None and not reauthenticated:
                reauthenticated = True
                if on_unauthorized():
                    response.close()
                    if not body.rewindable:
                        raise exc.BodyNotRewindable(
                            "The token was renewed after a 401 but the streamed body "
                            "was already consumed, so the request was not resent."
                        ) from exc.from_response(response, method, url)
                    continue
            if retry and self._should_retry_status(method, status, body, attempt):
                delay = self._delay(attempt, exc._retry_after(response))
                if delay is not None:
                    response.close()
                    self.sleep(delay)
                    attempt += 1
                    continue
            if status >= 400:
                raise exc.from_response(response, method, url)
            return response

    def _send_once(
        self,
        method: str,
        url: str,
        headers: Dict[str, str],
        params: Any,
        body: RequestBody,
        stream: bool,
        timeout: Timeout,
        attempt: int,
        retry: bool,
    ) -> Optional[requests.Response]:
        """One attempt; None means a retriable connection failure happened."""
        payload = body.payload()
        debug = self.log_debug or http_log.logger.isEnabledFor(logging.DEBUG)
        if debug:  # skip the work when not logging
            merged = {**self.session.headers, **headers}
            http_log.log_request(method, _with_params(url, params), merged, payload, force=self.log_debug)
        started = time.time()
        try:
            response = self.session.request(
                method,
                url,
                headers=headers,
                params=params,
                data=payload,
                stream=stream,
                allow_redirects=False,  # ours to decide: see _check_redirect
                timeout=timeout if timeout is not None else self.timeout,
                # Explicit, or REQUESTS_CA_BUNDLE would override a CA path or False.
                verify=self.session.verify,
            )
        except requests.exceptions.ConnectTimeout as error:
            if retry and attempt < self.retries and body.rewindable:
                self.sleep(self._backoff(attempt))
                return None
            raise exc.RequestTimeout("Timed out connecting to %s" % _origin(url)) from error
        except requests.exceptions.ReadTimeout as error:
            raise exc.RequestTimeout(
                "No answer from %s within the timeout (%s %s)"
                % (_origin(url), method, http_log.redact_text(url))
            ) from error
        except requests.exceptions.SSLError as error:
            # A certificate problem does not go away by retrying.
            raise exc.ConnectionFailed(
                "TLS error talking to %s: %s" % (_origin(url), _short_reason(error))
            ) from error
        except requests.exceptions.ConnectionError as error:
            # Typically a stale keep-alive connection the server closed: safe to
            # resend only for idempotent methods with a body we can rewind.
            if retry and attempt < self.retries and method in IDEMPOTENT_METHODS and body.rewindable:
                self.sleep(self._backoff(attempt) if attempt else 0)
                return None
            raise exc.ConnectionFailed(
                "Connection to %s failed during %s %s: %s"
                % (_origin(url), method, http_log.redact_text(url), _short_reason(error))
            ) from error
        except (
            requests.exceptions.MissingSchema,
            requests.exceptions.InvalidSchema,
            requests.exceptions.InvalidURL,
        ) as error:
            raise exc.InvalidArgument("Cannot send to %r: %s" % (http_log.redact_text(url), error)) from error
        except requests.exceptions.RequestException as error:
            # E.g. a body cut short (ChunkedEncodingError): still ours to report.
            raise exc.ConnectionFailed(
                "%s %s failed: %s" % (method, http_log.redact_text(url), _short_reason(error))
            ) from error
        if self.record_timings:
            self.timings.append(("%s %s" % (method, http_log.redact_text(url)), started, time.time()))
        if debug:
            http_log.log_response(response, streamed=stream and response.ok, force=self.log_debug)
        return response

    def _check_redirect(
        self, response: requests.Response, method: str, url: str, target: str, body: RequestBody, hops: int
    ) -> None:
        """Return if the redirect may be followed, else raise UnsafeRedirect."""
        status = response.status_code
        response.close()
        reason = redirects.refusal(method, status, url, target, body.rewindable, hops)
        if reason is None:
            return
        location = self.secrets.scrub(redirects.safe_location(target))
        raise exc.UnsafeRedirect(
            status,
            "Redirect to %s refused: %s" % (location, reason),
            location=location,
            request_id=exc.request_id_of(response),
            method=method,
            url=self.secrets.scrub(url),
        )

    def _should_retry_status(self, method: str, status: int, body: RequestBody, attempt: int) -> bool:
        if status not in RETRY_STATUSES or attempt >= self.retries or not body.rewindable:
            return False
        return method in IDEMPOTENT_METHODS or status == 429

    def _backoff(self, attempt: int) -> float:
        base = min(self.max_backoff, self.backoff * (2**attempt))
        return base * (0.5 + random.random() / 2)

    def _delay(self, attempt: int, retry_after: Optional[float]) -> Optional[float]:
        """How long to wait before retrying; None when the server asks too much."""
        if retry_after is None:
            return self._backoff(attempt)
        if retry_after > self.max_retry_after:
            return None
        return retry_after


def _with_params(url: str, params: Any) -> str:
    if not params:
        return url
    prepared = requests.Request("GET", url, params=params).prepare()
    return prepared.url or url


def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return "%s://%s" % (parts.scheme, parts.netloc)


def _short_reason(error: Exception) -> str:
    reason = error.args[0] if error.args else error
    return str(getattr(reason, "reason", reason))
