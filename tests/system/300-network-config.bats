#!/usr/bin/env bats
# selkie network create, ls, inspect, rm, prune, exists: networks as CNI configs, with podman
# 4.3's output and messages. No container is attached here (the 3xx container tests do that).

load helpers
bats_require_minimum_version 1.5.0

# conflists: the network config files of the test's graph root, one name a line.
conflists() {
	find "$SELKIE_TEST_ROOT/networks" -name '*.conflist' -printf '%f\n' 2>/dev/null |
		LC_ALL=C sort
}

@test "network ls shows the default network selkie on first use" {
	run_selkie network ls
	assert_equal "${lines[0]}" "NETWORK ID    NAME        DRIVER"
	assert_match "${lines[1]}" '^[0-9a-f]{12}  selkie      bridge$'
	assert_equal "${#lines[@]}" 2
	run_selkie network ls -q
	assert_equal "$output" "selkie"
	run_selkie network inspect --format '{{.Name}} {{.Driver}} {{.NetworkInterface}} {{range .Subnets}}{{.Subnet}} {{.Gateway}}{{end}} {{.DNSEnabled}} {{.Internal}}' selkie
	assert_equal "$output" "selkie bridge selkie0 10.90.0.0/16 10.90.0.1 false false"
	assert_equal "$(conflists)" "selkie.conflist"
}

@test "network create without a name picks selkieN, a free 10.91.N.0/24 and a new bridge" {
	run_selkie network create
	assert_equal "$output" "selkie1"
	run_selkie network create
	assert_equal "$output" "selkie2"
	run_selkie network inspect --format '{{.NetworkInterface}} {{range .Subnets}}{{.Subnet}} {{.Gateway}}{{end}} {{.DNSEnabled}}' selkie1 selkie2
	assert_match "${lines[0]}" '^selkie[1-9][0-9]* 10\.91\.([0-9]+)\.0/24 10\.91\.[0-9]+\.1 true$'
	assert_match "${lines[1]}" '^selkie[1-9][0-9]* 10\.91\.([0-9]+)\.0/24 10\.91\.[0-9]+\.1 true$'
	[[ ${lines[0]%% *} != "${lines[1]%% *}" ]]
	[[ $(cut -d' ' -f2 <<<"${lines[0]}") != $(cut -d' ' -f2 <<<"${lines[1]}") ]]
	run_selkie network ls --format '{{.Name}}'
	assert_equal "$output" $'selkie\nselkie1\nselkie2'
}

@test "network create writes a CNI conflist: bridge, portmap, firewall, tuning" {
	run_selkie network create --subnet 10.201.0.0/24 --ip-range 10.201.0.128/25 -o mtu=1400 web
	local f=$SELKIE_TEST_ROOT/networks/web.conflist
	run jq -r '.cniVersion, .name, ([.plugins[].type] | join(",")), .plugins[0].mtu,
		.plugins[0].ipMasq, .plugins[0].ipam.type, .plugins[0].ipam.ranges[0][0].subnet,
		.plugins[0].ipam.ranges[0][0].rangeStart, .plugins[0].ipam.routes[0].dst,
		.selkie.driver, .selkie.dns_enabled' "$f"
	assert_equal "$status" 0
	assert_equal "$output" "1.0.0
web
bridge,portmap,firewall,tuning
1400
true
host-local
10.201.0.0/24
10.201.0.129
0.0.0.0/0
bridge
true"
	# An internal network has no masquerade and no default route.
	run_selkie network create --internal --subnet 10.202.0.0/24 in
	run jq -c '[.plugins[0].ipMasq, .plugins[0].ipam.routes, .selkie.internal]' \
		"$SELKIE_TEST_ROOT/networks/in.conflist"
	assert_equal "$output" '[false,[],true]'
}

