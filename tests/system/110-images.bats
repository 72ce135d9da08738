#!/usr/bin/env bats
# selkie images / image list / image ls: columns, flags, --format, --sort, --filter.

load helpers
bats_require_minimum_version 1.5.0

# make_variant REPO CREATED LABEL: push busybox with another created time and label to
# $SELKIE_REGISTRY/REPO:latest (a new config, so a new image ID); print the image ID.
make_variant() {
	local out=$BATS_TEST_TMPDIR/layout-${1//\//-}
	local id
	id=$(/usr/bin/python3 - "$SELKIE_FIXTURE_IMAGES/oci/busybox" "$out" "$2" "$3" <<-'PY'
		import hashlib, json, os, shutil, sys
		src, out, created, label = sys.argv[1:5]
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
		cfg["created"] = created
		cfg["config"]["Labels"] = {"org.selkie.test": label}
		man["config"]["digest"], man["config"]["size"] = put(json.dumps(cfg).encode())
		md, ms = put(json.dumps(man).encode())
		json.dump({"schemaVersion": 2, "manifests": [{"mediaType": man["mediaType"],
		    "digest": md, "size": ms,
		    "annotations": {"org.opencontainers.image.ref.name": "latest"}}]},
		    open(os.path.join(out, "index.json"), "w"))
		open(os.path.join(out, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
		print(man["config"]["digest"].split(":")[1])
	PY
	)
	skopeo copy -q --dest-tls-verify=false "oci:$out:latest" \
		"docker://$SELKIE_REGISTRY/$1:latest" >/dev/null
	echo "$id"
}

# pull_three: busybox (created 2023), httpd (2023) and layers (2023), tag busybox as mybox:1.
pull_three() {
	local i
	for i in busybox httpd layers; do
		run_selkie pull -q "$SELKIE_REGISTRY/$i:latest"
	done
	run_selkie tag "$SELKIE_REGISTRY/busybox:latest" mybox:1
}

@test "images in an empty store prints only the header" {
	run_selkie images
	assert_match "$output" '^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE$'
	run_selkie images -q
	assert_equal "$output" ""
}

@test "images shows REPOSITORY TAG IMAGE ID CREATED SIZE with 12-hex IDs" {
	require_registry
	pull_three
	run_selkie images
	assert_match "${lines[0]}" '^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE$'
	assert_equal "${#lines[@]}" 5
	local line
	for line in "${lines[@]:1}"; do
		assert_match "$line" '^[^ ]+ +[^ ]+ +[0-9a-f]{12} +[0-9]+ years? ago +[0-9.]+ [kMG]?B$'
	done
	local id
	id=$(jq -r '.manifests[0].digest' "$SELKIE_FIXTURE_IMAGES/oci/busybox/index.json")
	id=$(jq -r .config.digest "$SELKIE_FIXTURE_IMAGES/oci/busybox/blobs/sha256/${id#sha256:}")
	assert_match "$output" $'\n'"$SELKIE_REGISTRY/busybox +latest +${id:7:12} +[0-9]+ years ago +2.13 MB"
	assert_match "$output" $'\n'"localhost/mybox +1 +${id:7:12} "
	# The columns line up: every row has IMAGE ID where the header has it.
	local col=${lines[0]%%IMAGE ID*}
	for line in "${lines[@]:1}"; do
		assert_match "${line:${#col}:12}" '^[0-9a-f]{12}$'
	done
	# image list and image ls are the same command.
	local all=$output
	run_selkie image list
	assert_equal "$output" "$all"
	run_selkie image ls
	assert_equal "$output" "$all"
}

@test "images --no-trunc shows the full sha256: ID" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/httpd:latest"
	local id=$output
	run_selkie images --no-trunc
	assert_match "${lines[1]}" "^$SELKIE_REGISTRY/httpd +latest +sha256:$id +"
	run_selkie images -q --no-trunc
	assert_equal "$output" "sha256:$id"
}

@test "images -q prints each image ID once" {
	require_registry
	pull_three
	run_selkie images -q
	assert_equal "${#lines[@]}" 3
	local line
	for line in "${lines[@]}"; do
		assert_match "$line" '^[0-9a-f]{12}$'
	done
	assert_equal "$(printf '%s\n' "${lines[@]}" | sort -u | wc -l)" 3
}

@test "images --noheading drops the header" {
	require_registry
	pull_three
	run_selkie images --noheading
	assert_equal "${#lines[@]}" 4
	assert_not_contains "$output" "REPOSITORY"
	run_selkie images -n --format 'table {{.ID}}'
	assert_equal "${#lines[@]}" 4
	assert_not_contains "$output" "IMAGE ID"
}

@test "images --digests adds the DIGEST column" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/httpd:latest"
	local digest
	digest=$(awk '$1 == "httpd:latest" { print $2 }' "$SELKIE_FIXTURE_IMAGES/images.txt")
	run_selkie images --digests
	assert_match "${lines[0]}" '^REPOSITORY +TAG +DIGEST +IMAGE ID +CREATED +SIZE$'
	assert_match "${lines[1]}" "^$SELKIE_REGISTRY/httpd +latest +$digest +[0-9a-f]{12} +"
}

@test "images --format json is a JSON array of the images" {
	require_registry
	pull_three
	run_selkie_stdout images --format json
	assert_equal "$(jq length <<<"$output")" 3
	local b
	b=$(jq -c --arg n "$SELKIE_REGISTRY/busybox:latest" '.[] | select(.Names | index($n))' <<<"$output")
	assert_match "$(jq -r .Id <<<"$b")" '^[0-9a-f]{64}$'
	assert_equal "$(jq -r '.Names | sort | join(",")' <<<"$b")" \
		"$SELKIE_REGISTRY/busybox:latest,localhost/mybox:1"
	assert_equal "$(jq -r '.Labels["org.selkie.test"]' <<<"$b")" "busybox"
	assert_equal "$(jq -r .Created <<<"$b")" 1700000000
	assert_equal "$(jq -r .CreatedAt <<<"$b")" "2023-11-14T22:13:20Z"
	assert_match "$(jq -r .Digest <<<"$b")" '^sha256:[0-9a-f]{64}$'
	assert_match "$(jq -r .Size <<<"$b")" '^[0-9]+$'
	assert_equal "$(jq -r .ReadOnly <<<"$b")" "false"
	assert_equal "$(jq -r .Containers <<<"$b")" 0
}

@test "images --format with a Go template prints one line per name" {
	require_registry
	pull_three
	run_selkie images --format '{{.Repository}}:{{.Tag}}' --sort repository
	assert_equal "$output" "$SELKIE_REGISTRY/busybox:latest
$SELKIE_REGISTRY/httpd:latest
$SELKIE_REGISTRY/layers:latest
localhost/mybox:1"
	run_selkie images --format '{{.ID}}\t{{.Size}}|{{.Dangling}}|{{.ReadOnly}}' "$SELKIE_REGISTRY/httpd"
	assert_match "$output" $'^[0-9a-f]{12}\t2.14 MB\\|false\\|false$'
	run_selkie images --format '{{.Labels}}' "$SELKIE_REGISTRY/httpd"
	assert_equal "$output" "map[org.selkie.test:httpd]"
	# Times print as Go prints a time.Time.
	run_selkie images --format '{{.CreatedAt}}' "$SELKIE_REGISTRY/httpd"
	assert_equal "$output" "2023-11-14 22:13:20 +0000 UTC"
}

@test "images --format table prints headers for the chosen columns" {
	require_registry
	pull_three
	run_selkie images --format 'table {{.ID}} {{.Repository}}' --sort repository
	assert_match "${lines[0]}" '^IMAGE ID +REPOSITORY$'
	assert_match "${lines[1]}" "^[0-9a-f]{12} +$SELKIE_REGISTRY/busybox\$"
	assert_equal "${#lines[@]}" 5
}

@test "images --format with an unknown field fails with exit 125" {
	require_registry
	run_selkie pull -q "$SELKIE_REGISTRY/httpd:latest"
	run_selkie_stdout 125 images --format '{{.Nope}}'
	assert_equal "$output" ""
	assert_match "$stderr" "^Error: .*can't evaluate field Nope"
}

@test "images --sort sorts by repository, tag, size, id and created" {
	require_registry
	pull_three
	run_selkie images --sort repository --format '{{.Repository}}'
	assert_equal "$output" "$SELKIE_REGISTRY/busybox
$SELKIE_REGISTRY/httpd
$SELKIE_REGISTRY/layers
localhost/mybox"
	run_selkie images --sort tag --format '{{.Tag}}'
	assert_equal "${lines[0]}" "1"
	assert_equal "${lines[3]}" "latest"
	# podman sorts sizes smallest first.
	run_selkie images --sort size --format '{{.Repository}}'
	assert_equal "${lines[3]}" "$SELKIE_REGISTRY/layers"
	assert_equal "${lines[2]}" "$SELKIE_REGISTRY/httpd"
	run_selkie images --sort id --format '{{.ID}}'
	assert_equal "$output" "$(printf '%s\n' "${lines[@]}" | sort)"
}

@test "images sorts by created, newest first, and --sort created does the same" {
	require_registry
	local old new
	old=$(make_variant t110/old 2020-01-01T00:00:00Z old)
	new=$(make_variant t110/new 2025-01-01T00:00:00Z new)
	run_selkie pull -q "$SELKIE_REGISTRY/t110/old:latest"
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
	run_selkie pull -q "$SELKIE_REGISTRY/t110/new:latest"
	run_selkie images --format '{{.Repository}}'
	assert_equal "$output" "$SELKIE_REGISTRY/t110/new
$SELKIE_REGISTRY/busybox
$SELKIE_REGISTRY/t110/old"
	run_selkie images --sort created --format '{{.Repository}}'
	assert_equal "${lines[0]}" "$SELKIE_REGISTRY/t110/new"
	assert_equal "${lines[2]}" "$SELKIE_REGISTRY/t110/old"
}

@test "images --sort with an unknown key fails with exit 125" {
	run_selkie 125 images --sort bogus
	assert_equal "${lines[0]}" 'Error: "bogus" is not a valid field for sorting. Choose from: created, id, repository, size, tag'
}

@test "images --filter dangling=true shows only untagged images" {
	require_registry
	pull_three
	run_selkie images --filter dangling=true -q
	assert_equal "$output" ""
	run_selkie untag "$SELKIE_REGISTRY/layers:latest"
	run_selkie image inspect --format '{{.Id}}' "$(jq -r '.manifests[0].digest' \
		"$SELKIE_FIXTURE_IMAGES/oci/layers/index.json" | sed "s|^|$SELKIE_REGISTRY/layers@|")"
	local layers=$output
	run_selkie images --filter dangling=true
	assert_equal "${#lines[@]}" 2
	assert_match "${lines[1]}" "^<none> +<none> +${layers:0:12} "
	run_selkie images --filter dangling=false --format '{{.Repository}}' --sort repository
	assert_equal "$output" "$SELKIE_REGISTRY/busybox
$SELKIE_REGISTRY/httpd
localhost/mybox"
}

@test "an image pulled by digest only is not dangling" {
	require_registry
	local digest
	digest=$(awk '$1 == "httpd:latest" { print $2 }' "$SELKIE_FIXTURE_IMAGES/images.txt")
	run_selkie pull -q "$SELKIE_REGISTRY/httpd@$digest"
	run_selkie images --format '{{.Repository}} {{.Tag}}'
	assert_equal "$output" "$SELKIE_REGISTRY/httpd <none>"
	run_selkie images --filter dangling=true -q
	assert_equal "$output" ""
}

@test "images --filter reference= matches names with wildcards and short names" {
	require_registry
	pull_three
	run_selkie images --filter 'reference=*box*' --format '{{.Repository}}:{{.Tag}}' --sort repository
	assert_equal "$output" "$SELKIE_REGISTRY/busybox:latest
localhost/mybox:1"
	run_selkie images --filter "reference=$SELKIE_REGISTRY/*" -q
	assert_equal "${#lines[@]}" 3
	run_selkie images --filter 'reference=*:1' --format '{{.Repository}}:{{.Tag}}' --sort repository
	assert_contains "$output" "localhost/mybox:1"
	run_selkie images --filter 'reference=httpd' --format '{{.Repository}}:{{.Tag}}'
	assert_equal "$output" "$SELKIE_REGISTRY/httpd:latest"
	run_selkie images --filter 'reference=nothere*' -q
	assert_equal "$output" ""
	# A short name matches the localhost/ image it stands for.
	run_selkie images --filter 'reference=mybox' -q
	assert_equal "$output" "$(selkie_id "$SELKIE_REGISTRY/busybox")"
	run_selkie images --filter 'reference=mybox:1' -q
	assert_equal "$output" "$(selkie_id "$SELKIE_REGISTRY/busybox")"
}

# selkie_id IMAGE: the 12-hex ID of a local image.
selkie_id() {
	"$SELKIE_BIN" --root "$SELKIE_TEST_ROOT" --runroot "$SELKIE_TEST_RUNROOT" \
		image inspect --format '{{.Id}}' "$1" | cut -c1-12
}

@test "images --filter before= and since= compare creation times" {
	require_registry
	make_variant t110/old 2020-01-01T00:00:00Z old >/dev/null
	make_variant t110/new 2025-01-01T00:00:00Z new >/dev/null
	run_selkie pull -q "$SELKIE_REGISTRY/t110/old:latest"
	run_selkie pull -q "$SELKIE_REGISTRY/busybox:latest"
	run_selkie pull -q "$SELKIE_REGISTRY/t110/new:latest"
	run_selkie images --filter "before=$SELKIE_REGISTRY/busybox:latest" --format '{{.Repository}}'
	assert_equal "$output" "$SELKIE_REGISTRY/t110/old"
	run_selkie images --filter "since=$SELKIE_REGISTRY/busybox:latest" --format '{{.Repository}}'
	assert_equal "$output" "$SELKIE_REGISTRY/t110/new"
	run_selkie images --filter "since=$SELKIE_REGISTRY/t110/old" --format '{{.Repository}}'
	assert_equal "$output" "$SELKIE_REGISTRY/t110/new
$SELKIE_REGISTRY/busybox"
	run_selkie images --filter "before=$SELKIE_REGISTRY/t110/old" -q
	assert_equal "$output" ""
	# by ID too
	run_selkie images --filter "since=$(selkie_id "$SELKIE_REGISTRY/busybox")" --format '{{.Repository}}'
	assert_equal "$output" "$SELKIE_REGISTRY/t110/new"
}

@test "images --filter before= naming a missing image fails with exit 125" {
	run_selkie 125 images --filter before=nothere
	assert_match "${lines[0]}" '^Error: .*nothere.*image not known'
}

@test "images --filter label= matches a key or a key=value" {
	require_registry
	pull_three
	run_selkie images --filter label=org.selkie.test=httpd --format '{{.Repository}}'
	assert_equal "$output" "$SELKIE_REGISTRY/httpd"
	run_selkie images --filter label=org.selkie.test -q
	assert_equal "${#lines[@]}" 3
	run_selkie images --filter label=nope -q
	assert_equal "$output" ""
	run_selkie images --filter label=org.selkie.test=nope -q
	assert_equal "$output" ""
	# Different filters must all match.
	run_selkie images --filter label=org.selkie.test=httpd --filter 'reference=*box*' -q
	assert_equal "$output" ""
}

@test "images --filter readonly= splits read-only images from the others" {
	require_registry
	pull_three
	run_selkie images --filter readonly=false -q
	assert_equal "${#lines[@]}" 3
	run_selkie images --filter readonly=true -q
	assert_equal "$output" ""
}

@test "images --filter with an unknown key fails with exit 125" {
	run_selkie 125 images --filter bogus=1
	assert_equal "${lines[0]}" 'Error: unsupported image filter "bogus"'
}

@test "images --filter with a value that is not a boolean fails with exit 125" {
	run_selkie 125 images --filter dangling=maybe
	assert_match "${lines[0]}" '^Error: .*"maybe"'
	run_selkie 125 images --filter readonly=maybe
	assert_match "${lines[0]}" '^Error: .*"maybe"'
}

@test "images IMAGE lists only that image" {
	require_registry
	pull_three
	run_selkie images --format '{{.Repository}}:{{.Tag}}' "$SELKIE_REGISTRY/httpd"
	assert_equal "$output" "$SELKIE_REGISTRY/httpd:latest"
	run_selkie images --format '{{.Repository}}:{{.Tag}}' httpd:latest
	assert_equal "$output" "$SELKIE_REGISTRY/httpd:latest"
	run_selkie images --format '{{.Repository}}:{{.Tag}}' mybox
	assert_contains "$output" "localhost/mybox:1"
	run_selkie images -q nothere
	assert_equal "$output" ""
	run_selkie 125 images a b
	assert_equal "${lines[0]}" "Error: accepts at most 1 arg(s), received 2"
}
