#!/usr/bin/env bats
# Bad input to selkie pull: invalid references, registry errors, corrupt blobs, hostile
# manifests and hostile layer tars, a pull killed half-way. Every rejection is one
# "Error: ..." line, exit 125, and leaves the store exactly as it was.

load helpers
bats_require_minimum_version 1.5.0

BAD_CASES="absolute device dotdot dotdot-nested hardlink-abs hardlink-escape hardlink-via-symlink
	symlink-abs symlink-chain symlink-rel valid whiteout-escape"

# The hostile layer images of make-bad-tars.sh go to the plain registry once for the file.
setup_file() {
	[[ -n ${SELKIE_REGISTRY:-} ]] || return 0
	local c
	for c in $BAD_CASES; do
		skopeo copy -q --dest-tls-verify=false \
			"oci:$SELKIE_FIXTURE_IMAGES/../bad/oci/bad-$c:latest" \
			"docker://$SELKIE_REGISTRY/bad-$c:latest" >/dev/null
	done
}

setup() {
	selkie_test_setup
	FAKE_PID=
	# Every test starts from a store that holds busybox.
	if [[ -n ${SELKIE_REGISTRY:-} ]]; then
		run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
		BUSYBOX_ID=$output
	else
		run_selkie images -q
	fi
}

teardown() {
	if [[ -n $FAKE_PID ]]; then
		kill "$FAKE_PID" 2>/dev/null || true
		wait "$FAKE_PID" 2>/dev/null || true
	fi
	selkie_test_teardown
}

# assert_rejected BEFORE: the last command printed one line "Error: ..." (already checked to
# have exited 125) and the store is exactly BEFORE, busybox still its only image.
assert_rejected() {
	assert_equal "${#lines[@]}" 1
	assert_match "${lines[0]}" '^Error: .'
	local err=${lines[0]}
	assert_equal "$(store_snapshot)" "$1"
	run_selkie images --format '{{.Repository}}:{{.Tag}}'
	assert_equal "$output" "$SELKIE_REGISTRY/busybox:latest"
	lines=("$err")
}

