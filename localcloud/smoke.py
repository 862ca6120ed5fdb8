#!/usr/bin/env python3
"""Smoke check of the local cloud started by localcloud/start.sh.

Python standard library only. Reads cloud.json (path as argument, or
$PYRAX_IMAGE_CLOUD_JSON, or the default state dir). Checks:

  noauth Glance (:9292): create, chunked upload, download, delete; keep-alive
    (several requests on one connection); glance-direct import; copy-image
    to the second store (admin).
  Keystone: v3 password login as alice; bad password -> 401.
  Glance RegionOne/RegionTwo (:9293/:9294): list images with alice's token;
    no token -> 401; a task import as alice (member) reaches success.
  Swift: PUT container and object with alice's token, temp URL GET, a
    static large object, tempauth login.
  noauth Glance: web-download import of that temp URL reaches active.

With --noauth-only (or a cloud.json of mode noauth) only the noauth checks
run. Exit status 0 when every check passed.
"""
import hashlib
import hmac
import http.client
import json
import os
import sys
import time
import urllib.parse
import uuid

CHECKS = {"passed": 0, "failed": 0}


def load_cloud(argv):
    args = [a for a in argv if not a.startswith("--")]
    if args:
        path = args[0]
    elif os.environ.get("PYRAX_IMAGE_CLOUD_JSON"):
        path = os.environ["PYRAX_IMAGE_CLOUD_JSON"]
    else:
        home = os.environ.get("PYRAX_IMAGE_CLOUD_HOME",
                              os.path.expanduser("~/.cache/pyrax_image_cloud"))
        state = os.environ.get("PYRAX_IMAGE_CLOUD_STATE",
                               os.path.join(home, "state"))
        path = os.path.join(state, "cloud.json")
    with open(path) as fh:
        return json.load(fh)


