"""The service catalog: services, the regions they run in and their endpoints.

Parses the catalog of a Keystone v3 token (``token.catalog``) or of a v2.0 /
Rackspace access (``access.serviceCatalog``) into :class:`Service` objects
holding one :class:`Endpoint` per region, each with a public and an internal
(ServiceNet) URL. Lookups ignore case in region names and accept pyrax's
service names (``object_store``, ``cloudfiles``, ``images``, ``glance``...,
see :mod:`pyrax_image.identity.service_types`).
"""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Iterable,
    List,
    Optional,
    Type,
    TypeVar,
    Union,
    overload,
)

from pyrax_image import exceptions as exc
from pyrax_image.identity.service_types import client_class_for, normalize_service_type
from pyrax_image.replies import expect_objects, invalid, optional_text

if TYPE_CHECKING:  # a runtime import would be a cycle: pyrax_image.client imports identity
    from pyrax_image.client import BaseClient

ALL_REGIONS = "ALL"


V = TypeVar("V")
T = TypeVar("T")
C = TypeVar("C", bound="BaseClient[Any]")


class AttrDict(Dict[str, V]):
    """A dict whose keys are also attributes (``d.RegionOne`` is ``d["RegionOne"]``).

    Lookups ignore case and pass through ``normalize`` (e.g. service aliases).
    """

    def __init__(self, items: Iterable[Any] = (), normalize: Optional[Callable[[str], str]] = None):
        super().__init__(items)
        self._normalize = normalize

    def _actual_key(self, key: Any) -> Any:
        if not isinstance(key, str) or dict.__contains__(self, key):
            return key
        wanted = self._normalize(key) if self._normalize else key
        for existing in self.keys():
            if existing.lower() == wanted.lower():
                return existing
        return key

    def __getitem__(self, key: Any) -> V:
        return dict.__getitem__(self, self._actual_key(key))

    def __contains__(self, key: Any) -> bool:
        return dict.__contains__(self, self._actual_key(key))

    @overload
    def get(self, key: Any, default: None = None) -> Optional[V]: ...

    @overload
    def get(self, key: Any, default: Union[V, T]) -> Union[V, T]: ...

    def get(self, key: Any, default: Any = None) -> Any:
        """``self[key]``, or ``default`` when absent."""
        return dict.get(self, self._actual_key(key), default)

    def __getattr__(self, name: str) -> V:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError("No '%s' here; there are: %s" % (name, ", ".join(sorted(self)))) from None


class Endpoint:
    """One service in one region: its URLs and, on demand, a client for it.

    ``public_url`` and ``internal_url`` (pyrax's ``private_url``, Rackspace's
    ServiceNet) come from the catalog. ``endpoint.client`` is a client on the
    public URL, ``endpoint.client_private`` one on the internal URL; other
    public attributes are looked up on ``client`` (``identity.DFW.image.list()``).
    """

    def __init__(
        self,
        identity: Any,
        service: Service,
        region: str,
        public_url: Optional[str] = None,
        internal_url: Optional[str] = None,
        admin_url: Optional[str] = None,
        tenant_id: Optional[str] = None,
        extra: Optional[Dict[str, Any]] = None,
    ):
        self.identity = identity
        self.service = service
        self.region = region
        self.public_url = public_url
        self.internal_url = internal_url
        self.admin_url = admin_url
        self.tenant_id = tenant_id
        self.extra = extra or {}
        self._clients: Dict[bool, BaseClient[Any]] = {}

    @property
    def private_url(self) -> Optional[str]:
        """pyrax's name for the internal (ServiceNet) URL."""
        return self.internal_url

    def url(self, public: bool = True) -> str:
        """The public or internal URL; NoEndpointForService if the catalog has none."""
        found = self.public_url if public else self.internal_url
        if not found:
            raise exc.NoEndpointForService(
                "The '%s' service has no %s URL in region '%s'"
                % (self.service.catalog_type, "public" if public else "internal", self.region)
            )
        return found

    def get(self, url_type: str) -> Optional[str]:
        """``"public"``, ``"private"``/``"internal"`` or ``"admin"`` URL (pyrax)."""
        kind = url_type.lower().replace("url", "")
        if kind == "public":
            return self.public_url
        if kind in ("private", "internal"):
            return self.internal_url
        if kind == "admin":
            return self.admin_url
        raise exc.InvalidArgument("url_type must be 'public' or 'private', not %r" % url_type)

    def get_new_client(self, public: bool = True) -> BaseClient[Any]:
        """A new client for this endpoint (not cached)."""
        return self.get_client(public=public, cached=False)

    def get_client(self, public: bool = True, cached: bool = True) -> BaseClient[Any]:
        """The client for this endpoint on its public (or internal) URL, the
        one made before when ``cached``."""
        if cached and public in self._clients:
            return self._clients[public]
        client = self.new_client(client_class_for(self.service.type), public, service_name=self.service.name)
        if cached:
            self._clients[public] = client
        return client

    def new_client(self, cls: Type[C], public: bool = True, **options: Any) -> C:
        """A new ``cls`` on this endpoint's public (or internal) URL with its
        identity's TLS, logging, timeout and user agent; ``options`` add to or
        replace those. NoEndpointForService, before any request, if there is no such URL."""
        self.url(public)
        identity = self.identity
        settings: Dict[str, Any] = dict(
            verify_ssl=getattr(identity, "verify_ssl", True),
            cert=getattr(identity, "cert", None),
            http_log_debug=bool(getattr(identity, "http_log_debug", False)),
            timeout=getattr(identity, "timeout", None),
            user_agent=getattr(identity, "user_agent", None),
        )
        settings.update(options)
        return cls(
            identity,
            region_name=None if self.region == ALL_REGIONS else self.region,
            endpoint_type="public" if public else "internal",
            **settings,
        )

    @property
    def client(self) -> BaseClient[Any]:
        """The (cached) client on the public URL."""
        return self.get_client(public=True)

    @property
    def client_private(self) -> BaseClient[Any]:
        """The (cached) client on the internal (ServiceNet) URL."""
        return self.get_client(public=False)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return getattr(self.client, name)
        except AttributeError:
            raise AttributeError(
                "Endpoint for service '%s' in region '%s' has no attribute '%s'"
                % (self.service.type, self.region, name)
            ) from None

    def __repr__(self) -> str:
        return "<Endpoint %s %s public=%s internal=%s>" % (
            self.service.type,
            self.region,
            self.public_url,
            self.internal_url,
        )


