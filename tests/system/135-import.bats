#!/usr/bin/env bats
# selkie import: a tarball from a file, stdin or a URL becomes a one-layer image; --change,
# --message and the platform flags shape its config.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	selkie_test_setup
	HTTP_PID=
	ROOTFS=$BATS_TEST_TMPDIR/rootfs.tar
	local d=$BATS_TEST_TMPDIR/rootfs
	mkdir -p "$d/etc" "$d/bin" "$d/data"
	echo "imported by selkie" >"$d/etc/motd"
	printf '#!/bin/sh\necho hi\n' >"$d/bin/hello"
	chmod 0755 "$d/bin/hello"
	tar --sort=name --mtime=@1700000000 --owner=0 --group=0 -C "$d" -cf "$ROOTFS" .
	ROOTFS_DIFF=sha256:$(sha256sum "$ROOTFS" | cut -d' ' -f1)
}

teardown() {
	if [[ -n $HTTP_PID ]]; then
		kill "$HTTP_PID" 2>/dev/null || true
		wait "$HTTP_PID" 2>/dev/null || true
	fi
	selkie_test_teardown
}

inspect() {
	run_selkie image inspect --format "$2" "$1"
	echo "$output"
}

# serve DIR: a plain HTTP server on 127.0.0.1 (a free port) for DIR; sets HTTP_URL.
serve() {
	local log=$BATS_TEST_TMPDIR/http.log
	python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$1" >"$log" 2>&1 &
	HTTP_PID=$!
	local i port=
	for i in $(seq 100); do
		port=$(sed -n 's/^Serving HTTP on 127.0.0.1 port \([0-9]*\).*/\1/p' "$log")
		[[ -n $port ]] && break
		sleep 0.1
	done
	[[ -n $port ]]
	HTTP_URL=http://127.0.0.1:$port
}

