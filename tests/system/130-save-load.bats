#!/usr/bin/env bats
# selkie save and load: docker-archive, oci-archive and oci-dir round trips, several images in
# one archive, pipes, the archives podman and the fixtures write, and every kind of bad archive
# (which must leave the store as it was).

load helpers
bats_require_minimum_version 1.5.0

# selkie_raw ARGS...: selkie with the test's storage, stdin and stdout left alone (for pipes).
selkie_raw() {
	"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" "$@"
}

image_id() {
	run_selkie image inspect --format '{{.Id}}' "$1"
	echo "$output"
}

# names: every name in the store, sorted, one a line.
names() {
	run_selkie images --format '{{.Repository}}:{{.Tag}}' --sort repository
	echo "$output"
}

# run_podman ARGS...: podman with a store of its own under the test's directory (never the
# host's); it must succeed.
run_podman() {
	run env -u REGISTRY_AUTH_FILE podman --root "$BATS_TEST_TMPDIR/podman-root" --runroot "$BATS_TEST_TMPDIR/podman-run" \
		--storage-driver vfs "$@"
	if [[ $status -ne 0 ]]; then
		echo "# podman $* exited $status: $output" >&2
		return 1
	fi
}

@test "save writes a docker-archive that load turns back into the same image" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/layers:latest"
	local id=$output
	run_selkie_stdout save -o "$BATS_TEST_TMPDIR/layers.tar" "$SELKIE_REGISTRY/layers:latest"
	assert_equal "$output" ""
	assert_contains "$stderr" "Copying blob sha256:"
	assert_contains "$stderr" "Copying config sha256:$id"
	assert_contains "$stderr" "Writing manifest to image destination"
	local a=$BATS_TEST_TMPDIR/layers.tar
	run tar -xOf "$a" manifest.json
	assert_equal "$(jq -r '.[0].Config' <<<"$output")" "$id.json"
	assert_equal "$(jq -c '.[0].RepoTags' <<<"$output")" "[\"$SELKIE_REGISTRY/layers:latest\"]"
	assert_equal "$(jq '.[0].Layers | length' <<<"$output")" "4"
	# each layer is the uncompressed tar its diff ID names
	local diff
	for diff in $(tar -xOf "$a" "$id.json" | jq -r '.rootfs.diff_ids[]'); do
		assert_equal "$(tar -xOf "$a" "${diff#sha256:}.tar" | sha256sum | cut -d' ' -f1)" \
			"${diff#sha256:}"
	done
	run tar -xOf "$a" repositories
	assert_match "$output" "^\{\"$SELKIE_REGISTRY/layers\":\{\"latest\":\"[0-9a-f]{64}\"\}\}$"
	run_selkie rmi "$SELKIE_REGISTRY/layers:latest"
	run_selkie_stdout load -i "$a"
	assert_equal "$output" "Loaded image: $SELKIE_REGISTRY/layers:latest"
	assert_contains "$stderr" "Getting image source signatures"
	assert_equal "$(image_id "$SELKIE_REGISTRY/layers:latest")" "$id"
	# the loaded layers are whole: saving again gives the same layer tars
	run_selkie save -q -o "$BATS_TEST_TMPDIR/again.tar" "$SELKIE_REGISTRY/layers:latest"
	assert_equal "$(tar -xOf "$BATS_TEST_TMPDIR/again.tar" manifest.json)" \
		"$(tar -xOf "$a" manifest.json)"
}

@test "image save and image load are the same commands" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
	local id=$output
	run_selkie image save -q -o "$BATS_TEST_TMPDIR/b.tar" "$SELKIE_REGISTRY/busybox:latest"
	assert_equal "$output" ""
	run_selkie rmi -a
	run_selkie image load -q -i "$BATS_TEST_TMPDIR/b.tar"
	assert_equal "$output" "Loaded image: $SELKIE_REGISTRY/busybox:latest"
	assert_equal "$(image_id "$SELKIE_REGISTRY/busybox")" "$id"
}

