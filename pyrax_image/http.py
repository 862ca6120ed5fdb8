"""The HTTP layer: one ``requests.Session``, timeouts, safe retries, error mapping.

Everything that touches ``requests`` lives here. :class:`Transport` sends a
request, retries what is safe to retry (idempotent methods, stale keep-alive
connections, a reply cut mid-body, 429/502/503/504 honouring ``Retry-After``)
and never resends a body it cannot rewind. It follows only same-origin
redirects (:mod:`pyrax_image.redirects`), ends a call at its ``deadline``,
and scrubs every secret it knows from the errors and log lines it makes.
Error responses become :mod:`pyrax_image.exceptions`. Its connection pool
takes ``pool_size`` threads at once, starts afresh in a forked child
(:mod:`pyrax_image.forks`) and is released by :meth:`Transport.close`; a
request it would not resend never goes out on a connection idle past the
retry policy's ``fresh_after_idle`` (``pyrax_image.http_pool``).
"""

from __future__ import annotations

import json as jsonlib
import logging
import time
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, Union
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from pyrax_image import deadlines, error_bodies, forks, http_log, http_pool, redirects
from pyrax_image import exceptions as exc
from pyrax_image.checks import Timeout, check_cert, check_int, check_seconds, check_timeout, check_verify
from pyrax_image.exceptions import BodyCut, DeadlinePassed, ReplyTooLarge, Retriable
from pyrax_image.http_body import DEFAULT_MAX_REPLY_BYTES, RequestBody, read_body
from pyrax_image.http_checks import bad_headers, bounded, check_outgoing
from pyrax_image.http_checks import read_timeout as _read_timeout
from pyrax_image.http_retry import RetryPolicy
from pyrax_image.redirects import NoRedirectSession
from pyrax_image.replies import invalid
from pyrax_image.secrets import SecretValues, hide_url_secrets
from pyrax_image.version import __version__

__all__ = ["Transport", "RequestBody", "NoRedirectSession", "DEFAULT_TIMEOUT", "DEFAULT_DEADLINE"]

DEFAULT_TIMEOUT = 60.0
DEFAULT_DEADLINE = 300.0  # or 4x the read timeout, if longer
DEFAULT_USER_AGENT = "pyrax_image/%s" % __version__
DEFAULT_POOL_SIZE = 32  # connections kept per host: threads sharing a client beyond it open and drop extras

HeaderSource = Callable[[], Mapping[str, str]]


class _Call:
    """One request as it travels down the layers of :meth:`Transport._request`
    (a plain class: ``dataclasses`` would load ``inspect`` on import)."""

    __slots__ = (
        "method",
        "url",
        "headers",
        "params",
        "body",
        "stream",
        "timeout",
        "retry",
        "deadline_at",
        "auth_headers",
    )

    def __init__(
        self,
        method: str,
        url: str,
        headers: Dict[str, str],
        params: Any,
        body: RequestBody,
        stream: bool,
        timeout: Timeout,
        retry: bool,
        deadline_at: Optional[float],
        auth_headers: Optional[HeaderSource],
    ):
        self.method, self.url, self.headers, self.params, self.body = method, url, headers, params, body
        self.stream, self.timeout, self.retry, self.deadline_at = stream, timeout, retry, deadline_at
        self.auth_headers = auth_headers