@test "network inspect prints podman's document, with lease range, labels and options" {
	run_selkie network create --subnet 10.203.0.0/16 --gateway 10.203.0.254 \
		--ip-range 10.203.1.0/24 --label a=b --label c -o mtu=1500 --disable-dns --internal n1
	assert_equal "$output" "n1"
	run_selkie network inspect n1
	assert_match "$(jq -r '.[0].network_interface' <<<"$output")" '^selkie[1-9][0-9]*$'
	run jq -c '.[0] | [.name, .driver, .subnets, .ipv6_enabled, .internal,
		.dns_enabled, .labels, .options, .ipam_options, (.id | length)]' <<<"$output"
	assert_equal "$output" '["n1","bridge",[{"subnet":"10.203.0.0/16","gateway":"10.203.0.254","lease_range":{"start_ip":"10.203.1.1","end_ip":"10.203.1.255"}}],false,true,false,{"a":"b","c":""},{"mtu":"1500"},{"driver":"host-local"},64]'
	run_selkie network inspect --format '{{.Labels}} {{.Options}} {{.IPv6Enabled}}' n1
	assert_equal "$output" "map[a:b c:] map[mtu:1500] false"
	run_selkie network inspect --format '{{.Labels}}' selkie
	assert_equal "$output" "map[]"
	# IPv6: a given IPv6 subnet, or --ipv6 picks a ULA /64 next to a free IPv4 one.
	run_selkie network create --subnet fd00:203::/64 six
	run_selkie network inspect --format '{{range .Subnets}}{{.Subnet}} {{.Gateway}};{{end}}{{.IPv6Enabled}}' six
	assert_equal "$output" "fd00:203::/64 fd00:203::1;true"
	run_selkie network create --ipv6 six2
	run_selkie network inspect --format '{{range .Subnets}}{{.Subnet}};{{end}}' six2
	assert_match "$output" '^10\.91\.[0-9]+\.0/24;fd[0-9a-f]{2}:[0-9a-f:]+::/64;$'
}

@test "network inspect finds a network by ID prefix and fails on unknown names" {
	run_selkie network create idnet
	run_selkie network inspect --format '{{.ID}}' idnet
	local id=$output
	run_selkie network inspect --format '{{.Name}}' "${id:0:12}"
	assert_equal "$output" "idnet"
	run_selkie_stdout 125 network inspect nope
	assert_equal "$output" "[]"
	assert_equal "$stderr" "Error: inspecting object: network nope: unable to find network with name or ID nope: network not found"
	run_selkie_stdout 125 network inspect --format '{{.Name}}' idnet nope
	assert_equal "$output" "idnet"
}

@test "network create refuses bad subnets with podman's messages and writes nothing" {
	run_selkie network create --subnet 10.204.0.0/16 taken
	run_selkie 125 network create --subnet 10.0.0.0/33 x
	assert_equal "$output" "Error: invalid CIDR address: 10.0.0.0/33"
	run_selkie 125 network create --subnet foo x
	assert_equal "$output" "Error: invalid CIDR address: foo"
	run_selkie 125 network create --subnet 10.204.1.0/24 x
	assert_equal "$output" "Error: subnet 10.204.1.0/24 is already used on the host or by another config"
	run_selkie 125 network create --subnet 10.90.8.0/24 x
	assert_equal "$output" "Error: subnet 10.90.8.0/24 is already used on the host or by another config"
	run_selkie 125 network create --subnet 10.205.0.0/16 --subnet 10.205.3.0/24 x
	assert_equal "$output" "Error: subnet 10.205.3.0/24 is already used on the host or by another config"
	run_selkie 125 network create --subnet 10.206.0.0/16 --gateway 10.207.0.1 x
	assert_equal "$output" "Error: gateway 10.207.0.1 not in subnet 10.206.0.0/16"
	run_selkie 125 network create --subnet 10.206.0.0/24 --ip-range 10.206.0.0/23 x
	assert_equal "$output" "Error: lease range end ip 10.206.1.255 not in subnet 10.206.0.0/24"
	run_selkie 125 network create --subnet 10.206.0.0/24 --ip-range 10.207.0.0/24 x
	assert_equal "$output" "Error: lease range start ip 10.207.0.1 not in subnet 10.206.0.0/24"
	run_selkie 125 network create --gateway 10.206.0.1 x
	assert_equal "$output" "Error: cannot set gateway or range without subnet"
	run_selkie 125 network create --subnet 10.206.0.0/24 --gateway 10.206.0.1,10.206.0.2 x
	assert_equal "$output" "Error: cannot set more gateways than subnets"
	run_selkie 125 network create --subnet 10.206.0.0/24 --gateway bogus x
	assert_equal "$output" 'Error: invalid argument "bogus" for "--gateway" flag: invalid string being converted to IP address: bogus'
	assert_equal "$(conflists)" $'selkie.conflist\ntaken.conflist'
}

