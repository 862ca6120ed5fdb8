"""The exception hierarchy of pyrax_image, rooted at :class:`PyraxImageException`.

The HTTP status classes keep pyrax's names and constructor
(``ClientException(code, message=None, details=None, request_id=None)``);
:func:`from_response` turns any error response Glance, Swift, Keystone or a
proxy in front of them sends into the matching class.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple, Type

import requests

from pyrax_image.error_bodies import message_and_details, request_id_of, retry_after
from pyrax_image.secrets import SecretValues, hide_url_secrets

__all__ = [
    "PyraxImageException",
    "ClientException",
    "BadRequest",
    "Unauthorized",
    "Forbidden",
    "NotFound",
    "EmptyId",
    "MethodNotAllowed",
    "Conflict",
    "OverLimit",
    "UnsupportedMediaType",
    "RangeNotSatisfiable",
    "TooManyRequests",
    "InternalServerError",
    "HTTPNotImplemented",
    "BadGateway",
    "ServiceUnavailable",
    "GatewayTimeout",
    "NoUniqueMatch",
    "InvalidResponse",
    "PagingLoop",
    "TooManyPages",
    "UnsafeRedirect",
    "InvalidImageMember",
    "InvalidImageMemberStatus",
    "UnsharableImage",
    "LastImageLocation",
    "ApiVersionNotSupported",
    "NoSuchContainer",
    "NoSuchObject",
    "MissingTemporaryURLKey",
    "ServiceNotAvailable",
    "NotAuthenticated",
    "AuthenticationFailed",
    "MissingName",
    "InvalidSetting",
    "EnvironmentNotFound",
    "InvalidCredentialFile",
    "InvalidConfigurationFile",
    "FolderNotFound",
    "NoCredentials",
    "YAMLNotInstalled",
    "NotAuthenticatedAttribute",
    "NoEndpointForRegion",
    "NoEndpointForService",
    "InvalidArgument",
    "ReadOnlyAttribute",
    "ConnectionFailed",
    "RequestTimeout",
    "BodyNotRewindable",
    "ChecksumMismatch",
    "WaitTimeout",
    "ImageStatusError",
    "TaskFailed",
    "InspectorNotInstalled",
    "ImageRejected",
    "DiskFormatMismatch",
    "UnsafeImage",
    "from_response",
]


def _rebuilt(cls: Type[BaseException], args: Tuple[Any, ...]) -> BaseException:
    """An exception of ``cls`` with ``args``, made without its ``__init__``
    (whose signature differs from ``args``); pickle then restores its fields."""
    return cls.__new__(cls, *args)


class PyraxImageException(Exception):
    """Base class of every exception this package raises.

    Every one pickles (for ``multiprocessing`` and task queues) with its
    message and fields; the fields are values and ids, never a live
    resource, client or identity.
    """

    def __reduce__(self) -> Tuple[Any, ...]:
        return (_rebuilt, (type(self), self.args), dict(self.__dict__))


class InvalidArgument(PyraxImageException, ValueError):
    """An argument was rejected locally, before any request was sent."""


class ReadOnlyAttribute(InvalidArgument):
    """An update named an attribute the server does not let clients change."""


class MissingName(InvalidArgument):
    """A name was required and none (or an empty one) was given."""


class InvalidSetting(InvalidArgument):
    """``set_setting``/``get_setting`` got a key that is not a setting."""


class EnvironmentNotFound(InvalidArgument):
    """No configuration environment has that name."""


class InvalidCredentialFile(InvalidArgument):
    """A credential file is missing, malformed or lacks a needed value."""


class InvalidConfigurationFile(InvalidArgument):
    """A settings file (``~/.pyrax.cfg``, ``clouds.yaml``) is malformed."""


class FolderNotFound(InvalidArgument):
    """A folder to write into does not exist (pyrax's name)."""


class NoCredentials(InvalidArgument):
    """The command line found no credential source."""


class YAMLNotInstalled(PyraxImageException, ImportError):
    """clouds.yaml was asked for but PyYAML is not installed."""


class InvalidImageMember(PyraxImageException):
    """The member operation is not allowed for this project (e.g. the owner)."""


class InvalidImageMemberStatus(InvalidArgument):
    """A member status other than pending, accepted or rejected was given."""


class NoSuchContainer(PyraxImageException):
    """The object-storage container does not exist."""


class NoSuchObject(PyraxImageException):
    """The object-storage object does not exist."""


class MissingTemporaryURLKey(PyraxImageException):
    """A temporary URL was asked for but the account has no temp-URL key."""


class ServiceNotAvailable(PyraxImageException):
    """The requested service is not in the identity's service catalog."""


class NotAuthenticated(PyraxImageException):
    """An operation needed a token and the identity has none."""


class NotAuthenticatedAttribute(NotAuthenticated, AttributeError):
    """Raised by ``identity.<service or region>`` before authentication."""


class AuthenticationFailed(PyraxImageException):
    """The identity service refused the credentials; ``http_status`` and
    ``request_id`` are those of its answer, when there was one."""

    def __init__(
        self, message: str = "", http_status: Optional[int] = None, request_id: Optional[str] = None
    ):
        super().__init__(message)
        self.http_status = http_status
        self.request_id = request_id


class NoEndpointForRegion(PyraxImageException):
    """The service has no endpoint in the requested region."""


class NoEndpointForService(PyraxImageException):
    """The service catalog has no endpoint for the requested service."""


class BodyNotRewindable(PyraxImageException):
    """A request needed resending but its streamed body was already consumed."""


class ChecksumMismatch(PyraxImageException):
    """Image data did not match the checksum or hash the server reported."""

    def __init__(self, algorithm: str, expected: str, actual: str, image_id: Optional[str] = None):
        self.algorithm = algorithm
        self.expected = expected
        self.actual = actual
        self.image_id = image_id
        target = " for image %s" % image_id if image_id else ""
        super().__init__("%s mismatch%s: expected %s, got %s" % (algorithm, target, expected, actual))


class WaitTimeout(PyraxImageException):
    """A waiter gave up before the resource reached the desired state."""


def _id_and_status(resource: Any) -> Tuple[Optional[str], Optional[str]]:
    """The ``id`` and ``status`` of a resource (or its dict), as text or None."""
    info = resource.to_dict() if hasattr(resource, "to_dict") else resource
    if not isinstance(info, dict):
        return None, None
    image_id, status = info.get("id"), info.get("status")
    return (
        image_id if isinstance(image_id, str) else None,
        status if isinstance(status, str) else None,
    )


class ImageStatusError(PyraxImageException):
    """An image reached a status it cannot leave for the one waited for.

    ``image_id`` and ``status`` say which image and where it stopped (the
    image itself is not kept: it would hold the client and its identity).
    """

    def __init__(self, message: str, image: Any = None):
        self.image_id, self.status = _id_and_status(image)
        super().__init__(message)


class TaskFailed(PyraxImageException):
    """A task ended in ``failure``; ``message`` is the server's reason,
    ``task_id`` and ``status`` the task's (the task itself is not kept)."""

    def __init__(self, message: str, task: Any = None):
        self.task_id, self.status = _id_and_status(task)
        self.message = message
        super().__init__(message)


class InspectorNotInstalled(PyraxImageException, ImportError):
    """Image inspection needs the ``inspect`` extra (oslo.utils' format inspector)."""


class ImageRejected(InvalidArgument):
    """Glance would refuse this image's data: found by inspecting it locally,
    before the image record was created or any byte sent. ``disk_format`` is
    what was declared, ``inspection`` the :class:`~pyrax_image.inspector.ImageInspection`."""

    def __init__(self, message: str, disk_format: Optional[str] = None, inspection: Any = None):
        self.disk_format = disk_format
        self.inspection = inspection
        super().__init__(message)

    def __reduce__(self) -> Any:
        return (type(self), (str(self), self.disk_format), {"inspection": self.inspection})


class DiskFormatMismatch(ImageRejected):
    """The declared ``disk_format`` contradicts the format of the bytes."""


class UnsafeImage(ImageRejected):
    """The image fails Glance's safety checks (backing file, external data
    file, extents outside the file, a banned or ambiguous format...)."""


class ConnectionFailed(PyraxImageException):
    """The server could not be reached or dropped the connection."""


class RequestTimeout(ConnectionFailed):
    """The server did not answer within the client's timeout."""


class ClientException(PyraxImageException):
    """An error response from the server (pyrax's name for the HTTP error base).

    Carries ``code``/``http_status``, ``message``, ``details``, ``request_id``,
    ``method``, ``url`` and, where the server sent one, ``retry_after``.
    """

    http_status: Optional[int] = None
    message = "Unknown error"

    def __init__(
        self,
        code: Optional[int] = None,
        message: Optional[str] = None,
        details: Any = None,
        request_id: Optional[str] = None,
        method: Optional[str] = None,
        url: Optional[str] = None,
        retry_after: Optional[float] = None,
    ):
        self.code = code if code is not None else self.http_status
        self.http_status = self.code
        self.message = message or self.__class__.message
        self.details = details
        self.request_id = request_id
        self.method = method
        self.url = url
        self.retry_after = retry_after
        super().__init__(self.message)

    def __str__(self) -> str:
        if self.code is None:
            return self.message
        text = "%s (HTTP %s)" % (self.message, self.code)
        if self.method and self.url:
            text += " %s %s" % (self.method, hide_url_secrets(self.url))
        if self.request_id:
            text += " (Request-ID: %s)" % self.request_id
        return text


class BadRequest(ClientException):
    """HTTP 400."""

    http_status = 400
    message = "Bad request"


class Unauthorized(ClientException):
    """HTTP 401: the token is missing, invalid or expired."""

    http_status = 401
    message = "Unauthorized"


class Forbidden(ClientException):
    """HTTP 403."""

    http_status = 403
    message = "Forbidden"


class UnsharableImage(Forbidden):
    """The image cannot be shared (HTTP 403 when adding a member)."""


class NotFound(ClientException):
    """HTTP 404."""

    http_status = 404
    message = "Not found"


class EmptyId(NotFound, InvalidArgument):
    """An empty string was given as an id: nothing has it, so it is not
    found (the API's answer, 404) without a request being sent; also an
    ``InvalidArgument``, as every argument refused locally is."""

    message = "Nothing has an empty id (no request was sent)"


class LastImageLocation(Forbidden):
    """Glance refused to delete an image's data from its only store (403):
    delete the image instead."""


class ApiVersionNotSupported(NotFound):
    """The call needs an Image API version (or an optional API) the cloud does
    not offer; Glance answered 404 for the route itself, not a missing object.
    ``version`` is the version needed, ``offered`` the ones the cloud lists."""

    message = "The cloud does not offer this API"
    version: Optional[str] = None
    offered: Tuple[str, ...] = ()


class ImageMemberForbidden(InvalidImageMember, Forbidden):
    """A membership change was refused (403): both pyrax's and the HTTP class."""


class ImageMemberNotFound(InvalidImageMember, NotFound):
    """No membership of your project on that image (404): both pyrax's and the HTTP class."""


class MethodNotAllowed(ClientException):
    """HTTP 405."""

    http_status = 405
    message = "Method not allowed"


class Conflict(ClientException):
    """HTTP 409."""

    http_status = 409
    message = "Conflict"


class OverLimit(ClientException):
    """HTTP 413: a size, property or quota limit was exceeded."""

    http_status = 413
    message = "Over limit"


class UnsupportedMediaType(ClientException):
    """HTTP 415."""

    http_status = 415
    message = "Unsupported media type"


class RangeNotSatisfiable(ClientException):
    """HTTP 416."""

    http_status = 416
    message = "Requested range not satisfiable"


class TooManyRequests(ClientException):
    """HTTP 429; ``retry_after`` says how long the server asked to wait."""

    http_status = 429
    message = "Too many requests"


class InternalServerError(ClientException):
    """HTTP 500 (and any other 5xx without a class of its own)."""

    http_status = 500
    message = "Internal server error"


class HTTPNotImplemented(ClientException):
    """HTTP 501."""

    http_status = 501
    message = "Not implemented"


class BadGateway(InternalServerError):
    """HTTP 502."""

    http_status = 502
    message = "Bad gateway"


class ServiceUnavailable(InternalServerError):
    """HTTP 503."""

    http_status = 503
    message = "Service unavailable"


class GatewayTimeout(InternalServerError):
    """HTTP 504."""

    http_status = 504
    message = "Gateway timeout"


class NoUniqueMatch(ClientException):
    """``find`` matched more than one resource."""

    message = "No unique match"


class InvalidResponse(ClientException):
    """A reply of the wrong shape or encoding (not JSON, a list for an object,
    a link that is not a string, a date that is not a date, ...).

    ``code`` is the HTTP status of the reply, ``url`` and ``request_id`` say
    which one; the message never contains the body's secrets.
    """

    message = "The server sent a reply of the wrong shape"


class PagingLoop(InvalidResponse):
    """The server's ``next`` links lead back to pages already listed."""

    message = "The listing loops"


class TooManyPages(InvalidResponse):
    """A listing had more pages than ``max_pages`` allows."""

    message = "Too many pages"


class UnsafeRedirect(ClientException):
    """A redirect that was not followed: to another origin (scheme, host or
    port), from https to http, a POST turned into a GET, or one whose body
    cannot be sent again. ``code`` is the redirect's status and ``location``
    its target (without userinfo or query secrets)."""

    message = "Redirect refused"

    def __init__(self, *args: Any, location: Optional[str] = None, **kwargs: Any):
        self.location = location
        super().__init__(*args, **kwargs)


# Signals inside the HTTP layer (http.py, http_body.py): caught there and
# never raised to callers, so not under PyraxImageException nor in __all__.


class Retriable(Exception):
    """An attempt failed before a reply was complete; ``error`` is raised
    unless the retry policy says ``cause`` may be resent (``http_retry``)."""

    def __init__(self, error: PyraxImageException, cause: BaseException):
        super().__init__(str(error))
        self.error = error
        self.cause = cause


class BodyCut(Exception):
    """The reply body ended early or its connection broke (``reason`` says how)."""

    def __init__(self, reason: BaseException):
        super().__init__(str(reason))
        self.reason = reason


class DeadlinePassed(Exception):
    """The call's deadline passed while the reply was still arriving."""


class ReplyTooLarge(Exception):
    """A reply read whole passed ``limit`` decoded bytes (the transport's ``max_reply_bytes``)."""

    def __init__(self, limit: int):
        super().__init__("the reply is larger than the %d-byte cap" % limit)
        self.limit = limit


_CLASS_BY_STATUS: Dict[int, Type[ClientException]] = {
    cls.http_status: cls
    for cls in (
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        MethodNotAllowed,
        Conflict,
        OverLimit,
        UnsupportedMediaType,
        RangeNotSatisfiable,
        TooManyRequests,
        InternalServerError,
        HTTPNotImplemented,
        BadGateway,
        ServiceUnavailable,
        GatewayTimeout,
    )
}


def from_response(
    response: requests.Response,
    method: Optional[str] = None,
    url: Optional[str] = None,
    secrets: Optional[SecretValues] = None,
) -> ClientException:
    """Build the exception matching an error ``response`` (not raised here),
    scrubbed of ``secrets`` when given."""
    status = response.status_code
    cls = _CLASS_BY_STATUS.get(status)
    if cls is None:
        cls = InternalServerError if status >= 500 else ClientException
    message, details = message_and_details(response)
    error = cls(
        code=status,
        message=message or (response.reason or None),
        details=details,
        request_id=request_id_of(response),
        method=method or (response.request.method if response.request is not None else None),
        url=url or response.url or None,
        retry_after=retry_after(response),
    )
    return secrets.scrub_error(error) if secrets is not None else error