# unique_image DIR: an OCI layout of busybox plus one layer of random content (so its blobs
# are in no other image); prints "LAYER-DIGEST CONFIG-DIGEST".
unique_image() {
	/usr/bin/python3 - "$SELKIE_FIXTURE_IMAGES/oci/busybox" "$1" <<-'PY'
		import gzip, hashlib, io, json, os, shutil, sys, tarfile
		src, out = sys.argv[1:3]
		def blob(d):
		    return os.path.join(src, "blobs/sha256", d.split(":")[1])
		def put(data):
		    d = hashlib.sha256(data).hexdigest()
		    with open(os.path.join(out, "blobs/sha256", d), "wb") as f:
		        f.write(data)
		    return "sha256:" + d, len(data)
		os.makedirs(os.path.join(out, "blobs/sha256"), exist_ok=True)
		idx = json.load(open(os.path.join(src, "index.json")))
		man = json.load(open(blob(idx["manifests"][0]["digest"])))
		cfg = json.load(open(blob(man["config"]["digest"])))
		for l in man["layers"]:
		    shutil.copy(blob(l["digest"]), os.path.join(out, "blobs/sha256"))
		buf = io.BytesIO()
		with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
		    data = os.urandom(200000)
		    ti = tarfile.TarInfo("unique.bin")
		    ti.size, ti.mtime, ti.mode = len(data), 1700000000, 0o644
		    t.addfile(ti, io.BytesIO(data))
		raw = buf.getvalue()
		ld, ls = put(gzip.compress(raw, mtime=0))
		man["layers"].append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
		    "digest": ld, "size": ls})
		cfg["rootfs"]["diff_ids"].append("sha256:" + hashlib.sha256(raw).hexdigest())
		cfg["history"].append({"created": cfg["created"], "created_by": "unique layer"})
		cd, cs = put(json.dumps(cfg).encode())
		man["config"]["digest"], man["config"]["size"] = cd, cs
		md, ms = put(json.dumps(man).encode())
		json.dump({"schemaVersion": 2, "manifests": [{"mediaType": man["mediaType"],
		    "digest": md, "size": ms,
		    "annotations": {"org.opencontainers.image.ref.name": "latest"}}]},
		    open(os.path.join(out, "index.json"), "w"))
		open(os.path.join(out, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
		print(ld, cd)
	PY
}

# push_unique REPO: push a unique image to $SELKIE_REGISTRY/REPO:latest; sets LAYER_BLOB and
# CONFIG_BLOB to the registry's storage files of its own layer and config.
push_unique() {
	local layout=$BATS_TEST_TMPDIR/unique-layout ld cd
	read -r ld cd < <(unique_image "$layout")
	skopeo copy -q --dest-tls-verify=false "oci:$layout:latest" \
		"docker://$SELKIE_REGISTRY/$1:latest" >/dev/null
	local blobs=$SELKIE_REGISTRY_DIR/plain/data/docker/registry/v2/blobs/sha256
	ld=${ld#sha256:} cd=${cd#sha256:}
	LAYER_BLOB=$blobs/${ld:0:2}/$ld/data
	CONFIG_BLOB=$blobs/${cd:0:2}/$cd/data
	[[ -f $LAYER_BLOB && -f $CONFIG_BLOB ]]
}

# flip_byte FILE: change one byte in the middle of FILE (same size, other digest).
flip_byte() {
	/usr/bin/python3 -c '
import sys
f = sys.argv[1]
b = bytearray(open(f, "rb").read())
b[len(b) // 2] ^= 0xff
open(f, "wb").write(b)' "$1"
}

# fake_registry_start: a registry that serves whatever files are under $FAKE_DIR/v2/
# (FILE.ct holds a file's Content-Type); sets FAKE_REGISTRY to its host:port.
fake_registry_start() {
	FAKE_DIR=$BATS_TEST_TMPDIR/fake-registry
	mkdir -p "$FAKE_DIR/v2"
	/usr/bin/python3 - "$FAKE_DIR" >/dev/null 2>&1 3>&- <<-'PY' &
		import hashlib, http.server, os, sys
		root = sys.argv[1]
		class H(http.server.BaseHTTPRequestHandler):
		    def do_GET(self):
		        self.serve(True)
		    def do_HEAD(self):
		        self.serve(False)
		    def serve(self, body):
		        p = self.path.split("?")[0]
		        if p in ("/v2", "/v2/"):
		            return self.reply(200, b"{}", "application/json", body)
		        f = os.path.join(root, p.lstrip("/"))
		        if not os.path.isfile(f) or ".." in p:
		            code = "BLOB_UNKNOWN" if "/blobs/" in p else "MANIFEST_UNKNOWN"
		            msg = '{"errors":[{"code":"%s","message":"%s"}]}' % (
		                code, code.lower().replace("_", " "))
		            return self.reply(404, msg.encode(), "application/json", body)
		        data = open(f, "rb").read()
		        ct = "application/octet-stream"
		        if os.path.exists(f + ".ct"):
		            ct = open(f + ".ct").read().strip()
		        self.reply(200, data, ct, body)
		    def reply(self, code, data, ct, body):
		        self.send_response(code)
		        self.send_header("Content-Type", ct)
		        self.send_header("Content-Length", str(len(data)))
		        self.send_header("Docker-Distribution-API-Version", "registry/2.0")
		        if code == 200:
		            self.send_header("Docker-Content-Digest",
		                             "sha256:" + hashlib.sha256(data).hexdigest())
		        self.end_headers()
		        if body:
		            self.wfile.write(data)
		    def log_message(self, *a):
		        pass
		s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
		with open(os.path.join(root, "port.tmp"), "w") as f:
		    f.write(str(s.server_address[1]))
		os.rename(os.path.join(root, "port.tmp"), os.path.join(root, "port"))
		s.serve_forever()
	PY
	FAKE_PID=$!
	local i
	for i in $(seq 50); do
		[[ -f $FAKE_DIR/port ]] && break
		sleep 0.1
	done
	FAKE_REGISTRY=127.0.0.1:$(cat "$FAKE_DIR/port")
}

# fake_image REPO CASE: write a hostile image for the fake registry as REPO:latest
# (or, for manifest-digest-mismatch, under a digest it prints).
fake_image() {
	/usr/bin/python3 - "$FAKE_DIR" "$1" "$2" "$SELKIE_FIXTURE_IMAGES/oci/busybox" <<-'PY'
		import gzip, hashlib, json, os, sys
		root, repo, case, bb = sys.argv[1:5]
		base = os.path.join(root, "v2", repo)
		os.makedirs(base + "/manifests", exist_ok=True)
		os.makedirs(base + "/blobs", exist_ok=True)
		OCI = "application/vnd.oci.image.manifest.v1+json"
		def put_blob(data):
		    d = "sha256:" + hashlib.sha256(data).hexdigest()
		    open(os.path.join(base, "blobs", d), "wb").write(data)
		    return d
		def put_manifest(data, ct, ref="latest"):
		    open(os.path.join(base, "manifests", ref), "wb").write(data)
		    open(os.path.join(base, "manifests", ref + ".ct"), "w").write(ct)
		def bblob(d):
		    return open(os.path.join(bb, "blobs/sha256", d.split(":")[1]), "rb").read()
		def put_config(cfg):
		    c = json.dumps(cfg).encode()
		    man["config"]["digest"], man["config"]["size"] = put_blob(c), len(c)
		idx = json.load(open(os.path.join(bb, "index.json")))
		man = json.loads(bblob(idx["manifests"][0]["digest"]))
		cfg = json.loads(bblob(man["config"]["digest"]))
		layer = bblob(man["layers"][0]["digest"])
		if case == "unparsable":
		    put_manifest(b"{not json", OCI)
		elif case == "unknown-type":
		    put_manifest(json.dumps({"schemaVersion": 2,
		        "mediaType": "application/vnd.selkie.unknown.v1+json"}).encode(),
		        "application/vnd.selkie.unknown.v1+json")
		elif case == "missing-blob":
		    # A layer the registry does not have (and no store can have).
		    raw = os.urandom(64)
		    man["layers"].append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
		        "digest": "sha256:" + hashlib.sha256(raw).hexdigest(), "size": 64})
		    cfg["rootfs"]["diff_ids"].append("sha256:" + hashlib.sha256(raw[::-1]).hexdigest())
		    put_blob(layer)
		    put_config(cfg)
		    put_manifest(json.dumps(man).encode(), OCI)
		elif case == "unknown-layer-type":
		    put_config(cfg)
		    put_blob(layer)
		    man["layers"][0]["mediaType"] = "application/vnd.selkie.unknown.layer"
		    put_manifest(json.dumps(man).encode(), OCI)
		elif case == "not-a-tar":
		    junk = gzip.compress(b"this is not a tar archive\n" * 100, mtime=0)
		    man["layers"][0] = {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
		        "digest": put_blob(junk), "size": len(junk)}
		    cfg["rootfs"]["diff_ids"] = ["sha256:" + hashlib.sha256(gzip.decompress(junk)).hexdigest()]
		    put_config(cfg)
		    put_manifest(json.dumps(man).encode(), OCI)
		elif case == "diffid-mismatch":
		    put_blob(layer)
		    cfg["rootfs"]["diff_ids"] = ["sha256:" + "0" * 64]
		    put_config(cfg)
		    put_manifest(json.dumps(man).encode(), OCI)
		elif case == "config-not-json":
		    put_blob(layer)
		    c = b"config is not json"
		    man["config"]["digest"], man["config"]["size"] = put_blob(c), len(c)
		    put_manifest(json.dumps(man).encode(), OCI)
		elif case == "manifest-digest-mismatch":
		    put_blob(layer)
		    put_blob(bblob(man["config"]["digest"]))
		    wrong = "sha256:" + "1" * 64
		    put_manifest(json.dumps(man).encode(), OCI, ref=wrong)
		    print(wrong)
	PY
}

@test "an invalid reference is refused with exit 125" {
	local before
	before=$(store_snapshot)
	run_selkie 125 pull Bad/Name
	assert_equal "$output" "Error: repository name must be lowercase"
	run_selkie 125 pull a:b:c
	assert_equal "$output" "Error: invalid reference format"
	run_selkie 125 pull "localhost:5000/busybox@sha256:123"
	assert_equal "$output" "Error: invalid reference format"
	run_selkie 125 pull ""
	assert_equal "$output" "Error: repository name must have at least one component"
	assert_equal "$(store_snapshot)" "$before"
}

@test "a tag the registry does not have: manifest unknown" {
	require_registry
	local before
	before=$(store_snapshot)
	run_selkie 125 pull -q "$SELKIE_REGISTRY/busybox:nope"
	assert_contains "${lines[0]}" "reading manifest nope in $SELKIE_REGISTRY/busybox: manifest unknown"
	assert_rejected "$before"
	run_selkie 125 pull -q "$SELKIE_REGISTRY/no-such-repo:latest"
	assert_contains "${lines[0]}" "manifest unknown"
	assert_rejected "$before"
}

@test "a progress-printing pull that fails still ends in one Error: line" {
	require_registry
	run_selkie_stdout 125 pull "$SELKIE_REGISTRY/busybox:nope"
	assert_equal "$output" ""
	assert_contains "$stderr" "Trying to pull $SELKIE_REGISTRY/busybox:nope..."
	assert_equal "$(grep -c '^Error:' <<<"$stderr")" 1
	assert_match "$(tail -1 <<<"$stderr")" '^Error: .*manifest unknown$'
}

@test "a registry that is down: connection refused" {
	require_registry
	local port
	port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	local before
	before=$(store_snapshot)
	run_selkie 125 pull -q --tls-verify=false "127.0.0.1:$port/busybox:latest"
	assert_match "${lines[0]}" "^Error: pinging container registry 127.0.0.1:$port: .*connection refused"
	assert_rejected "$before"
}

@test "wrong credentials: 401 from the registry" {
	require_registry
	local before
	before=$(store_snapshot)
	run_selkie 125 pull -q --creds selkie:wrong "$SELKIE_REGISTRY_AUTH/busybox:latest"
	assert_match "${lines[0]}" "^Error: .*(invalid username/password|unauthorized)"
	assert_rejected "$before"
}

@test "a layer blob whose digest does not match is refused" {
	require_registry
	push_unique "corrupt-$BATS_TEST_NUMBER/busybox"
	flip_byte "$LAYER_BLOB"
	local before
	before=$(store_snapshot)
	run_selkie 125 pull -q "$SELKIE_REGISTRY/corrupt-$BATS_TEST_NUMBER/busybox:latest"
	assert_contains "${lines[0]}" "digest mismatch"
	assert_rejected "$before"
	run_selkie 1 image exists "$SELKIE_REGISTRY/corrupt-$BATS_TEST_NUMBER/busybox:latest"
}

@test "a truncated layer blob is refused" {
	require_registry
	push_unique "corrupt-$BATS_TEST_NUMBER/busybox"
	truncate -s $(($(stat -c %s "$LAYER_BLOB") / 2)) "$LAYER_BLOB"
	local before
	before=$(store_snapshot)
	run_selkie 125 pull -q "$SELKIE_REGISTRY/corrupt-$BATS_TEST_NUMBER/busybox:latest"
	assert_match "${lines[0]}" "(size mismatch|digest mismatch|truncated|unexpected end)"
	assert_rejected "$before"
}

@test "a config blob whose digest does not match is refused" {
	require_registry
	push_unique "corrupt-$BATS_TEST_NUMBER/busybox"
	flip_byte "$CONFIG_BLOB"
	local before
	before=$(store_snapshot)
	run_selkie 125 pull -q "$SELKIE_REGISTRY/corrupt-$BATS_TEST_NUMBER/busybox:latest"
	assert_contains "${lines[0]}" "digest mismatch"
	assert_rejected "$before"
}

@test "an unparsable manifest is refused" {
	require_registry
	fake_registry_start
	fake_image t/unparsable unparsable
	local before
	before=$(store_snapshot)
	run_selkie 125 pull -q --tls-verify=false "$FAKE_REGISTRY/t/unparsable:latest"
	assert_contains "${lines[0]}" "manifest"
	assert_rejected "$before"
}

@test "a manifest of an unknown media type is refused" {
	require_registry
	fake_registry_start
	fake_image t/unknown unknown-type
	local before
	before=$(store_snapshot)
	run_selkie 125 pull -q --tls-verify=false "$FAKE_REGISTRY/t/unknown:latest"
	assert_contains "${lines[0]}" "application/vnd.selkie.unknown.v1+json"
	assert_rejected "$before"
}

@test "a manifest naming a missing blob is refused" {
	require_registry
	fake_registry_start
	fake_image t/missing missing-blob
	local before
	before=$(store_snapshot)
	run_selkie 125 pull -q --tls-verify=false "$FAKE_REGISTRY/t/missing:latest"
	assert_contains "${lines[0]}" "blob unknown"
	assert_rejected "$before"
}

@test "a layer of an unknown media type is refused" {
	require_registry
	fake_registry_start
	fake_image t/layer-type unknown-layer-type
	local before
	before=$(store_snapshot)
	run_selkie 125 pull -q --tls-verify=false "$FAKE_REGISTRY/t/layer-type:latest"
	assert_contains "${lines[0]}" "application/vnd.selkie.unknown.layer"
	assert_rejected "$before"
}

@test "a layer that is not a tar archive is refused" {
	require_registry
	fake_registry_start
	fake_image t/not-a-tar not-a-tar
	local before
	before=$(store_snapshot)
	run_selkie 125 pull -q --tls-verify=false "$FAKE_REGISTRY/t/not-a-tar:latest"
	assert_rejected "$before"
}

@test "a layer whose diff ID is not the config's is refused, even when the layer is stored" {
	require_registry
	fake_registry_start
	fake_image t/diffid diffid-mismatch
	local before
	before=$(store_snapshot)
	# busybox's layer is already in the store: the mismatch must be caught anyway.
	run_selkie 125 pull -q --tls-verify=false "$FAKE_REGISTRY/t/diffid:latest"
	assert_contains "${lines[0]}" "diff ID"
	assert_rejected "$before"
}

@test "an image config that is not JSON is refused" {
	require_registry
	fake_registry_start
	fake_image t/config config-not-json
	local before
	before=$(store_snapshot)
	run_selkie 125 pull -q --tls-verify=false "$FAKE_REGISTRY/t/config:latest"
	assert_contains "${lines[0]}" "config"
	assert_rejected "$before"
}

@test "a manifest that does not match the digest pulled by is refused" {
	require_registry
	fake_registry_start
	local digest
	digest=$(fake_image t/bydigest manifest-digest-mismatch)
	local before
	before=$(store_snapshot)
	run_selkie 125 pull -q --tls-verify=false "$FAKE_REGISTRY/t/bydigest@$digest"
	assert_contains "${lines[0]}" "digest mismatch"
	assert_rejected "$before"
}

# Host files a hostile layer aims at: none may exist, before or after.
HOST_TARGETS="/tmp/pwned /pwned /etc/evil /escape /tmp/escape"

# hostile_prepare: sentinels and decoys where an escaping entry would land, relative to the
# work directories selkie unpacks in (ROOT/.. and ROOT/../..), so a write, link or delete
# outside ROOT shows.
hostile_prepare() {
	local t
	for t in $HOST_TARGETS; do
		if [[ -e $t ]]; then
			echo "# $t exists before the test: remove it" >&2
			return 1
		fi
	done
	PASSWD_STAT=$(stat -c '%i %h' /etc/passwd)
	mkdir -p "$SELKIE_TEST_ROOT/tmp/etc" "$SELKIE_TEST_ROOT/etc"
	echo decoy >"$SELKIE_TEST_ROOT/etc/passwd"
	echo decoy >"$SELKIE_TEST_ROOT/tmp/etc/passwd"
	echo sentinel >"$SELKIE_TEST_ROOT/escape"
	echo sentinel >"$SELKIE_TEST_ROOT/tmp/escape"
	echo sentinel >"$BATS_TEST_TMPDIR/escape"
}

# hostile_check: nothing outside the store's layer directories was written, linked or deleted.
hostile_check() {
	local t
	for t in $HOST_TARGETS "$SELKIE_TEST_ROOT/pwned" "$SELKIE_TEST_ROOT/tmp/pwned" \
		"$BATS_TEST_TMPDIR/pwned" "$SELKIE_TEST_ROOT/etc/evil"; do
		if [[ -e $t || -L $t ]]; then
			echo "# hostile layer wrote $t" >&2
			return 1
		fi
	done
	assert_equal "$(stat -c '%i %h' /etc/passwd)" "$PASSWD_STAT"
	assert_equal "$(find "$BATS_TEST_TMPDIR" -samefile /etc/passwd)" ""
	assert_equal "$(stat -c %h "$SELKIE_TEST_ROOT/etc/passwd")" 1
	assert_equal "$(stat -c %h "$SELKIE_TEST_ROOT/tmp/etc/passwd")" 1
	assert_equal "$(cat "$SELKIE_TEST_ROOT/escape")" "sentinel"
	assert_equal "$(cat "$SELKIE_TEST_ROOT/tmp/escape")" "sentinel"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/escape")" "sentinel"
}

# hostile_pull DRIVER CASE: a layer that must be refused.
hostile_refused() {
	local driver=$1 case=$2
	hostile_prepare
	local before
	before=$(store_snapshot)
	run_selkie 125 --storage-driver "$driver" pull -q "$SELKIE_REGISTRY/bad-$case:latest"
	# Refused for the layer, not because the image was missing.
	assert_not_contains "$output" "manifest unknown"
	assert_contains "$output" "layer"
	assert_rejected "$before"
	hostile_check
}

# hostile_contained DRIVER CASE PATH: a layer that may be refused, or unpacked with its
# entries resolved inside the layer (PATH then exists in the layer's directory).
hostile_contained() {
	local driver=$1 case=$2 path=$3
	hostile_prepare
	local before
	before=$(store_snapshot)
	run "$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
		--storage-driver "$driver" pull -q "$SELKIE_REGISTRY/bad-$case:latest"
	if [[ $status -eq 0 ]]; then
		run_selkie --storage-driver "$driver" image inspect \
			--format '{{.GraphDriver.Data.UpperDir}}' "$SELKIE_REGISTRY/bad-$case:latest"
		[[ -f $output/$path ]]
		hostile_check
		run_selkie --storage-driver "$driver" rmi "$SELKIE_REGISTRY/bad-$case:latest"
		assert_equal "$(store_snapshot)" "$before"
	else
		assert_equal "$status" 125
		assert_not_contains "$output" "manifest unknown"
		assert_rejected "$before"
		hostile_check
	fi
}

# use_vfs_root: switch the test to a second store, driven by vfs, that holds busybox too.
use_vfs_root() {
	SELKIE_TEST_ROOT=$BATS_TEST_TMPDIR/vfs-root
	run_selkie --storage-driver vfs pull -q "$SELKIE_REGISTRY/busybox:latest"
	run_selkie --storage-driver vfs image inspect --format '{{.GraphDriver.Name}}' "$BUSYBOX_ID"
	assert_equal "$output" "vfs"
}

@test "the valid control layer of make-bad-tars.sh pulls and reads right" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/bad-valid:latest"
	run_selkie image inspect --format '{{.GraphDriver.Data.UpperDir}}' "$SELKIE_REGISTRY/bad-valid:latest"
	local d=$output/ok
	assert_equal "$(cat "$d/file.txt")" "valid"
	assert_equal "$(stat -c %i "$d/hard.txt")" "$(stat -c %i "$d/file.txt")"
	assert_equal "$(cat "$d/link.txt")" "valid"
	assert_equal "$(readlink "$d/abs-link")" "/ok/file.txt"
	assert_equal "$(readlink "$d/up-link")" "../ok/file.txt"
}