@test "network create refuses bad names, drivers, options and labels" {
	run_selkie network create taken
	run_selkie 125 network create taken
	assert_equal "$output" "Error: network name taken already used: network already exists"
	run_selkie 125 network create selkie
	assert_equal "$output" "Error: network name selkie already used: network already exists"
	run_selkie network create --ignore --subnet 10.208.0.0/24 taken
	assert_equal "$output" "taken"
	run_selkie 125 network create 'bad name'
	assert_equal "$output" "Error: network name bad name invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument"
	run_selkie 125 network create host
	assert_equal "$output" 'Error: cannot create network with name "host" because it conflicts with a valid network mode'
	run_selkie 125 network create -d foo x
	assert_equal "$output" "Error: unsupported driver foo: invalid argument"
	run_selkie 125 network create -d macvlan --subnet 10.209.0.0/24 x
	assert_equal "$output" "Error: macvlan driver needs a parent interface: use -o parent=NAME"
	run_selkie 125 network create -d macvlan -o parent=selkie-nosuch --subnet 10.209.0.0/24 x
	assert_equal "$output" "Error: parent interface selkie-nosuch does not exist"
	run_selkie 125 network create -d macvlan -o parent=lo -o mode=foo --subnet 10.209.0.0/24 x
	assert_equal "$output" 'Error: unknown macvlan mode "foo"'
	run_selkie 125 network create -o foo=bar x
	assert_equal "$output" "Error: unsupported bridge network option foo"
	run_selkie 125 network create -o mtu=abc x
	assert_equal "$output" 'Error: strconv.Atoi: parsing "abc": invalid syntax'
	run_selkie 125 network create -o mtu=-1 x
	assert_equal "$output" "Error: mtu -1 is less than zero"
	run_selkie 125 network create --label =x x
	assert_equal "$output" 'Error: failed to parse labels: invalid label format: "=x"'
	run_selkie network inspect --format '{{.NetworkInterface}}' taken
	run_selkie 125 network create --interface-name "$output" x
	assert_match "$output" '^Error: bridge name selkie[0-9]+ already in use$'
	assert_equal "$(conflists)" $'selkie.conflist\ntaken.conflist'
}

@test "network create -d macvlan takes its parent and mode" {
	run_selkie network create -d macvlan -o parent=lo -o mode=bridge --subnet 10.210.0.0/24 mv
	run_selkie network inspect --format '{{.Driver}} {{.NetworkInterface}} {{.Options}} {{.DNSEnabled}}' mv
	assert_equal "$output" "macvlan lo map[mode:bridge] false"
	run jq -r '[.plugins[].type, .plugins[0].master, .plugins[0].mode] | join(",")' \
		"$SELKIE_TEST_ROOT/networks/mv.conflist"
	assert_equal "$output" "macvlan,tuning,lo,bridge"
}

@test "network ls --filter, --format, --no-trunc and --quiet" {
	run_selkie network create --label team=a --subnet 10.211.0.0/24 alpha
	run_selkie network create --label team=b --subnet 10.212.0.0/24 beta
	run_selkie network create -d macvlan -o parent=lo --subnet 10.213.0.0/24 gamma
	run_selkie network ls --filter name=^al -q
	assert_equal "$output" "alpha"
	run_selkie network ls --filter label=team -q
	assert_equal "$output" $'alpha\nbeta'
	run_selkie network ls --filter label=team=b --filter driver=bridge -q
	assert_equal "$output" "beta"
	run_selkie network ls --filter driver=macvlan --format '{{.Name}} {{.Driver}}'
	assert_equal "$output" "gamma macvlan"
	run_selkie network ls --filter dangling=true -q
	assert_equal "$output" $'alpha\nbeta\ngamma'
	run_selkie network ls --filter dangling=false -q
	assert_equal "$output" "selkie"
	run_selkie network inspect --format '{{.ID}}' beta
	local id=$output
	run_selkie network ls --filter "id=${id:0:8}" --format '{{.ID}} {{.Name}} {{.Labels}}'
	assert_equal "$output" "${id:0:12} beta team=b"
	run_selkie network ls --no-trunc --filter name=beta
	assert_equal "${lines[1]}" "$id  beta        bridge"
	run_selkie network ls --filter name=nothing
	assert_equal "$output" "NETWORK ID  NAME        DRIVER"
	run_selkie network ls --format json --filter name=alpha
	run jq -r '.[0].name, .[0].labels.team, (.[0].id | length)' <<<"$output"
	assert_equal "$output" $'alpha\na\n64'
	run_selkie 125 network ls --filter foo=bar
	assert_equal "$output" 'Error: invalid filter "foo"'
	run_selkie 125 network ls --filter foo
	assert_equal "$output" "Error: filter input must be in the form of filter=value: foo is invalid"
	run_selkie 125 network ls --filter dangling=maybe
	assert_equal "$output" 'Error: invalid dangling filter value "maybe"'
}