@test "save to a pipe and load from stdin, compressed or not" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/httpd:latest"
	local id=$output f=$BATS_TEST_TMPDIR/h.tar
	selkie_raw save "$SELKIE_REGISTRY/httpd:latest" >"$f"
	selkie_raw save "$SELKIE_REGISTRY/httpd:latest" | gzip >"$f.gz"
	selkie_raw save "$SELKIE_REGISTRY/httpd:latest" | zstd -q >"$f.zst"
	cmp "$f" <(selkie_raw save "$SELKIE_REGISTRY/httpd:latest")
	local c
	for c in "" .gz .zst; do
		run_selkie rmi -a
		run --separate-stderr selkie_raw load <"$f$c"
		assert_equal "$status" 0
		assert_equal "$output" "Loaded image: $SELKIE_REGISTRY/httpd:latest"
		assert_equal "$(image_id "$SELKIE_REGISTRY/httpd:latest")" "$id"
	done
}

@test "save and load refuse a terminal" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
	run script -qec "$SELKIE_BIN --root $SELKIE_TEST_ROOT --runroot $SELKIE_TEST_RUNROOT save $SELKIE_REGISTRY/busybox:latest" /dev/null
	assert_equal "$status" 125
	assert_contains "$output" "Error: refusing to save to terminal. Use -o flag or redirect"
	run script -qec "$SELKIE_BIN --root $SELKIE_TEST_ROOT --runroot $SELKIE_TEST_RUNROOT load" /dev/null
	assert_equal "$status" 125
	assert_contains "$output" \
		"Error: cannot read from terminal, use command-line redirection or the --input flag"
}

@test "oci-archive keeps the registry's manifest and blobs" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/zstd:latest"
	local id=$output a=$BATS_TEST_TMPDIR/z.tar digest
	run_selkie image inspect --format '{{.Digest}}' "$SELKIE_REGISTRY/zstd:latest"
	digest=$output
	run_selkie save -q --format oci-archive -o "$a" "$SELKIE_REGISTRY/zstd:latest"
	run tar -tf "$a"
	assert_contains "$output" "oci-layout"
	assert_contains "$output" "index.json"
	local index
	index=$(tar -xOf "$a" index.json)
	assert_equal "$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' <<<"$index")" \
		"$SELKIE_REGISTRY/zstd:latest"
	assert_equal "$(jq -r '.manifests[0].digest' <<<"$index")" "$digest"
	# the layers are the registry's blobs, unchanged (the top one zstd-compressed)
	local m l
	m=$(jq -r '.manifests[0].digest' <<<"$index")
	for l in $(tar -xOf "$a" "blobs/sha256/${m#sha256:}" | jq -r '.layers[].digest'); do
		assert_equal "$(tar -xOf "$a" "blobs/sha256/${l#sha256:}" | sha256sum | cut -d' ' -f1)" \
			"${l#sha256:}"
	done
	assert_equal "$(tar -xOf "$a" "blobs/sha256/${l#sha256:}" | head -c4 | od -An -tx1 | tr -d ' ')" \
		"28b52ffd"
	run_selkie rmi -a
	run_selkie load -q -i "$a"
	assert_equal "$output" "Loaded image: $SELKIE_REGISTRY/zstd:latest"
	assert_equal "$(image_id "$SELKIE_REGISTRY/zstd:latest")" "$id"
	run_selkie image inspect --format '{{.Digest}}' "$SELKIE_REGISTRY/zstd:latest"
	assert_equal "$output" "$digest"
}

@test "an image pulled as Docker schema2 saves as an OCI manifest" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:schema2"
	local id=$output a=$BATS_TEST_TMPDIR/s2.tar
	run_selkie save -q --format oci-archive -o "$a" "$SELKIE_REGISTRY/busybox:schema2"
	local m
	m=$(tar -xOf "$a" index.json | jq -r '.manifests[0].digest')
	run tar -xOf "$a" "blobs/sha256/${m#sha256:}"
	assert_equal "$(jq -r .mediaType <<<"$output")" "application/vnd.oci.image.manifest.v1+json"
	assert_equal "$(jq -r .config.mediaType <<<"$output")" "application/vnd.oci.image.config.v1+json"
	assert_equal "$(jq -r '.layers[0].mediaType' <<<"$output")" \
		"application/vnd.oci.image.layer.v1.tar+gzip"
	run_selkie rmi -a
	run_selkie load -q -i "$a"
	assert_equal "$(image_id "$SELKIE_REGISTRY/busybox:schema2")" "$id"
}