@test "hostile layer: ../ path is refused (overlay, vfs)" {
	require_registry
	hostile_refused overlay dotdot
	hostile_refused overlay dotdot-nested
	use_vfs_root
	hostile_refused vfs dotdot
	hostile_refused vfs dotdot-nested
}

@test "hostile layer: a whiteout with ../ is refused and deletes nothing (overlay, vfs)" {
	require_registry
	hostile_refused overlay whiteout-escape
	use_vfs_root
	hostile_refused vfs whiteout-escape
}

@test "hostile layer: a hard link out of the layer is refused (overlay, vfs)" {
	require_registry
	local c
	for c in hardlink-escape hardlink-abs hardlink-via-symlink; do
		hostile_refused overlay "$c"
	done
	use_vfs_root
	for c in hardlink-escape hardlink-abs hardlink-via-symlink; do
		hostile_refused vfs "$c"
	done
}

@test "hostile layer: an absolute path stays inside the layer (overlay, vfs)" {
	require_registry
	hostile_contained overlay absolute etc/evil
	use_vfs_root
	hostile_contained vfs absolute etc/evil
}

@test "hostile layer: writing through an escaping symlink stays inside the layer (overlay, vfs)" {
	require_registry
	hostile_contained overlay symlink-abs tmp/pwned
	hostile_contained overlay symlink-rel pwned
	hostile_contained overlay symlink-chain pwned
	use_vfs_root
	hostile_contained vfs symlink-abs tmp/pwned
	hostile_contained vfs symlink-rel pwned
	hostile_contained vfs symlink-chain pwned
}