@test "network rm removes configs; unknown names exit 1; the default one can't go" {
	run_selkie network create --subnet 10.214.0.0/24 r1
	run_selkie network create --subnet 10.215.0.0/24 r2
	run_selkie network inspect --format '{{.ID}}' r2
	local id=$output
	run_selkie network rm r1
	assert_equal "$output" "r1"
	run_selkie network remove "${id:0:12}"
	assert_equal "$output" "${id:0:12}"
	assert_equal "$(conflists)" "selkie.conflist"
	run_selkie 1 network rm nope
	assert_equal "$output" "Error: unable to find network with name or ID nope: network not found"
	run_selkie network rm -f nope
	assert_equal "$output" ""
	run_selkie 125 network rm selkie
	assert_equal "$output" "Error: default network selkie cannot be removed"
	# The subnet of a removed network is free again.
	run_selkie network create --subnet 10.214.0.0/24 r3
	assert_equal "$output" "r3"
}

@test "network exists answers with its exit code only" {
	run_selkie network create ex
	run_selkie network exists ex
	assert_equal "$output" ""
	run_selkie network exists selkie
	run_selkie 1 network exists nope
	assert_equal "$output" ""
}

@test "network prune removes every unused network but the default one" {
	run_selkie network create --label keep=1 --subnet 10.216.0.0/24 p1
	run_selkie network create --subnet 10.217.0.0/24 p2
	run_selkie network create --subnet 10.218.0.0/24 p3
	run_selkie network prune <<<"n"
	assert_contains "$output" "WARNING! This will remove all networks not used by at least one container."
	assert_equal "$(conflists)" $'p1.conflist\np2.conflist\np3.conflist\nselkie.conflist'
	run_selkie network prune -f --filter label=keep
	assert_equal "$output" "p1"
	run_selkie 125 network prune -f --filter name=p2
	assert_equal "$output" 'Error: invalid filter "name"'
	run_selkie network prune -f
	assert_equal "$output" $'p2\np3'
	assert_equal "$(conflists)" "selkie.conflist"
	run_selkie network prune -f
	assert_equal "$output" ""
}

@test "network create and rm are recorded as events" {
	run_selkie network create ev
	run_selkie network rm ev
	run_selkie_stdout events --stream=false --filter type=network --format '{{.Status}} {{.Name}}'
	assert_equal "$output" $'create ev\nremove ev'
}

@test "network rm refuses a network a container is on; -f removes the container first" {
	run_selkie load -q -i "$SELKIE_FIXTURE_IMAGES/archives/busybox-docker.tar"
	run_selkie network create --subnet 10.219.0.0/24 used
	run_selkie create --name user1 --network used busybox true
	run_selkie 2 network rm used
	assert_equal "$output" 'Error: "used" has associated containers with it. Use -f to forcibly delete containers and pods: network is being used'
	run_selkie network ls --filter dangling=false -q
	assert_equal "$output" $'selkie\nused'
	run_selkie network prune -f
	assert_equal "$output" ""
	run_selkie network rm -f used
	assert_equal "$output" "used"
	run_selkie ps -aq
	assert_equal "$output" ""
	assert_equal "$(conflists)" "selkie.conflist"
}