@test "oci-dir saves a layout directory, replaces an older one and loads back" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
	local busybox=$output d=$BATS_TEST_TMPDIR/layout
	run_selkie pull -q "$SELKIE_REGISTRY/httpd:latest"
	local httpd=$output
	run_selkie save -q --format oci-dir -o "$d" "$SELKIE_REGISTRY/httpd:latest"
	run_selkie save -q --format oci-dir -o "$d" "$SELKIE_REGISTRY/busybox:latest"
	assert_equal "$(cat "$d/oci-layout")" '{"imageLayoutVersion": "1.0.0"}'
	assert_equal "$(jq '.manifests | length' "$d/index.json")" "1"
	assert_equal "$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' "$d/index.json")" \
		"$SELKIE_REGISTRY/busybox:latest"
	# only busybox's blobs: manifest, config, one layer
	assert_equal "$(ls "$d/blobs/sha256" | wc -l)" "3"
	assert_equal "$(ls -A "$BATS_TEST_TMPDIR" | grep -c '^\.layout')" "0"
	run_selkie rmi -a
	run_selkie load -q -i "$d"
	assert_equal "$output" "Loaded image: $SELKIE_REGISTRY/busybox:latest"
	assert_equal "$(image_id "$SELKIE_REGISTRY/busybox:latest")" "$busybox"
	[[ $httpd != "$busybox" ]]
	# oci-dir needs -o
	run_selkie 125 save --format oci-dir "$SELKIE_REGISTRY/busybox:latest"
	assert_equal "$output" "Error: format \"oci-dir\" needs an output directory (-o)"
}

@test "save -m puts several images in one archive; without -m the others are tags" {
	require_registry
	local img ids=()
	for img in layers busybox httpd; do
		run_selkie pull -q "$SELKIE_REGISTRY/$img:latest"
		ids+=("$output")
	done
	local a=$BATS_TEST_TMPDIR/m.tar
	run_selkie save -q -m -o "$a" "$SELKIE_REGISTRY/layers:latest" "$SELKIE_REGISTRY/busybox" \
		"${ids[2]:0:12}"
	run tar -xOf "$a" manifest.json
	assert_equal "$(jq -c '[.[].RepoTags]' <<<"$output")" \
		"[[\"$SELKIE_REGISTRY/layers:latest\"],[\"$SELKIE_REGISTRY/busybox:latest\"],[]]"
	# the shared busybox layer is in the archive once
	local base
	base=$(jq -r '.[1].Layers[0]' <<<"$output")
	assert_equal "$(tar -tf "$a" | grep -c "^$base\$")" "1"
	run_selkie rmi -a
	run_selkie_stdout load -i "$a"
	assert_equal "$output" "Loaded image: $SELKIE_REGISTRY/layers:latest
Loaded image: $SELKIE_REGISTRY/busybox:latest
Loaded image: sha256:${ids[2]}"
	assert_equal "$(image_id "$SELKIE_REGISTRY/layers:latest")" "${ids[0]}"
	assert_equal "$(image_id "${ids[2]:0:12}")" "${ids[2]}"
	# podman: without -m the other arguments are more names for the first image
	run_selkie save -q -o "$BATS_TEST_TMPDIR/t.tar" "$SELKIE_REGISTRY/busybox" extra:1
	run tar -xOf "$BATS_TEST_TMPDIR/t.tar" manifest.json
	assert_equal "$(jq -c '.[0].RepoTags' <<<"$output")" \
		"[\"$SELKIE_REGISTRY/busybox:latest\",\"docker.io/library/extra:1\"]"
	assert_equal "$(jq length <<<"$output")" "1"
	run_selkie 125 save -m --format oci-archive -o "$BATS_TEST_TMPDIR/o.tar" \
		"$SELKIE_REGISTRY/busybox" "$SELKIE_REGISTRY/httpd"
	assert_equal "$output" \
		"Error: unsupported format \"oci-archive\" for saving multiple images (only docker-archive)"
	[[ ! -e $BATS_TEST_TMPDIR/o.tar ]]
}