class Conn:
    """One keep-alive HTTP connection to a base URL."""

    def __init__(self, base, headers=None):
        u = urllib.parse.urlsplit(base)
        self.prefix = u.path.rstrip("/")
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        self.headers = dict(headers or {})

    def req(self, method, path, body=None, headers=None, chunked=False):
        h = dict(self.headers)
        h.update(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        self.conn.request(method, self.prefix + path, body=body, headers=h,
                          encode_chunked=chunked)
        resp = self.conn.getresponse()
        data = resp.read()
        return resp.status, resp.headers, data

    def close(self):
        self.conn.close()


T0 = time.time()


def check(name, cond, detail=""):
    if cond:
        CHECKS["passed"] += 1
        print("ok    %5.1fs %s" % (time.time() - T0, name))
    else:
        CHECKS["failed"] += 1
        print("FAIL  %5.1fs %s %s" % (time.time() - T0, name, detail))
    sys.stdout.flush()
    return cond


def expect(name, status, want, data=b""):
    return check(name, status == want,
                 "(got %s, want %s: %r)" % (status, want, data[:300]))


def wait_status(conn, image_id, wanted, limit=90):
    deadline = time.time() + limit
    status = None
    while time.time() < deadline:
        st, _, data = conn.req("GET", "/v2/images/" + image_id)
        if st == 200:
            image = json.loads(data)
            status = image["status"]
            if status in wanted or status in ("killed", "deleted"):
                return image
        time.sleep(0.3)
    return {"status": status}


def chunks(payload, size=1 << 20):
    for i in range(0, len(payload), size):
        yield payload[i:i + size]


def noauth_checks(cloud, payload):
    project = "smoke-" + uuid.uuid4().hex[:8]
    member = {"X-Identity-Status": "Confirmed", "X-Project-Id": project,
              "X-User-Id": "smoke-user", "X-Roles": "reader,member",
              "Accept": "application/json"}
    g = Conn(cloud["glance_noauth_url"], member)

    st, hdrs, data = g.req("POST", "/v2/images", {
        "name": "smoke-upload", "disk_format": "raw",
        "container_format": "bare"})
    if not expect("noauth: create image", st, 201, data):
        return
    image_id = json.loads(data)["id"]
    check("noauth: import methods header",
          "glance-direct" in (hdrs.get("OpenStack-image-import-methods") or ""),
          hdrs.get("OpenStack-image-import-methods"))
    st, _, data = g.req("PUT", "/v2/images/%s/file" % image_id,
                        chunks(payload),
                        {"Content-Type": "application/octet-stream"},
                        chunked=True)
    expect("noauth: chunked upload (1 MiB chunks)", st, 204, data)
    st, hdrs, data = g.req("GET", "/v2/images/%s/file" % image_id)
    check("noauth: download matches", st == 200 and data == payload,
          "(status %s, %d bytes)" % (st, len(data)))
    check("noauth: Content-MD5", hdrs.get("Content-MD5")
          == hashlib.md5(payload).hexdigest(), hdrs.get("Content-MD5"))
    st, _, data = g.req("DELETE", "/v2/images/" + image_id)
    expect("noauth: delete", st, 204, data)
    st, _, data = g.req("GET", "/v2/images/" + image_id)
    expect("noauth: deleted image is 404", st, 404, data)

    # keep-alive: the same connection object served all of the above; check
    # the socket really stayed open across a few more requests.
    sock = g.conn.sock
    for _ in range(3):
        g.req("GET", "/v2/images?limit=1")
    check("noauth: keep-alive (one socket for all requests)",
          sock is not None and g.conn.sock is sock)

    # glance-direct: stage then import
    st, _, data = g.req("POST", "/v2/images", {
        "name": "smoke-direct", "disk_format": "raw",
        "container_format": "bare", "visibility": "shared"})
    image_id = json.loads(data)["id"]
    st, _, data = g.req("PUT", "/v2/images/%s/stage" % image_id, payload,
                        {"Content-Type": "application/octet-stream"})
    expect("noauth: stage", st, 204, data)
    st, _, data = g.req("POST", "/v2/images/%s/import" % image_id,
                        {"method": {"name": "glance-direct"}})
    expect("noauth: glance-direct import accepted", st, 202, data)
    image = wait_status(g, image_id, ("active",))
    check("noauth: glance-direct import active", image["status"] == "active",
          image)
    check("noauth: stored in default store 'fast'",
          image.get("stores") == "fast", image.get("stores"))

    # copy-image (admin) into the second store
    admin = dict(member, **{"X-Roles": "admin,reader,member"})
    ga = Conn(cloud["glance_noauth_url"], admin)
    st, _, data = ga.req("POST", "/v2/images/%s/import" % image_id, {
        "method": {"name": "copy-image"}, "stores": ["cheap"]})
    expect("noauth: copy-image accepted", st, 202, data)
    deadline = time.time() + 60
    stores = ""
    while time.time() < deadline:
        _, _, data = ga.req("GET", "/v2/images/" + image_id)
        stores = json.loads(data).get("stores", "")
        if set(stores.split(",")) == {"fast", "cheap"}:
            break
        time.sleep(0.3)
    check("noauth: copy-image to store 'cheap'",
          set(stores.split(",")) == {"fast", "cheap"}, stores)
    st, _, data = g.req("DELETE", "/v2/images/" + image_id)
    expect("noauth: delete imported image", st, 204, data)
    st, _, data = g.req("GET", "/v2/tasks")
    expect("noauth: tasks are admin-only (member -> 403)", st, 403, data)
    st, _, data = ga.req("GET", "/v2/tasks")
    expect("noauth: admin lists tasks", st, 200, data)
    g.close()
    ga.close()
    return member


def keystone_login(cloud, user, password, project):
    k = Conn(cloud["keystone_url"])
    st, hdrs, data = k.req("POST", "/v3/auth/tokens", {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": user, "domain": {"name": cloud["domain"]},
            "password": password}}},
        "scope": {"project": {"name": project,
                              "domain": {"name": cloud["domain"]}}}}})
    k.close()
    return st, hdrs.get("X-Subject-Token"), data


