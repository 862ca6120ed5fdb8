"""Populate the local Keystone through its v3 REST API (stdlib only).

Run by localcloud/start.sh after ``keystone-manage bootstrap`` created the
admin user/project/role, the RegionOne region and the identity endpoints.
Creates (idempotently: existing objects are looked up, not duplicated):

- projects alpha, beta, service (domain Default);
- users alice/alicepass (member+reader on alpha), bob/bobpass (member+reader
  on beta), glance/glancepass and swift/swiftpass (service+admin on service);
- region RegionTwo; services image (glance) and object-store (swift) with
  public endpoints on 127.0.0.1 and internal ones on localhost;
- Keystone registered limits of Glance RegionTwo (IMAGE_LIMITS, unified
  limits: that Glance has use_keystone_limits) and the system reader role
  for the glance user, which reads them (oslo.limit).

Usage: keystone_bootstrap.py KEYSTONE_URL ADMIN_PASSWORD OUT.json
Writes the ids the tests need to OUT.json.
"""
import json
import sys
import urllib.error
import urllib.request

KS, ADMIN_PASSWORD, OUT = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
DOMAIN = "default"

PROJECTS = ["alpha", "beta", "service"]
USERS = {
    # name: (password, project, roles on that project)
    "alice": ("alicepass", "alpha", ["member", "reader"]),
    "bob": ("bobpass", "beta", ["member", "reader"]),
    "glance": ("glancepass", "service", ["service", "admin"]),
    "swift": ("swiftpass", "service", ["service", "admin"]),
}
REGIONS = ["RegionOne", "RegionTwo"]
# Glance's quotas in RegionTwo (MiB for the totals); generous, so that only
# the usage tests notice them.
IMAGE_LIMITS = {
    "image_size_total": 100000,
    "image_stage_total": 100000,
    "image_count_total": 10000,
    "image_count_uploading": 1000,
}
LIMITS_REGION = "RegionTwo"
SERVICES = {
    # type: (name, [(region, interface, url), ...])
    "image": ("glance", [
        ("RegionOne", "public", "http://127.0.0.1:9293"),
        ("RegionOne", "internal", "http://localhost:9293"),
        ("RegionTwo", "public", "http://127.0.0.1:9294"),
        ("RegionTwo", "internal", "http://localhost:9294"),
    ]),
    "object-store": ("swift", [
        ("RegionOne", "public", "http://127.0.0.1:8080/v1/AUTH_%(project_id)s"),
        ("RegionOne", "internal", "http://localhost:8080/v1/AUTH_%(project_id)s"),
    ]),
}


def call(method, path, body=None, token=None, ok=(200, 201, 204)):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(KS + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    req.add_header("Accept", "application/json")
    if token:
        req.add_header("X-Auth-Token", token)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            raw = resp.read()
            return resp.status, resp.headers, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as exc:
        if exc.code in ok:
            return exc.code, exc.headers, None
        raise SystemExit("keystone %s %s -> %s %s" % (
            method, path, exc.code, exc.read()[:500]))


def main():
    auth = {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": "admin", "domain": {"id": DOMAIN},
            "password": ADMIN_PASSWORD}}},
        "scope": {"system": {"all": True}}}}
    _, headers, _ = call("POST", "/v3/auth/tokens", auth)
    tok = headers["X-Subject-Token"]

    def find(collection, key, **filters):
        query = "&".join("%s=%s" % kv for kv in filters.items())
        _, _, body = call("GET", "/v3/%s?%s" % (collection, query), token=tok)
        return body[key]

    def ensure(collection, key, filters, create):
        found = find(collection, collection, **filters)
        if found:
            return found[0]
        _, _, body = call("POST", "/v3/" + collection, {key: create}, tok)
        return body[key]

    roles = {r["name"]: r["id"] for r in find("roles", "roles")}
    for name in ("admin", "member", "reader", "service"):
        if name not in roles:
            roles[name] = ensure("roles", "role", {"name": name},
                                 {"name": name})["id"]

    projects = {"admin": find("projects", "projects", name="admin")[0]["id"]}
    for name in PROJECTS:
        projects[name] = ensure(
            "projects", "project", {"name": name, "domain_id": DOMAIN},
            {"name": name, "domain_id": DOMAIN, "enabled": True,
             "description": "pyrax_image local cloud"})["id"]

    users = {"admin": find("users", "users", name="admin")[0]["id"]}
    for name, (password, project, role_names) in USERS.items():
        uid = ensure("users", "user", {"name": name, "domain_id": DOMAIN},
                     {"name": name, "domain_id": DOMAIN, "enabled": True,
                      "password": password,
                      "default_project_id": projects[project]})["id"]
        users[name] = uid
        for role in role_names:
            call("PUT", "/v3/projects/%s/users/%s/roles/%s" % (
                projects[project], uid, roles[role]), token=tok)

    for region in REGIONS:
        status, _, _ = call("GET", "/v3/regions/" + region, token=tok,
                            ok=(404,))
        if status == 404:
            call("POST", "/v3/regions", {"region": {"id": region}}, tok)

    for stype, (sname, endpoints) in SERVICES.items():
        svc = ensure("services", "service", {"type": stype},
                     {"type": stype, "name": sname, "enabled": True})
        existing = find("endpoints", "endpoints", service_id=svc["id"])
        have = {(e["region_id"], e["interface"]) for e in existing}
        for region, interface, url in endpoints:
            if (region, interface) not in have:
                call("POST", "/v3/endpoints", {"endpoint": {
                    "service_id": svc["id"], "region_id": region,
                    "interface": interface, "url": url,
                    "enabled": True}}, tok)

        if stype == "image":
            have = {(lim["resource_name"], lim.get("region_id")) for lim in
                    find("registered_limits", "registered_limits",
                         service_id=svc["id"])}
            missing = [{"service_id": svc["id"], "region_id": LIMITS_REGION,
                        "resource_name": name, "default_limit": limit}
                       for name, limit in IMAGE_LIMITS.items()
                       if (name, LIMITS_REGION) not in have]
            if missing:
                call("POST", "/v3/registered_limits",
                     {"registered_limits": missing}, tok)
    call("PUT", "/v3/system/users/%s/roles/%s" % (
        users["glance"], roles["reader"]), token=tok)

    with open(OUT, "w") as fh:
        json.dump({"projects": projects, "users": users, "roles": roles},
                  fh, indent=2, sort_keys=True)


if __name__ == "__main__":
    main()
