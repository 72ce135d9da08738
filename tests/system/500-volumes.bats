#!/usr/bin/env bats
# selkie volume create, ls, inspect, rm, prune, exists: named volumes as podman 4.3 shows them.

load helpers
bats_require_minimum_version 1.5.0

# volume_dirs: the entries of <graph>/volumes (the lock file aside), one a line.
volume_dirs() {
	find "$SELKIE_TEST_ROOT/volumes" -mindepth 1 -maxdepth 1 ! -name .lock -printf '%f\n' \
		2>/dev/null | LC_ALL=C sort
}

@test "volume create prints the name and makes <graph>/volumes/NAME/_data" {
	run_selkie volume create data
	assert_equal "$output" "data"
	local dir=$SELKIE_TEST_ROOT/volumes/data
	assert_equal "$(stat -c %a "$dir")" "700"
	assert_equal "$(stat -c %a "$dir/_data")" "755"
	assert_equal "$(find "$dir" -mindepth 1 -printf '%P\n')" "_data"
	run_selkie volume inspect --format '{{.Mountpoint}}' data
	assert_equal "$output" "$dir/_data"
}

@test "volume create without a name makes a 64-hex name" {
	run_selkie volume create
	assert_match "$output" '^[0-9a-f]{64}$'
	local name=$output
	run_selkie volume ls -q
	assert_equal "$output" "$name"
	[[ -d $SELKIE_TEST_ROOT/volumes/$name/_data ]]
}

@test "volume create of an existing name fails with exit 125; --ignore keeps the old one" {
	run_selkie volume create -l a=1 x
	run_selkie 125 volume create x
	assert_equal "$output" "Error: volume with name x already exists: volume already exists"
	run_selkie volume create --ignore -l b=2 x
	assert_equal "$output" "x"
	run_selkie volume inspect --format '{{.Labels}}' x
	assert_equal "$output" "map[a:1]"
}

@test "volume create refuses names podman refuses and leaves nothing" {
	local name
	for name in 'bad name' _x .x a/b ../x 'a:b' 'ü'; do
		run_selkie 125 volume create "$name"
		assert_equal "$output" "Error: running volume create option: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument"
	done
	run_selkie 125 volume create -x
	assert_equal "${lines[0]}" "Error: unknown shorthand flag: 'x' in -x"
	run_selkie 125 volume create a b
	assert_equal "$output" "Error: accepts at most 1 arg(s), received 2"
	assert_equal "$(volume_dirs)" ""
	run_selkie volume ls -q
	assert_equal "$output" ""
}

@test "volume create refuses bad labels, options and drivers with podman's messages" {
	run_selkie 125 volume create -l =x v
	assert_equal "$output" 'Error: unable to process labels: invalid label format: "=x"'
	run_selkie 125 volume create -o =x v
	assert_equal "$output" 'Error: unable to process options: invalid label format: "=x"'
	run_selkie 125 volume create -o foo=bar v
	assert_equal "$output" "Error: invalid mount option foo for driver 'local': invalid argument"
	run_selkie 125 volume create -o o=uid=abc v
	assert_equal "$output" 'Error: cannot convert UID abc to integer: strconv.Atoi: parsing "abc": invalid syntax'
	run_selkie 125 volume create -o type=bind -o device=/bogus v
	assert_equal "$output" "Error: invalid volume option device for driver 'local': stat /bogus: no such file or directory"
	run_selkie 125 volume create -o o=size=2m v
	assert_equal "$output" "Error: volume options size and inodes not supported. Filesystem does not support Project Quota"
	run_selkie 125 volume create --driver foo v
	assert_equal "$output" "Error: volume v uses volume plugin foo but it could not be retrieved: no volume plugin with name foo available: required plugin missing"
	assert_equal "$(volume_dirs)" ""
	run_selkie volume ls -q
	assert_equal "$output" ""
}