class Service:
    """A service of the catalog and its endpoints keyed by region."""

    def __init__(self, catalog_type: str, name: Optional[str] = None):
        self.catalog_type = catalog_type
        self.name = name
        self.prefix = catalog_type.split(":", 1)[0] if ":" in catalog_type else ""
        self.type = normalize_service_type(catalog_type)
        self.service_type = self.type
        self.endpoints: AttrDict[Endpoint] = AttrDict()

    @property
    def regions(self) -> List[str]:
        """The regions this service has endpoints in (``ALL`` for global ones)."""
        return list(self.endpoints.keys())

    def endpoint_for(self, region: str) -> Optional[Endpoint]:
        """The endpoint in ``region`` (any case), else a global one, else None."""
        found = self.endpoints.get(region)
        if found is None:
            found = self.endpoints.get(ALL_REGIONS)
        return found

    def get_client(self, region: str, public: bool = True) -> BaseClient[Any]:
        """The client of this service in ``region`` (pyrax)."""
        endpoint = self.endpoint_for(region)
        if endpoint is None:
            raise no_endpoint_for_region(self, region)
        return endpoint.get_client(public=public)

    def __repr__(self) -> str:
        return "<Service %s (%s) regions=%s>" % (self.type, self.name, ",".join(self.regions))


def no_endpoint_for_region(service: Service, region: str) -> exc.NoEndpointForRegion:
    """The error for a region the service is not in, naming those it is in."""
    return exc.NoEndpointForRegion(
        "The '%s' service has no endpoint in region '%s'; its regions are: %s"
        % (service.catalog_type, region, ", ".join(service.regions) or "(none)")
    )