@test "podman loads what selkie saves, and selkie loads what podman saves" {
	require_registry
	# The check runs root podman; the archives' format does not depend on who writes them.
	require_root "the interoperability check runs root podman"
	require_podman
	run_selkie pull -q "$SELKIE_REGISTRY/layers:latest"
	local id=$output fmt
	for fmt in docker-archive oci-archive; do
		run_selkie save -q --format "$fmt" -o "$BATS_TEST_TMPDIR/s-$fmt.tar" \
			"$SELKIE_REGISTRY/layers:latest"
		run_podman load -q -i "$BATS_TEST_TMPDIR/s-$fmt.tar"
		assert_contains "$output" "Loaded image: $SELKIE_REGISTRY/layers:latest"
		run_podman image inspect --format '{{.Id}}' "$SELKIE_REGISTRY/layers:latest"
		assert_equal "$output" "$id"
		run_podman rmi -a
	done
	run_podman pull -q "$SELKIE_REGISTRY/httpd:latest"
	local pid=$output
	for fmt in docker-archive oci-archive; do
		run_podman save -q --format "$fmt" -o "$BATS_TEST_TMPDIR/p-$fmt.tar" \
			"$SELKIE_REGISTRY/httpd:latest"
		run_selkie rmi -a
		run_selkie load -q -i "$BATS_TEST_TMPDIR/p-$fmt.tar"
		assert_equal "$output" "Loaded image: $SELKIE_REGISTRY/httpd:latest"
		assert_equal "$(image_id "$SELKIE_REGISTRY/httpd:latest")" "$pid"
	done
}

@test "load reads the fixture archives" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
	local id=$output
	run_selkie rmi -a
	run_selkie load -q -i "$SELKIE_FIXTURE_IMAGES/archives/busybox-docker.tar"
	assert_equal "$output" "Loaded image: docker.io/library/busybox:latest"
	assert_equal "$(image_id docker.io/library/busybox:latest)" "$id"
	# an OCI ref name that is only a tag names the image localhost/TAG, as podman does
	run_selkie_stdout load -i "$SELKIE_FIXTURE_IMAGES/archives/busybox-oci.tar"
	assert_equal "$output" "Loaded image: localhost/latest:latest"
	assert_equal "$(image_id localhost/latest:latest)" "$id"
	run_selkie load -q -i "$SELKIE_FIXTURE_IMAGES/oci/layers"
	assert_equal "$output" "Loaded image: localhost/latest:latest"
	run_selkie image inspect --format '{{index .Labels "org.selkie.test"}}' localhost/latest
	assert_equal "$output" "layers"
}

@test "save of an unknown image fails and writes nothing" {
	run_selkie 125 save -o "$BATS_TEST_TMPDIR/x.tar" nosuchimage
	assert_equal "$output" "Error: nosuchimage: image not known"
	[[ ! -e $BATS_TEST_TMPDIR/x.tar ]]
	run_selkie 125 save --format bogus -o "$BATS_TEST_TMPDIR/x.tar" nosuchimage
	assert_equal "$output" "Error: format value must be one of oci-dir oci-archive docker-archive"
	run_selkie 125 save -o "$BATS_TEST_TMPDIR/x.tar"
	assert_contains "$output" "Error:"
}