@test "volume create -o type=tmpfs records the options as podman does" {
	run_selkie volume create -o type=tmpfs -o device=tmpfs -o o=size=2m,nodev t
	assert_equal "$output" "t"
	run_selkie volume inspect --format '{{.Options}}' t
	assert_equal "$output" "map[SIZE:2m device:tmpfs o:size=2m,nodev type:tmpfs]"
	run_selkie volume inspect --format '{{.Options.type}} {{.Options.o}} {{.NeedsCopyUp}}' t
	assert_equal "$output" "tmpfs size=2m,nodev true"
	run_selkie volume ls --filter opt=type=tmpfs -q
	assert_equal "$output" "t"
}

@test "volume create -o o=uid=,gid= owns the volume and records UID and GID" {
	run_selkie volume create -o o=uid=1000,gid=1001 owned
	local dir=$SELKIE_TEST_ROOT/volumes/owned
	# (rootless the owners are as the containers see them: in the user namespace)
	assert_equal "$(in_userns stat -c %u:%g "$dir")" "1000:1001"
	assert_equal "$(in_userns stat -c %u:%g "$dir/_data")" "1000:1001"
	run_selkie volume inspect --format '{{.UID}} {{.GID}} {{.NeedsChown}} {{.Options}}' owned
	assert_equal "$output" "1000 1001 false map[GID:1001 UID:1000 o:uid=1000,gid=1001]"
}

@test "volume ls shows DRIVER and VOLUME NAME sorted by name, and nothing at all when empty" {
	run_selkie volume ls
	assert_equal "$output" ""
	run_selkie volume ls --format 'table {{.Name}}'
	assert_equal "$output" ""
	run_selkie volume create b
	run_selkie volume create a
	run_selkie volume create B
	run_selkie volume ls
	assert_equal "$output" "DRIVER      VOLUME NAME
local       B
local       a
local       b"
	run_selkie volume list --noheading
	assert_equal "$output" "local       B
local       a
local       b"
	run_selkie volume ls -q
	assert_equal "$output" "B
a
b"
	run_selkie volume ls --format '{{.Name}}:{{.Driver}}:{{.Scope}}:{{.Labels}}'
	assert_equal "$output" "B:local:local:map[]
a:local:local:map[]
b:local:local:map[]"
	run_selkie volume ls --format 'table {{.Name}} {{.MountCount}}' --filter name=a
	assert_equal "$output" "VOLUME NAME  MOUNT COUNT
a            0"
	run_selkie 125 volume ls --format '{{.Nope}}'
	assert_match "$output" "can't evaluate field Nope"
}

@test "volume ls --format json prints podman's document" {
	run_selkie volume ls --format json
	assert_equal "$output" "[]"
	run_selkie volume create -l 'x=<&>' j
	run_selkie volume ls --format json
	local created
	created=$(jq -r '.[0].CreatedAt' <<<"$output")
	assert_equal "$output" "[
  {
    \"Name\": \"j\",
    \"Driver\": \"local\",
    \"Mountpoint\": \"$SELKIE_TEST_ROOT/volumes/j/_data\",
    \"CreatedAt\": \"$created\",
    \"Labels\": {
      \"x\": \"\\u003c\\u0026\\u003e\"
    },
    \"Scope\": \"local\",
    \"Options\": {
      
    },
    \"MountCount\": 0,
    \"NeedsCopyUp\": true,
    \"NeedsChown\": true
  }
]"
	assert_match "$created" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2})$'
}