class ServiceCatalog:
    """Every service of a token's catalog; see :meth:`url_for`."""

    def __init__(self, services: List[Service]):
        self.all_services = services
        self.services: AttrDict[Service] = AttrDict(normalize=normalize_service_type)
        for service in services:
            self.services.setdefault(service.type, service)

    @classmethod
    def from_v3(
        cls, catalog: Optional[List[Dict[str, Any]]], identity: Any = None, response: Any = None
    ) -> ServiceCatalog:
        """Parse ``token.catalog`` of a Keystone v3 token (InvalidResponse if malformed)."""
        services = []
        for entry in _entries(catalog, "The catalog", response):
            service = _service(entry, response)
            what = "The endpoints of the '%s' service" % service.catalog_type
            for raw in _endpoints(entry, what, response):
                region = _text(raw, ("region_id", "region"), what, response) or ALL_REGIONS
                endpoint = service.endpoints.get(region)
                if endpoint is None:
                    endpoint = Endpoint(identity, service, region)
                    service.endpoints[region] = endpoint
                interface = (_text(raw, ("interface",), what, response) or "").lower()
                url = _text(raw, ("url",), what, response)
                attribute = {"public": "public_url", "internal": "internal_url", "admin": "admin_url"}
                if interface in attribute and not getattr(endpoint, attribute[interface]):
                    setattr(endpoint, attribute[interface], url)
            services.append(service)
        return cls(services)

    @classmethod
    def from_v2(
        cls, catalog: Optional[List[Dict[str, Any]]], identity: Any = None, response: Any = None
    ) -> ServiceCatalog:
        """Parse ``access.serviceCatalog`` of a v2.0 (Rackspace) access (InvalidResponse if malformed)."""
        known = {"region", "publicURL", "internalURL", "privateURL", "adminURL", "tenantId"}
        services = []
        for entry in _entries(catalog, "The service catalog", response):
            service = _service(entry, response)
            what = "The endpoints of the '%s' service" % service.catalog_type
            for raw in _endpoints(entry, what, response):
                region = _text(raw, ("region",), what, response) or ALL_REGIONS
                urls = {key: _text(raw, (key,), what, response) for key in known}
                if region in service.endpoints:
                    continue
                service.endpoints[region] = Endpoint(
                    identity,
                    service,
                    region,
                    public_url=urls["publicURL"],
                    internal_url=urls["internalURL"] or urls["privateURL"],
                    admin_url=urls["adminURL"],
                    tenant_id=urls["tenantId"],
                    extra={k: v for k, v in raw.items() if k not in known},
                )
            services.append(service)
        return cls(services)

    @property
    def regions(self) -> List[str]:
        """Every named region of the catalog, in order of appearance."""
        seen: List[str] = []
        for service in self.all_services:
            for region in service.endpoints:
                if region != ALL_REGIONS and region not in seen:
                    seen.append(region)
        return seen

    def region_view(self, region: str) -> AttrDict[Endpoint]:
        """The endpoints in ``region`` keyed by service type (``identity.DFW``)."""
        view: AttrDict[Endpoint] = AttrDict(normalize=normalize_service_type)
        for service in self.all_services:
            if region.lower() == ALL_REGIONS.lower():
                endpoint = service.endpoints.get(ALL_REGIONS)
            else:
                endpoint = service.endpoint_for(region)
            if endpoint is not None:
                view.setdefault(service.type, endpoint)
        return view

    def find_services(self, service_type: str, service_name: Optional[str] = None) -> List[Service]:
        """The services of a type (and name); NoEndpointForService if none."""
        wanted = normalize_service_type(service_type)
        found = [s for s in self.all_services if s.type == wanted]
        if service_name:
            found = [s for s in found if (s.name or "").lower() == service_name.lower()]
        if not found:
            available = sorted({s.catalog_type for s in self.all_services})
            raise exc.NoEndpointForService(
                "The service catalog has no '%s' service%s; it has: %s"
                % (service_type, " named '%s'" % service_name if service_name else "", ", ".join(available))
            )
        return found

    def endpoint_for(
        self,
        service_type: str,
        region: Optional[str] = None,
        service_name: Optional[str] = None,
        preferred_region: Optional[str] = None,
    ) -> Endpoint:
        """The endpoint of a service in ``region`` (strict).

        Without ``region``: the one in ``preferred_region`` if there is one,
        else the service's only region, else its first endpoint.
        """
        services = self.find_services(service_type, service_name)
        if region:
            for service in services:
                endpoint = service.endpoint_for(region)
                if endpoint is not None:
                    return endpoint
            raise no_endpoint_for_region(services[0], region)
        if preferred_region:
            for service in services:
                endpoint = service.endpoint_for(preferred_region)
                if endpoint is not None:
                    return endpoint
        for service in services:
            for endpoint in service.endpoints.values():
                return endpoint
        raise exc.NoEndpointForService("The '%s' service has no endpoints in the catalog" % service_type)

    def url_for(
        self,
        service_type: str,
        region: Optional[str] = None,
        public: bool = True,
        service_name: Optional[str] = None,
        preferred_region: Optional[str] = None,
    ) -> str:
        """The public or internal URL of a service (see :meth:`endpoint_for`)."""
        return self.endpoint_for(service_type, region, service_name, preferred_region).url(public)


def _entries(catalog: Any, what: str, response: Any) -> List[Dict[str, Any]]:
    return [] if catalog is None else expect_objects(catalog, what, response)


def _service(entry: Dict[str, Any], response: Any) -> Service:
    kind = optional_text(entry, "type", "A catalog entry", response)
    if not kind:
        raise invalid(response, "A catalog entry has no service type")
    return Service(kind, optional_text(entry, "name", "A catalog entry", response))


def _endpoints(entry: Dict[str, Any], what: str, response: Any) -> List[Dict[str, Any]]:
    if "endpoints" not in entry:
        raise invalid(response, "%s are missing" % what)
    return expect_objects(entry["endpoints"], what, response)


def _text(raw: Dict[str, Any], keys: Iterable[str], what: str, response: Any) -> Optional[str]:
    """The first of ``keys`` present in an endpoint (each must be a string)."""
    for key in keys:
        value = optional_text(raw, key, what, response)
        if value:
            return value
    return None