@test "import prints the new image's ID on stdout and podman's progress on stderr" {
	run_selkie_stdout import "$ROOTFS"
	assert_match "$output" '^sha256:[0-9a-f]{64}$'
	local id=${output#sha256:}
	assert_equal "$stderr" "Getting image source signatures
Copying blob $ROOTFS_DIFF
Copying config sha256:$id
Writing manifest to image destination
Storing signatures"
	# without a reference the image has no name
	run_selkie images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
	assert_equal "$output" "<none>:<none> ${id:0:12}"
	assert_equal "$(inspect "$id" '{{json .RootFS.Layers}}')" "[\"$ROOTFS_DIFF\"]"
	assert_equal "$(inspect "$id" '{{.Os}}/{{.Architecture}}')" "linux/amd64"
	run_selkie image inspect --format '{{json .History}}' "$id"
	assert_equal "$(jq -r '.[0].created_by' <<<"$output")" \
		"/bin/sh -c #(nop) ADD file:${ROOTFS_DIFF#sha256:} in /"
	assert_equal "$(jq 'length' <<<"$output")" "1"
	# the layer holds the tarball's files
	local dir
	dir=$(inspect "$id" '{{.GraphDriver.Data.UpperDir}}')
	assert_equal "$(cat "$dir/etc/motd")" "imported by selkie"
	[[ -x $dir/bin/hello ]]
	run_selkie import -q "$ROOTFS"
	assert_match "$output" '^sha256:[0-9a-f]{64}$'
}

@test "import names the image: a short reference goes under localhost/" {
	run_selkie_stdout import -q "$ROOTFS" myimg
	local id=${output#sha256:}
	assert_equal "$(inspect localhost/myimg:latest '{{.Id}}')" "$id"
	run_selkie image import -q "$ROOTFS" quay.io/team/app:v2
	assert_equal "$(inspect quay.io/team/app:v2 '{{json .RepoTags}}')" '["quay.io/team/app:v2"]'
	run_selkie 125 import "$ROOTFS" 'bad:ref:x'
	assert_contains "$output" "Error: "
	assert_contains "$output" "invalid reference format"
}

@test "import --change sets the config, --message the comment" {
	run_selkie import -q -m "from a tarball" \
		-c 'CMD ["/bin/hello","--loud"]' \
		-c 'ENTRYPOINT /bin/sh -c' \
		-c 'ENV GREETING="hello world"' \
		-c 'env MODE=test' \
		-c 'EXPOSE 8080' -c 'EXPOSE 53/udp' \
		-c 'LABEL org.example.team=selkie' -c 'LABEL "quoted key"="quoted value"' \
		-c 'USER 1000:1000' \
		-c 'VOLUME /data /cache' -c 'VOLUME ["/logs"]' \
		-c 'WORKDIR /srv' -c 'WORKDIR app' \
		-c 'STOPSIGNAL SIGINT' \
		"$ROOTFS" changed
	assert_equal "$(inspect changed '{{json .Config.Cmd}}')" '["/bin/hello","--loud"]'
	assert_equal "$(inspect changed '{{json .Config.Entrypoint}}')" '["/bin/sh","-c","/bin/sh -c"]'
	assert_equal "$(inspect changed '{{json .Config.Env}}')" '["GREETING=hello world","MODE=test"]'
	run_selkie image inspect --format '{{json .Config}}' changed
	local cfg=$output
	assert_equal "$(jq -c '.ExposedPorts | keys' <<<"$cfg")" '["53/udp","8080/tcp"]'
	assert_equal "$(jq -c '.Volumes | keys' <<<"$cfg")" '["/cache","/data","/logs"]'
	assert_equal "$(jq -c '.Labels' <<<"$cfg")" \
		'{"org.example.team":"selkie","quoted key":"quoted value"}'
	assert_equal "$(inspect changed '{{.Config.User}}')" "1000:1000"
	assert_equal "$(inspect changed '{{.Config.WorkingDir}}')" "/srv/app"
	assert_equal "$(inspect changed '{{.Config.StopSignal}}')" "2"
	assert_equal "$(inspect changed '{{.Comment}}')" "from a tarball"
	run_selkie image inspect --format '{{json .History}}' changed
	assert_equal "$(jq -r '.[0].comment' <<<"$output")" "from a tarball"
}

@test "import --arch, --os, --variant and --platform set the platform" {
	run_selkie import -q --arch arm64 --variant v8 "$ROOTFS" a
	assert_equal "$(inspect a '{{.Os}}/{{.Architecture}}/{{.Variant}}')" "linux/arm64/v8"
	run_selkie import -q --platform linux/arm/v7 "$ROOTFS" b
	assert_equal "$(inspect b '{{.Os}}/{{.Architecture}}/{{.Variant}}')" "linux/arm/v7"
	run_selkie import -q --platform linux/arm/v7 --arch riscv64 --os freebsd "$ROOTFS" c
	assert_equal "$(inspect c '{{.Os}}/{{.Architecture}}')" "freebsd/riscv64"
	run_selkie 125 import --platform linux "$ROOTFS"
	assert_contains "$output" "Error: invalid platform 'linux'"
}

@test "import reads stdin, plain or compressed" {
	run_selkie import -q - plain <"$ROOTFS"
	local c
	gzip -c "$ROOTFS" >"$ROOTFS.gz"
	xz -c "$ROOTFS" >"$ROOTFS.xz"
	zstd -q -c "$ROOTFS" >"$ROOTFS.zst"
	bzip2 -c "$ROOTFS" >"$ROOTFS.bz2"
	for c in gz xz zst bz2; do
		run_selkie import -q - "from-$c" <"$ROOTFS.$c"
		# decompressed, the layer is the same tar: the same diff ID
		assert_equal "$(inspect "from-$c" '{{json .RootFS.Layers}}')" "[\"$ROOTFS_DIFF\"]"
	done
	run_selkie import -q "$ROOTFS.xz" from-file-xz
	assert_equal "$(inspect from-file-xz '{{json .RootFS.Layers}}')" "[\"$ROOTFS_DIFF\"]"
}

@test "import downloads an http URL" {
	local web=$BATS_TEST_TMPDIR/web
	mkdir "$web"
	gzip -c "$ROOTFS" >"$web/rootfs.tar.gz"
	serve "$web"
	run_selkie_stdout import "$HTTP_URL/rootfs.tar.gz" fromweb
	assert_match "$output" '^sha256:[0-9a-f]{64}$'
	assert_contains "$stderr" "Downloading from \"$HTTP_URL/rootfs.tar.gz\""
	assert_contains "$stderr" "Copying blob $ROOTFS_DIFF"
	assert_equal "$(inspect fromweb '{{json .RootFS.Layers}}')" "[\"$ROOTFS_DIFF\"]"
	local before
	before=$(store_snapshot)
	run_selkie 125 import -q "$HTTP_URL/missing.tar" nothing
	assert_equal "$output" \
		"Error: download \"$HTTP_URL/missing.tar\": invalid status code 404"
	assert_equal "$(store_snapshot)" "$before"
}

@test "import rejects what is not a tarball and leaves the store as it was" {
	run_selkie images
	local before
	before=$(store_snapshot)
	echo "not a tar" >"$BATS_TEST_TMPDIR/text"
	run_selkie 125 import "$BATS_TEST_TMPDIR/text"
	assert_equal "$output" "Error: import \"$BATS_TEST_TMPDIR/text\": not a tar archive"
	: >"$BATS_TEST_TMPDIR/empty"
	run_selkie 125 import "$BATS_TEST_TMPDIR/empty"
	assert_equal "$output" \
		"Error: import \"$BATS_TEST_TMPDIR/empty\": empty input, not a tar archive"
	run_selkie 125 import "$BATS_TEST_TMPDIR/nonexistent.tar"
	assert_equal "$output" \
		"Error: open \"$BATS_TEST_TMPDIR/nonexistent.tar\": No such file or directory"
	head -c 3000 "$ROOTFS" | gzip >"$BATS_TEST_TMPDIR/truncated.tar.gz"
	run_selkie 125 import "$BATS_TEST_TMPDIR/truncated.tar.gz"
	assert_contains "$output" "Error: "
	# a tar whose entry climbs out of the layer
	python3 -c '
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    ti = tarfile.TarInfo("../escape"); ti.size = 5; t.addfile(ti, io.BytesIO(b"evil\n"))
' "$BATS_TEST_TMPDIR/hostile.tar"
	run_selkie 125 import "$BATS_TEST_TMPDIR/hostile.tar" hostile
	assert_contains "$output" "Error: "
	run_selkie 125 import -c 'EXPOSE 80 443' "$ROOTFS"
	assert_equal "$output" "Error: invalid change \"EXPOSE 80 443\": EXPOSE port must be an integer"
	run_selkie 125 import -c 'FROM busybox' "$ROOTFS"
	assert_equal "$output" "Error: invalid change \"FROM busybox\": invalid instruction FROM"
	run_selkie 125 import -c 'STOPSIGNAL SIGNOPE' "$ROOTFS"
	assert_equal "$output" \
		"Error: invalid change \"STOPSIGNAL SIGNOPE\": STOPSIGNAL must be given a valid signal"
	assert_equal "$(store_snapshot)" "$before"
	[[ ! -e $SELKIE_TEST_ROOT/../escape ]]
}

@test "an imported image saves and loads back with the same ID" {
	run_selkie import -q -c 'CMD ["/bin/hello"]' "$ROOTFS" roundtrip
	local id=${output#sha256:}
	run_selkie save -q -o "$BATS_TEST_TMPDIR/rt.tar" roundtrip
	run_selkie rmi roundtrip
	run_selkie load -q -i "$BATS_TEST_TMPDIR/rt.tar"
	assert_equal "$output" "Loaded image: localhost/roundtrip:latest"
	assert_equal "$(inspect roundtrip '{{.Id}}')" "$id"
	assert_equal "$(inspect roundtrip '{{json .Config.Cmd}}')" '["/bin/hello"]'
}