# assert_store_consistent: every layer row has its directory and every layer directory its
# row; every blob row has its file and every blob file its row.
assert_store_consistent() {
	local db=$SELKIE_TEST_ROOT/selkie.db
	assert_equal "$(ls "$SELKIE_TEST_ROOT/overlay" | grep -E '^[0-9a-f]{64}$' | sort)" \
		"$(sqlite3 "$db" 'SELECT dir FROM layers ORDER BY dir')"
	assert_equal "$(ls "$SELKIE_TEST_ROOT/blobs/sha256" | sort)" \
		"$(sqlite3 "$db" "SELECT substr(digest, 8) FROM blobs ORDER BY digest")"
}

@test "a pull killed with SIGKILL half-way leaves no image, and the next pull works" {
	require_registry
	local killed=0 d status
	for d in 0.2 0.1 0.05 0.3; do
		"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
			pull -q "$SELKIE_REGISTRY/big:latest" >/dev/null 2>&1 3>&- &
		local pid=$!
		sleep "$d"
		kill -9 "$pid" 2>/dev/null || true
		status=0
		wait "$pid" || status=$?
		if ((status == 137)); then
			killed=$((killed + 1))
			# The kill may land after the image was committed (e.g. while the process
			# exits): then the image is whole. It is never there in part.
			run_selkie images --format '{{.Repository}}:{{.Tag}}' --sort repository
			if [[ $output == *big:latest* ]]; then
				assert_equal "$output" "$SELKIE_REGISTRY/big:latest
$SELKIE_REGISTRY/busybox:latest"
				run_selkie image inspect --format '{{len .RootFS.Layers}}' \
					"$SELKIE_REGISTRY/big:latest"
				assert_equal "$output" 6
				run_selkie rmi "$SELKIE_REGISTRY/big:latest"
			else
				assert_equal "$output" "$SELKIE_REGISTRY/busybox:latest"
				run_selkie 1 image exists "$SELKIE_REGISTRY/big:latest"
			fi
		else
			# It finished first: start again from busybox alone.
			assert_equal "$status" 0
			run_selkie rmi "$SELKIE_REGISTRY/big:latest"
		fi
	done
	((killed > 0))
	# Time passes: the dead pulls' work directories are anyone's to sweep.
	find "$SELKIE_TEST_ROOT/tmp" -name '*.lock' -exec touch -d '1 minute ago' {} +
	run_selkie pull -q "$SELKIE_REGISTRY/big:latest"
	local id=$output
	run_selkie images --format '{{.Repository}}:{{.Tag}} {{.ID}}' --sort repository
	assert_equal "$output" "$SELKIE_REGISTRY/big:latest ${id:0:12}
$SELKIE_REGISTRY/busybox:latest ${BUSYBOX_ID:0:12}"
	run_selkie image inspect --format '{{len .RootFS.Layers}}' "$SELKIE_REGISTRY/big:latest"
	assert_equal "$output" 6
	run_selkie image inspect --format '{{.GraphDriver.Data.UpperDir}}' "$SELKIE_REGISTRY/big:latest"
	assert_equal "$(stat -c %s "$output/big/blob5")" 9600000
	assert_store_consistent
	# Nothing of the killed pulls is left behind.
	assert_equal "$(ls -A "$SELKIE_TEST_ROOT/tmp")" ""
	# And removing it gives back the store of busybox alone.
	run_selkie rmi "$SELKIE_REGISTRY/big:latest"
	assert_store_consistent
	assert_equal "$(ls "$SELKIE_TEST_ROOT/overlay" | grep -cE '^[0-9a-f]{64}$')" 1
}