@test "volume ls --filter name, label, driver, scope, opt, until, dangling" {
	run_selkie volume create -l a=b -l c=d v1
	run_selkie volume create -l a=c v2
	run_selkie volume create -o o=bind -o device=/tmp v3
	run_selkie volume create x
	check() {
		run_selkie volume ls -q "$@"
		echo "$output" | tr '\n' ' ' | sed 's/ $//'
	}
	assert_equal "$(check --filter name=v)" "v1 v2 v3"
	assert_equal "$(check --filter name=v1 --filter name=x)" "v1 x"
	assert_equal "$(check --filter 'name=^v.$')" "v1 v2 v3"
	assert_equal "$(check --filter label=a)" "v1 v2"
	assert_equal "$(check --filter label=a=b)" "v1"
	assert_equal "$(check --filter label=a=b --filter label=a=c)" "v1 v2"
	assert_equal "$(check --filter label=a,name=2)" "v2"
	assert_equal "$(check --filter driver=local)" "v1 v2 v3 x"
	assert_equal "$(check --filter driver=nfs)" ""
	assert_equal "$(check --filter scope=local --filter name=x)" "x"
	assert_equal "$(check --filter opt=device=/tmp)" "v3"
	assert_equal "$(check --filter until=1h)" ""
	assert_equal "$(check --filter until=2099-01-01)" "v1 v2 v3 x"
	assert_equal "$(check --filter dangling=true)" "v1 v2 v3 x"
	assert_equal "$(check --filter dangling=false)" ""
	# The header is only there when something is listed.
	run_selkie volume ls --filter driver=nfs
	assert_equal "$output" ""
}

@test "volume ls --filter errors have podman's wording" {
	run_selkie 125 volume ls --filter bogus=1
	assert_equal "$output" 'Error: "bogus" is an invalid volume filter'
	run_selkie 125 volume ls --filter nonsense
	assert_equal "$output" "Error: filter input must be in the form of filter=value: nonsense is invalid"
	run_selkie 125 volume ls --filter dangling=maybe
	assert_equal "$output" 'Error: "maybe" is not a valid value for the "dangling" filter - must be true or false'
	run_selkie 125 volume ls --filter until=garbage
	assert_equal "$output" 'Error: failed to parse value as time or duration: "garbage"'
	run_selkie 125 volume ls -n
	assert_equal "${lines[0]}" "Error: unknown shorthand flag: 'n' in -n"
}

@test "volume inspect prints podman's JSON document" {
	run_selkie volume create -l a=b -l c volx
	run_selkie volume inspect volx
	local created
	created=$(jq -r '.[0].CreatedAt' <<<"$output")
	assert_equal "$output" "[
     {
          \"Name\": \"volx\",
          \"Driver\": \"local\",
          \"Mountpoint\": \"$SELKIE_TEST_ROOT/volumes/volx/_data\",
          \"CreatedAt\": \"$created\",
          \"Labels\": {
               \"a\": \"b\",
               \"c\": \"\"
          },
          \"Scope\": \"local\",
          \"Options\": {},
          \"MountCount\": 0,
          \"NeedsCopyUp\": true,
          \"NeedsChown\": true
     }
]"
	run_selkie volume inspect --format json volx
	assert_equal "$(jq -r '.[0].Name' <<<"$output")" "volx"
}

@test "volume inspect --format templates and --all" {
	run_selkie volume create i1
	run_selkie volume create -l k=v i2
	run_selkie volume inspect --format '{{.Name}} {{.Driver}} {{.Scope}} {{.Labels}} {{.Anonymous}} {{.UID}}' i2 i1
	assert_equal "$output" "i2 local local map[k:v] false 0
i1 local local map[] false 0"
	run_selkie volume inspect --all --format '{{.Name}}'
	assert_equal "$output" "i1
i2"
	run_selkie volume inspect -a
	assert_equal "$(jq -r '.[].Name' <<<"$output" | tr '\n' ' ')" "i1 i2 "
	# CreatedAt in a template is Go's time.Time String(), in the local zone.
	run_selkie volume inspect --format '{{.CreatedAt}}' i1
	assert_match "$output" '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+ [+-][0-9]{4} [A-Za-z0-9+-]+$'
	TZ=UTC run_selkie volume inspect --format '{{.CreatedAt}}' i1
	assert_match "$output" ' \+0000 UTC$'
	run_selkie 125 volume inspect --format '{{.Nope}}' i1
	assert_match "$output" "^Error: inspecting object: printing inspect output: template: .*can't evaluate field Nope"
}