def full_checks(cloud, payload, member_headers):
    alice = cloud["users"]["alice"]
    st, token, data = keystone_login(cloud, "alice", alice["password"],
                                     alice["project_name"])
    if not expect("keystone: v3 password login as alice", st, 201, data):
        return
    body = json.loads(data)["token"]
    check("keystone: token scoped to alpha",
          body["project"]["id"] == alice["project_id"])
    catalog = {(s["type"], e["region_id"], e["interface"]): e["url"]
               for s in body["catalog"] for e in s["endpoints"]}
    check("keystone: catalog image RegionOne public/internal",
          catalog.get(("image", "RegionOne", "public")) == "http://127.0.0.1:9293"
          and catalog.get(("image", "RegionOne", "internal")) == "http://localhost:9293",
          catalog)
    check("keystone: catalog image RegionTwo",
          catalog.get(("image", "RegionTwo", "public")) == "http://127.0.0.1:9294")
    swift_url = catalog.get(("object-store", "RegionOne", "public"))
    check("keystone: catalog object-store",
          swift_url == "http://127.0.0.1:8080/v1/AUTH_%s" % alice["project_id"],
          swift_url)
    st, _, data = keystone_login(cloud, "alice", "wrong", "alpha")
    expect("keystone: bad password -> 401", st, 401, data)

    for region in ("RegionOne", "RegionTwo"):
        g = Conn(cloud["regions"][region]["image"],
                 {"X-Auth-Token": token, "Accept": "application/json"})
        st, _, data = g.req("GET", "/v2/images")
        expect("glance %s: list images with alice's token" % region, st,
               200, data)
        g.close()
        g = Conn(cloud["regions"][region]["image"])
        st, _, data = g.req("GET", "/v2/images")
        expect("glance %s: no token -> 401" % region, st, 401, data)
        g.close()

    # Swift with alice's token
    s = Conn(swift_url, {"X-Auth-Token": token})
    container = "smoke-" + uuid.uuid4().hex[:8]
    st, _, data = s.req("PUT", "/" + container)
    check("swift: PUT container", st in (201, 202), (st, data))
    st, hdrs, data = s.req("PUT", "/%s/disk.raw" % container, payload)
    expect("swift: PUT object", st, 201, data)
    check("swift: ETag is MD5", hdrs.get("Etag", "").strip('"')
          == hashlib.md5(payload).hexdigest())
    key = uuid.uuid4().hex
    st, _, data = s.req("POST", "", headers={"X-Account-Meta-Temp-URL-Key": key})
    expect("swift: set temp URL key", st, 204, data)
    path = "/v1/AUTH_%s/%s/disk.raw" % (alice["project_id"], container)
    expires = int(time.time()) + 600
    sig = hmac.new(key.encode(), ("GET\n%d\n%s" % (expires, path)).encode(),
                   hashlib.sha256).hexdigest()
    temp_url = "%s%s?temp_url_sig=%s&temp_url_expires=%d" % (
        cloud["swift_url"], path, sig, expires)
    anon = Conn(cloud["swift_url"])
    st, _, data = anon.req("GET", temp_url[len(cloud["swift_url"]):])
    check("swift: temp URL GET (sha256)", st == 200 and data == payload,
          (st, len(data)))
    anon.close()

    # static large object: two segments + manifest, read back whole
    seg1, seg2 = payload[:1 << 20], payload[1 << 20:]
    s.req("PUT", "/%s/seg/1" % container, seg1)
    s.req("PUT", "/%s/seg/2" % container, seg2)
    manifest = [
        {"path": "/%s/seg/1" % container, "etag": hashlib.md5(seg1).hexdigest(),
         "size_bytes": len(seg1)},
        {"path": "/%s/seg/2" % container, "etag": hashlib.md5(seg2).hexdigest(),
         "size_bytes": len(seg2)}]
    st, _, data = s.req("PUT", "/%s/slo.raw?multipart-manifest=put" % container,
                        json.dumps(manifest).encode())
    expect("swift: PUT SLO manifest", st, 201, data)
    st, _, data = s.req("GET", "/%s/slo.raw" % container)
    check("swift: GET SLO returns both segments",
          st == 200 and data == payload, (st, len(data)))
    st, _, data = s.req("DELETE", "/%s/slo.raw?multipart-manifest=delete" % container)
    expect("swift: DELETE SLO with segments", st, 200, data)

    # tempauth still answers on its own reseller prefix
    t = Conn(cloud["swift_url"])
    st, hdrs, data = t.req("GET", "/auth/v1.0", headers={
        "X-Storage-User": cloud["swift_tempauth"]["user"],
        "X-Storage-Pass": cloud["swift_tempauth"]["key"]})
    check("swift: tempauth login", st == 200 and hdrs.get("X-Auth-Token"),
          (st, data[:200]))
    t.close()

    # web-download of the temp URL into noauth Glance
    g = Conn(cloud["glance_noauth_url"], member_headers)
    st, _, data = g.req("POST", "/v2/images", {
        "name": "smoke-web-download", "disk_format": "raw",
        "container_format": "bare"})
    image_id = json.loads(data)["id"]
    st, _, data = g.req("POST", "/v2/images/%s/import" % image_id, {
        "method": {"name": "web-download", "uri": temp_url}})
    expect("noauth: web-download import accepted", st, 202, data)
    image = wait_status(g, image_id, ("active",))
    check("noauth: web-download of Swift temp URL active",
          image["status"] == "active"
          and image.get("checksum") == hashlib.md5(payload).hexdigest(),
          image)
    g.req("DELETE", "/v2/images/" + image_id)
    g.close()

    # legacy task import as a member on RegionOne (tasks opened to members)
    g = Conn(cloud["regions"]["RegionOne"]["image"],
             {"X-Auth-Token": token, "Accept": "application/json"})
    st, _, data = g.req("POST", "/v2/tasks", {"type": "import", "input": {
        "import_from": temp_url, "import_from_format": "raw",
        "image_properties": {"name": "smoke-task", "disk_format": "raw",
                             "container_format": "bare",
                             "owner": alice["project_id"]}}})
    if expect("glance RegionOne: task import created by alice", st, 201, data):
        task_id = json.loads(data)["id"]
        deadline = time.time() + 90
        task = {}
        while time.time() < deadline:
            _, _, data = g.req("GET", "/v2/tasks/" + task_id)
            task = json.loads(data)
            if task.get("status") in ("success", "failure"):
                break
            time.sleep(0.5)
        check("glance RegionOne: task import success",
              task.get("status") == "success", task)
        image_id = (task.get("result") or {}).get("image_id")
        if image_id:
            image = wait_status(g, image_id, ("active",), 30)
            check("glance RegionOne: task image active",
                  image["status"] == "active", image)
            g.req("DELETE", "/v2/images/" + image_id)
    g.close()

    s.req("DELETE", "/%s/disk.raw" % container)
    st, _, _ = s.req("DELETE", "/" + container)
    check("swift: cleanup", st == 204, st)
    s.close()


def main():
    cloud = load_cloud(sys.argv[1:])
    noauth_only = "--noauth-only" in sys.argv or cloud.get("mode") == "noauth"
    payload = os.urandom(3 * (1 << 20) + 12345)  # 3 MiB and a bit
    t0 = time.time()
    member = noauth_checks(cloud, payload)
    if not noauth_only and member:
        full_checks(cloud, payload, member)
    print("smoke: %.1f s" % (time.time() - t0))
    print("%d passed, %d failed" % (CHECKS["passed"], CHECKS["failed"]))
    return 1 if CHECKS["failed"] or not CHECKS["passed"] else 0


if __name__ == "__main__":
    sys.exit(main())