class Transport:
    """Sends requests over one shared ``requests.Session``.

    ``retries`` bounds resends of one request; the wait between them grows
    from ``backoff`` seconds (with jitter) up to ``max_backoff``, and a
    server's ``Retry-After`` is honoured up to ``max_retry_after``
    (the rules: :mod:`pyrax_image.http_retry`); or pass a ``retry_policy``
    (a :class:`~pyrax_image.http_retry.RetryPolicy`, or a subclass with
    rules of its own) instead of those four.
    ``deadline`` (seconds, default 300 or 4x the read timeout if longer)
    bounds a whole call with its retries and redirects, up to its complete
    reply for a non-streamed call; a streamed call up to its headers.
    ``secrets`` are scrubbed from every error and log line (a new registry
    if None); the token of every request is added to it.
    ``max_reply_bytes`` caps every reply read whole (JSON documents, error
    bodies), counted after decompression: past it the call raises
    :class:`~pyrax_image.exceptions.InvalidResponse` (for an error status,
    that status's own error) naming the cap.
    ``pool_size`` is how many connections per host are kept for reuse: as
    many threads may share the transport without one being dropped (it
    applies to the session made here, not to one passed in, as does the
    policy's ``fresh_after_idle``).
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
        deadline: Optional[float] = None,
        max_reply_bytes: int = DEFAULT_MAX_REPLY_BYTES,
        pool_size: int = DEFAULT_POOL_SIZE,
        retry_policy: Optional[RetryPolicy] = None,
    ):
        self.secrets = secrets if secrets is not None else SecretValues()
        self.log_debug = log_debug  # log this transport's traffic whatever the logger level
        if session is None:
            session = NoRedirectSession()
            adapter = http_pool.IdleAwareAdapter(pool_maxsize=check_int("pool_size", pool_size, minimum=1))
            session.mount("https://", adapter)
            session.mount("http://", adapter)
        self.session = session
        forks.renew_in_child(self)
        self.verify = verify
        self.cert = cert
        self.session.headers["User-Agent"] = user_agent or DEFAULT_USER_AGENT
        self.session.headers["Accept"] = "application/json"
        self.timeout = check_timeout(timeout)
        limit = _read_timeout(self.timeout)
        self.deadline = (
            check_seconds("deadline", deadline, positive=True)
            if deadline is not None
            else max(DEFAULT_DEADLINE, 4 * limit if limit else 0.0)
        )
        if retry_policy is None:
            retry_policy = RetryPolicy(retries, backoff, max_backoff, max_retry_after)
        elif not isinstance(retry_policy, RetryPolicy):
            raise exc.InvalidArgument(
                "retry_policy must be a RetryPolicy, not %s" % type(retry_policy).__name__
            )
        self.retry_policy = retry_policy
        self.max_reply_bytes = check_int("max_reply_bytes", max_reply_bytes, minimum=1)
        self.record_timings = timings
        self.timings: List[Tuple[str, float, float]] = []
        self.sleep = time.sleep

    def pause_before_resume(self, breaks: int) -> None:
        """Wait before asking again, with ``Range``, for the rest of a body
        whose connection broke (``breaks``: earlier breaks in a row, with no
        byte between): the retry policy's ``reconnect_wait``, on this
        transport's clock (``sleep``), as a resend waits."""
        self.sleep(self.retry_policy.reconnect_wait(breaks))

    def close(self) -> None:
        """Close every pooled connection (a later request opens new ones)."""
        self.session.close()

    def _after_fork(self) -> None:
        """In a forked child: new, empty pools; the parent's sockets are never used here."""
        for adapter in self.session.adapters.values():
            if isinstance(adapter, HTTPAdapter):
                # requests keeps the pool settings in these since 2.0 (its __setstate__ uses them too)
                settings = (getattr(adapter, "_pool_" + name) for name in ("connections", "maxsize", "block"))
                adapter.init_poolmanager(*settings)
                adapter.proxy_manager = {}

    @property
    def retries(self) -> int:
        """How many times one request may be resent."""
        return self.retry_policy.retries

    @retries.setter
    def retries(self, value: int) -> None:
        self.retry_policy.retries = check_int("retries", value)

    @property
    def verify(self) -> Union[bool, str]:
        """TLS verification: True, False or the path of a CA bundle (checked to exist)."""
        return self.session.verify  # type: ignore[return-value]

    @verify.setter
    def verify(self, value: Union[bool, str]) -> None:
        self.session.verify = check_verify(value)

    @property
    def cert(self) -> Union[str, Tuple[str, str], None]:
        """The TLS client certificate: a PEM path or ``(cert, key)`` paths (checked to exist)."""
        return self.session.cert

    @cert.setter
    def cert(self, value: Union[str, Tuple[str, str], None]) -> None:
        checked = check_cert(value)
        if checked is not None or self.session.cert is not None:
            self.session.cert = checked

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
        deadline: Optional[float] = None,
    ) -> requests.Response:
        """Send one request and return its successful response.

        ``auth_headers`` is called before every attempt (so a renewed token is
        used); ``on_unauthorized`` is called once after a 401 and returns True
        if the credentials were renewed, in which case the request is resent.
        Redirects are followed only within the same origin, others raise
        :class:`~pyrax_image.exceptions.UnsafeRedirect`. ``deadline`` overrides
        the transport's for this call (it does not apply while a large body
        or a stream is uploaded). Raises a
        :class:`~pyrax_image.exceptions.ClientException` subclass for an error
        status, :class:`~pyrax_image.exceptions.RequestTimeout` past the
        deadline and :class:`~pyrax_image.exceptions.ConnectionFailed` when
        the server cannot be reached. No known secret is in any of them.
        """
        try:
            return self._request(
                method.upper(), url, headers, auth_headers, on_unauthorized, params, json, data, stream,
                check_timeout(timeout) if timeout is not None else self.timeout, retry,
                check_seconds("deadline", deadline, positive=True) if deadline is not None else self.deadline,
            )  # fmt: skip
        except exc.PyraxImageException as error:
            raise self.secrets.scrub_error(error)  # noqa: B904 (the same exception, its text cleaned)

    def _request(
        self,
        method: str,
        url: str,
        headers: Optional[Mapping[str, str]],
        auth_headers: Optional[HeaderSource],
        on_unauthorized: Optional[Callable[[], bool]],
        params: Any,
        json: Any,
        data: Any,
        stream: bool,
        timeout: Timeout,
        retry: bool,
        deadline: float,
    ) -> requests.Response:
        if headers is not None and not isinstance(headers, Mapping):
            raise exc.InvalidArgument("headers must be a mapping, not %s" % type(headers).__name__)
        send_headers: Dict[str, str] = dict(headers or {})
        check_outgoing(url, params, send_headers, json)
        if headers:
            self.secrets.add_headers(headers)
        if json is not None:
            self.secrets.add_members(json)
            data = jsonlib.dumps(json).encode("utf-8")
            send_headers.setdefault("Content-Type", "application/json")
        self.secrets.add_url(url)
        body = RequestBody(data)
        # An upload may take longer than any deadline: it then has only the read timeout.
        # ...and a login inside a client call ends with that call (pyrax_image.deadlines).
        deadline_at = deadlines.earliest(time.monotonic() + deadline) if body.small else None
        call = _Call(
            method, url, send_headers, params, body, stream, timeout, retry, deadline_at, auth_headers
        )  # fmt: skip
        response = self._send_handling_auth(call, on_unauthorized)
        if response.status_code >= 400:
            raise exc.from_response(response, method, response.url or url, self.secrets)
        return response

    def _send_handling_auth(
        self, call: _Call, on_unauthorized: Optional[Callable[[], bool]]
    ) -> requests.Response:
        """Renewal: after a 401, renew the credentials once (``on_unauthorized``)
        and send the request again; its own counter is ``renewed``."""
        renewed = False
        while True:
            response = self._send_handling_redirects(call)
            if response.status_code != 401 or on_unauthorized is None or renewed:
                return response
            renewed = True
            if not on_unauthorized():
                return response
            response.close()
            if not call.body.rewindable:
                raise exc.BodyNotRewindable(
                    "The token was renewed after a 401 but the streamed body "
                    "was already consumed, so the request was not resent."
                ) from exc.from_response(response, call.method, call.url, self.secrets)

    def _send_handling_redirects(self, call: _Call) -> requests.Response:
        """Redirects: follow the safe ones (:func:`~pyrax_image.redirects.check_redirect`,
        which also bounds the ``hops``)."""
        url, params = call.url, call.params
        hops = 0
        while True:
            response = self._send_handling_retries(call, url, params)
            target = None
            if response.status_code in redirects.REDIRECT_STATUSES:
                target = redirects.redirect_target(response, url)
            if target is None:
                return response
            redirects.check_redirect(
                response, call.method, url, target, call.body.rewindable, hops, self.secrets
            )
            url, params, hops = target, None, hops + 1

    def _send_handling_retries(self, call: _Call, url: str, params: Any) -> requests.Response:
        """Retries: send again after a failure or an error status the retry
        policy says may be resent, waiting what it says; its own ``attempt`` counter."""
        attempt = 0
        while True:
            try:
                response = self._send_single_request(call, url, params)
            except Retriable as failure:
                wait = None
                if call.retry:
                    wait = self.retry_policy.failure_wait(
                        call.method, failure.cause, attempt, call.body.rewindable, call.deadline_at
                    )
                if wait is None:
                    raise failure.error from failure.cause
            else:
                if not call.retry or response.status_code < 400:
                    return response
                wait = self.retry_policy.status_wait(
                    call.method,
                    response.status_code,
                    attempt,
                    call.body.rewindable,
                    error_bodies.retry_after(response),
                    call.deadline_at,
                )
                if wait is None:
                    return response
                response.close()
            self.sleep(wait)
            attempt += 1

    def _send_single_request(self, call: _Call, url: str, params: Any) -> requests.Response:
        """One attempt with the credentials of the moment (a renewed token is used)."""
        headers = dict(call.headers)
        if call.auth_headers is not None:
            credentials = call.auth_headers()
            self.secrets.add_headers(credentials)
            headers.update(credentials)
        return self._send_once(call, url, headers, params)

    def _send_once(self, call: _Call, url: str, headers: Dict[str, str], params: Any) -> requests.Response:
        """One attempt of ``call`` to ``url`` (where redirects led) with ``headers``
        (its own and the credentials of the moment): the response, its body read
        unless streamed and successful. A failure raises :class:`Retriable`
        carrying the error it becomes; whether it may be resent is the retry
        policy's call (:mod:`pyrax_image.http_retry`)."""
        method, stream, timeout, deadline_at = call.method, call.stream, call.timeout, call.deadline_at
        if deadline_at is not None:
            remaining = deadline_at - time.monotonic()
            if remaining <= 0:
                raise self._deadline_error(method, url)
            timeout = bounded(timeout, remaining)
        payload = call.body.payload()
        debug = self.log_debug or http_log.logger.isEnabledFor(logging.DEBUG)
        if debug:  # skip the work when not logging
            merged = {**self.session.headers, **headers}
            http_log.log_request(
                method, _with_params(url, params), merged, payload, force=self.log_debug, secrets=self.secrets
            )
        started = time.time()
        where = "%s %s" % (method, url)
        # Not resent if its connection turns out closed: not on one the server may be closing.
        idle_limit = self.retry_policy.idle_limit(method, call.retry and call.body.rewindable)
        try:
            if any(isinstance(v, str) and ("\n" in v or "\r" in v) for v in headers.values()):
                # requests < 2.32.4 (Python 3.9's) lets a final newline through to http.client,
                # whose error quotes the value (a token): refused here on every Python.
                raise requests.exceptions.InvalidHeader("line break in a header value")
            with http_pool.idle_limit(idle_limit):
                response = self.session.request(
                    method,
                    url,
                    headers=headers,
                    params=params,
                    data=payload,
                    stream=True,  # the body is read below, under the deadline
                    allow_redirects=False,  # ours to decide: see redirects.check_redirect
                    timeout=timeout,
                    # Explicit, or REQUESTS_CA_BUNDLE would override a CA path or False.
                    verify=self.session.verify,
                )
            if not stream or response.status_code >= 300:
                read_body(response, deadline_at, self.max_reply_bytes)
        except DeadlinePassed:
            raise self._deadline_error(method, url) from None
        except ReplyTooLarge as too_large:
            raise self._too_large_error(response, method, url, too_large.limit) from None
        except BodyCut as cut:
            # The reply broke off mid-body: an idempotent request may be resent.
            error = exc.ConnectionFailed("The reply to %s was cut short: %s" % (where, cut))
            raise Retriable(error, cut) from None
        except requests.exceptions.ConnectTimeout as error:
            failed = exc.RequestTimeout("Timed out connecting to %s" % _origin(url))
            raise Retriable(failed, error) from None
        except requests.exceptions.ReadTimeout as error:
            silent = exc.RequestTimeout("No answer from %s within the timeout (%s)" % (_origin(url), where))
            raise Retriable(silent, error) from None
        except requests.exceptions.SSLError as error:
            # A certificate problem does not go away by retrying.
            tls = exc.ConnectionFailed("TLS error talking to %s: %s" % (_origin(url), _short_reason(error)))
            raise Retriable(tls, error) from None
        except requests.exceptions.ConnectionError as error:
            # Typically a stale keep-alive connection the server closed.
            broken = exc.ConnectionFailed(
                "Connection to %s failed during %s: %s" % (_origin(url), where, _short_reason(error))
            )
            raise Retriable(broken, error) from None
        except requests.exceptions.InvalidHeader:
            # The message would quote the value: often a token read with its newline.
            raise exc.InvalidArgument(
                "A header value of %s has a line break or surrounding white space (%s); "
                "a token read from a file may end with a newline" % (where, bad_headers(headers))
            ) from None
        except (
            requests.exceptions.MissingSchema,
            requests.exceptions.InvalidSchema,
            requests.exceptions.InvalidURL,
        ) as error:
            raise exc.InvalidArgument("Cannot send to %r: %s" % (url, error)) from error
        except requests.exceptions.ChunkedEncodingError as error:
            raise Retriable(exc.ConnectionFailed("The reply to %s was cut short: %s" % (where, error)), error)
        except requests.exceptions.RequestException as error:
            unknown = exc.ConnectionFailed("%s failed: %s" % (where, _short_reason(error)))
            raise Retriable(unknown, error) from None
        if self.record_timings:
            self.timings.append((hide_url_secrets(where), started, time.time()))
        if debug:
            http_log.log_response(
                response, streamed=stream and response.ok, force=self.log_debug, secrets=self.secrets
            )
        return response

    def _too_large_error(
        self, response: requests.Response, method: str, url: str, limit: int
    ) -> exc.ClientException:
        """The error for a reply past the cap: its status's own error, or InvalidResponse."""
        note = "The reply to %s %s is larger than the %d-byte cap (max_reply_bytes); it was not read" % (
            method,
            url,
            limit,
        )
        response._content = b""  # not kept: from_response must not read the rest
        response._content_consumed = True  # type: ignore[attr-defined]
        if response.status_code >= 400:
            error = exc.from_response(response, method, url, self.secrets)
            error.message = note
            return error
        return invalid(response, note)

    def _deadline_error(self, method: str, url: str) -> exc.RequestTimeout:
        return exc.RequestTimeout(
            "%s %s did not complete within its deadline (%s s)" % (method, url, self.deadline)
        )


def _with_params(url: str, params: Any) -> str:
    if not params:
        return url
    prepared = requests.Request("GET", url, params=params).prepare()
    return prepared.url or url


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return "%s://%s" % (parts.scheme, parts.netloc.rpartition("@")[2])


def _short_reason(error: Exception) -> str:
    reason = error.args[0] if error.args else error
    return str(getattr(reason, "reason", reason))