@test "volume inspect of missing volumes prints what it found and fails with exit 125" {
	run_selkie_stdout 125 volume inspect nope
	assert_equal "$output" "[]"
	assert_equal "$stderr" "Error: inspecting object: no such volume nope"
	run_selkie volume create here
	run_selkie_stdout 125 volume inspect --format '{{.Name}}' nope1 here nope2
	assert_equal "$output" "here"
	assert_equal "$stderr" "error inspecting object: no such volume nope2
Error: inspecting object: no such volume nope1"
	run_selkie 125 volume inspect
	assert_equal "$output" "Error: provide one or more volume names or use --all"
	run_selkie 125 volume inspect --all here
	assert_equal "$output" "Error: provide one or more volume names or use --all"
}

@test "volume rm removes the volume and its directory and prints its name" {
	run_selkie volume create r1
	run_selkie volume create r2
	echo content >"$SELKIE_TEST_ROOT/volumes/r1/_data/file"
	run_selkie volume rm r1
	assert_equal "$output" "r1"
	assert_equal "$(volume_dirs)" "r2"
	run_selkie volume remove r2
	assert_equal "$output" "r2"
	assert_equal "$(volume_dirs)" ""
	run_selkie volume ls -q
	assert_equal "$output" ""
}

@test "volume rm of a missing volume exits 1; the others are still removed" {
	run_selkie 1 volume rm nope
	assert_equal "$output" 'Error: no volume with name "nope" found: no such volume'
	run_selkie volume create r1
	run_selkie volume create r2
	run_selkie_stdout 1 volume rm r1 nope r2 nope2
	assert_equal "$output" "r1
r2"
	assert_equal "$stderr" 'Error: no volume with name "nope" found: no such volume
Error: no volume with name "nope2" found: no such volume'
	assert_equal "$(volume_dirs)" ""
}

@test "volume rm -f of an unknown volume succeeds silently" {
	run_selkie volume rm -f nope
	assert_equal "$output" ""
	run_selkie volume create r3
	run_selkie volume rm --force nope r3
	assert_equal "$output" "r3"
}

@test "volume rm --all removes every volume; names and --all exclude each other" {
	run_selkie 125 volume rm
	assert_equal "$output" "Error: choose either one or more volumes or all"
	run_selkie 125 volume rm -a x
	assert_equal "$output" "Error: choose either one or more volumes or all"
	run_selkie volume rm -a
	assert_equal "$output" ""
	run_selkie volume create q1
	run_selkie volume create q2
	run_selkie volume rm --all
	assert_equal "$output" "q1
q2"
	assert_equal "$(volume_dirs)" ""
}

@test "volume prune -f removes unused volumes and prints their names" {
	run_selkie volume prune -f
	assert_equal "$output" ""
	run_selkie volume create -l k=v p1
	run_selkie volume create p2
	run_selkie volume create p3
	run_selkie volume prune -f --filter label=k
	assert_equal "$output" "p1"
	run_selkie volume prune --force
	assert_equal "$output" "p2
p3"
	assert_equal "$(volume_dirs)" ""
	run_selkie 125 volume prune -f --filter bogus=1
	assert_equal "$output" 'Error: "bogus" is an invalid volume filter'
	run_selkie 125 volume prune -f --filter name=x
	assert_equal "$output" 'Error: "name" is an invalid volume filter'
}