@test "a save that fails midway leaves no partial file and keeps the old one" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/httpd:latest"
	local a=$BATS_TEST_TMPDIR/out.tar
	echo "old content" >"$a"
	# damage a layer blob in the store: its diff ID no longer matches
	local blob
	blob=$(ls -S "$SELKIE_TEST_ROOT"/blobs/sha256/* | head -1)
	truncate -s 100000 "$blob"
	run_selkie 125 save -o "$a" "$SELKIE_REGISTRY/httpd:latest"
	assert_contains "$output" "Error: layer sha256:"
	assert_equal "$(cat "$a")" "old content"
	assert_equal "$(ls -A "$BATS_TEST_TMPDIR" | grep -c '^\.out\.tar')" "0"
}

# make_bad_archives GOOD OUTDIR: each way to break a good docker-archive, one file each.
make_bad_archives() {
	python3 - "$1" "$2" <<'EOF'
import copy, hashlib, io, json, sys, tarfile
src, out = sys.argv[1], sys.argv[2]
with tarfile.open(src) as t:
    members = [(m, t.extractfile(m).read() if m.isfile() else None) for m in t.getmembers()]
files = {m.name: d for m, d in members}
man = json.loads(files['manifest.json'])

def write(name, manifest, add=(), drop=()):
    with tarfile.open(f'{out}/{name}', 'w', format=tarfile.PAX_FORMAT) as t:
        for m, d in members:
            if m.name == 'manifest.json' or m.name in drop:
                continue
            t.addfile(m, io.BytesIO(d) if d is not None else None)
        for n, d, link in add:
            ti = tarfile.TarInfo(n)
            if link is not None:
                ti.type, ti.linkname = tarfile.SYMTYPE, link
                t.addfile(ti)
            else:
                ti.size = len(d)
                t.addfile(ti, io.BytesIO(d))
        d = json.dumps(manifest).encode()
        ti = tarfile.TarInfo('manifest.json')
        ti.size = len(d)
        t.addfile(ti, io.BytesIO(d))

def variant(change):
    m = copy.deepcopy(man)
    change(m[0])
    return m

layers = man[0]['Layers']
write('missing-layer.tar', variant(lambda e: e['Layers'].__setitem__(1, 'missing.tar')))
write('escaping-path.tar', variant(lambda e: e['Layers'].__setitem__(1, '../outside.tar')))
write('absolute-path.tar', variant(lambda e: e['Layers'].__setitem__(1, '/etc/passwd')))
write('escaping-symlink.tar', variant(lambda e: e['Layers'].__setitem__(1, 'evil/layer.tar')),
      add=[('evil/layer.tar', None, '../../../../../etc/passwd')])
def swap(e):
    e['Layers'][1], e['Layers'][2] = e['Layers'][2], e['Layers'][1]
write('diff-id-mismatch.tar', variant(swap))
write('layer-not-a-tar.tar', man, add=[(layers[-1], b'not a tar at all\n' * 64, None)],
      drop=[layers[-1]])
cfg = man[0]['Config']
write('config-digest-mismatch.tar', man, add=[(cfg, files[cfg].replace(b'"os"', b'"os" '), None)],
      drop=[cfg])
with tarfile.open(f'{out}/bad-json.tar', 'w') as t:
    ti = tarfile.TarInfo('manifest.json')
    ti.size = 9
    t.addfile(ti, io.BytesIO(b'{not json'))
# a hostile second layer whose diff ID is right: unpacking it fails after the first layer
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode='w', format=tarfile.PAX_FORMAT) as t:
    ti = tarfile.TarInfo('../escape')
    ti.size = 5
    t.addfile(ti, io.BytesIO(b'evil\n'))
evil = buf.getvalue()
evil_id = hashlib.sha256(evil).hexdigest()
config = json.loads(files[cfg])
config['rootfs']['diff_ids'] = [config['rootfs']['diff_ids'][0], 'sha256:' + evil_id]
config.pop('history', None)
cdata = json.dumps(config).encode()
cname = hashlib.sha256(cdata).hexdigest() + '.json'
m = copy.deepcopy(man)
m[0]['Config'], m[0]['Layers'] = cname, [layers[0], evil_id + '.tar']
write('hostile-layer.tar', m, add=[(cname, cdata, None), (evil_id + '.tar', evil, None)])
EOF
}

@test "load rejects bad archives and leaves the store as it was" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/layers:latest"
	local good=$BATS_TEST_TMPDIR/good.tar bad=$BATS_TEST_TMPDIR/bad
	run_selkie save -q -o "$good" "$SELKIE_REGISTRY/layers:latest"
	mkdir "$bad"
	make_bad_archives "$good" "$bad"
	head -c 1000000 "$good" >"$bad/truncated.tar"
	echo "hello" >"$bad/not-a-tar.tar"
	# the hostile layer is tried on an empty store, so its first layer is new
	run_selkie rmi -a
	local before
	before=$(store_snapshot)
	local -A want=(
		[missing-layer]='Error: file "missing.tar" not found in the archive'
		[escaping-path]='Error: invalid manifest.json: path "../outside.tar" is outside the archive'
		[absolute-path]='Error: invalid manifest.json: path "/etc/passwd" is outside the archive'
		[escaping-symlink]='Error: file "evil/layer.tar" named in the archive is outside the archive'
		[diff-id-mismatch]='diff ID mismatch: got sha256:'
		[layer-not-a-tar]='not a tar archive'
		[config-digest-mismatch]='digest mismatch: got sha256:'
		[bad-json]='Error: invalid manifest.json: line 1'
		[hostile-layer]='layer entry "../escape"'
		[truncated]='Error: payload does not match any of the supported image formats: read archive: truncated tar archive'
		[not-a-tar]='Error: payload does not match any of the supported image formats'
	)
	local name
	for name in "${!want[@]}"; do
		run_selkie 125 load -i "$bad/$name.tar"
		assert_contains "$output" "${want[$name]}"
		assert_equal "$(store_snapshot)" "$before"
	done
	[[ ! -e $SELKIE_TEST_ROOT/../escape && ! -e $BATS_TEST_TMPDIR/escape ]]
	# the good archive still loads
	run_selkie load -q -i "$good"
	assert_equal "$output" "Loaded image: $SELKIE_REGISTRY/layers:latest"
}

@test "load rejects an OCI layout whose blobs do not match their digests" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/httpd:latest"
	local d=$BATS_TEST_TMPDIR/layout
	run_selkie save -q --format oci-dir -o "$d" "$SELKIE_REGISTRY/httpd:latest"
	run_selkie rmi -a
	local before
	before=$(store_snapshot)
	local m l
	m=$(jq -r '.manifests[0].digest' "$d/index.json")
	l=$(jq -r '.layers[1].digest' "$d/blobs/sha256/${m#sha256:}")
	cp "$d/blobs/sha256/${l#sha256:}" "$BATS_TEST_TMPDIR/saved-layer"
	printf 'X' | dd of="$d/blobs/sha256/${l#sha256:}" bs=1 seek=100 conv=notrunc status=none
	run_selkie 125 load -i "$d"
	assert_contains "$output" "Error: layer \"blobs/sha256/${l#sha256:}\": digest mismatch: got sha256:"
	assert_equal "$(store_snapshot)" "$before"
	cp "$BATS_TEST_TMPDIR/saved-layer" "$d/blobs/sha256/${l#sha256:}"
	rm "$d/blobs/sha256/${m#sha256:}"
	run_selkie 125 load -i "$d"
	assert_equal "$output" "Error: file \"blobs/sha256/${m#sha256:}\" not found in \"$d\""
	assert_equal "$(store_snapshot)" "$before"
	rm "$d/index.json"
	run_selkie 125 load -i "$d"
	assert_contains "$output" "Error: payload does not match any of the supported image formats"
}