@test "volume prune asks first and keeps everything unless the answer is y" {
	run_selkie volume create a1
	run_selkie volume create a2
	run bash -c "echo n | '$SELKIE_BIN' --root '$SELKIE_TEST_ROOT' --runroot '$SELKIE_TEST_RUNROOT' volume prune"
	assert_equal "$status" 0
	assert_equal "$output" "WARNING! This will remove all volumes not used by at least one container. The following volumes will be removed:
a1
a2
Are you sure you want to continue? [y/N] "
	assert_equal "$(volume_dirs)" "a1
a2"
	run bash -c "echo y | '$SELKIE_BIN' --root '$SELKIE_TEST_ROOT' --runroot '$SELKIE_TEST_RUNROOT' volume prune"
	assert_equal "$status" 0
	assert_equal "${lines[-2]}" "Are you sure you want to continue? [y/N] a1"
	assert_equal "${lines[-1]}" "a2"
	assert_equal "$(volume_dirs)" ""
	run bash -c "'$SELKIE_BIN' --root '$SELKIE_TEST_ROOT' --runroot '$SELKIE_TEST_RUNROOT' volume prune </dev/null"
	assert_equal "$status" 0
	assert_equal "$output" "WARNING! This will remove all volumes not used by at least one container. The following volumes will be removed:
No dangling volumes found"
}

@test "volume prune removes a volume directory a killed command left without a record" {
	run_selkie volume create keep
	mkdir -p "$SELKIE_TEST_ROOT/volumes/orphan/_data"
	touch "$SELKIE_TEST_ROOT/volumes/orphan/_data/file"
	run_selkie volume ls -q
	assert_equal "$output" "keep"
	run_selkie volume prune -f --filter label=nothing
	assert_equal "$output" ""
	assert_equal "$(volume_dirs)" "keep"
	# and a create of that name starts from an empty directory
	mkdir -p "$SELKIE_TEST_ROOT/volumes/again/_data"
	touch "$SELKIE_TEST_ROOT/volumes/again/_data/stale"
	run_selkie volume create again
	assert_equal "$(ls -A "$SELKIE_TEST_ROOT/volumes/again/_data")" ""
}

# load_busybox: the fixture busybox image, loaded from its archive (no registry traffic).
load_busybox() {
	require_registry
	run_selkie load -q -i "$SELKIE_FIXTURE_IMAGES/archives/busybox-docker.tar"
}

@test "volume rm of a volume a container uses exits 2 and names the container" {
	load_busybox
	run_selkie create --name user1 -v used:/data busybox true
	local id=$output
	run_selkie volume create spare
	run_selkie 2 volume rm used
	assert_equal "$output" "Error: volume used is being used by the following container(s): $id: volume is being used"
	run_selkie_stdout 2 volume rm spare used
	assert_equal "$output" "spare"
	run_selkie volume ls -q --filter dangling=false
	assert_equal "$output" "used"
	run_selkie volume prune -f
	assert_equal "$output" ""
	run_selkie 2 volume rm --all
	assert_equal "$(volume_dirs)" "used"
	run_selkie rm user1
	run_selkie volume rm used
	assert_equal "$output" "used"
	assert_equal "$(volume_dirs)" ""
}

@test "volume exists exits 0 for a volume and 1 for none" {
	run_selkie volume create e1
	run_selkie volume exists e1
	assert_equal "$output" ""
	run_selkie 1 volume exists nope
	assert_equal "$output" ""
	run_selkie 125 volume exists
	assert_equal "$output" "Error: accepts 1 arg(s), received 0"
}

@test "volume create and rm are recorded as volume events" {
	run_selkie volume create ev1
	run_selkie volume rm ev1
	run_selkie volume create ev2
	run_selkie volume prune -f
	run_selkie_stdout events --stream=false --filter type=volume --format '{{.Type}} {{.Status}} {{.Name}}'
	assert_equal "$output" "volume create ev1
volume remove ev1
volume create ev2
volume remove ev2
volume prune ev2"
}

@test "volume --help lists the sub-commands" {
	run_selkie volume --help
	local sub
	for sub in create exists inspect ls prune rm; do
		assert_match "$output" "
  $sub +"
	done
	run_selkie 125 volume
	assert_contains "$output" "Error: missing command 'selkie volume COMMAND'"
}
