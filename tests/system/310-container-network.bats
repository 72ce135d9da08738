#!/usr/bin/env bats
# A container's network: the default bridge (address, route, /etc/hosts, resolv.conf), the
# --network modes (none, host, container:, ns:, several networks), --ip/--mac-address,
# DNS and hosts flags, name resolution on user networks, inspect's NetworkSettings,
# network connect/disconnect/reload and --internal networks. What a podman user sees.
# Published ports are in 320-ports.bats, leaks under load in 330-network-leaks.bats.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	selkie_test_setup
	BUSYBOX=${SELKIE_REGISTRY:-}/busybox:latest
	HTTPD=${SELKIE_REGISTRY:-}/httpd:latest
	if [[ -n ${SELKIE_REGISTRY:-} ]]; then
		run_selkie pull -q "$BUSYBOX"
		run_selkie pull -q "$HTTPD"
	fi
	NETNS_NAME=
}

teardown() {
	local t=0
	selkie_test_teardown || t=1
	if [[ -n $NETNS_NAME ]]; then
		ip netns del "$NETNS_NAME" 2>/dev/null || true
	fi
	return "$t"
}

# net_create NAME SUBNET [OPTION...]: a user network with a bridge named after the test (not
# selkieN), so that suites running at the same time on the host never share a bridge.
net_create() {
	local name=$1 subnet=$2
	shift 2
	run_selkie network create --subnet "$subnet" --interface-name "sk$BATS_TEST_NUMBER$name" \
		"$@" "$name"
}

# in_ctr ARGS...: the output of `selkie run --rm ARGS...` (stdout only), which must succeed.
in_ctr() {
	run_selkie_stdout run --rm "$@"
}

# ip4_of CTR [NETWORK]: the container's IPv4 address (on NETWORK) as inspect shows it.
ip4_of() {
	if [[ -n ${2:-} ]]; then
		ctr_field "$1" "{{(index .NetworkSettings.Networks \"$2\").IPAddress}}"
	else
		ctr_field "$1" '{{.NetworkSettings.IPAddress}}'
	fi
}

# http_get URL: from a fresh busybox container on the networks given before `--`.
#   http_get [RUN-OPTION...] -- URL
http_get() {
	local opts=()
	while [[ $1 != -- ]]; do
		opts+=("$1")
		shift
	done
	run_selkie_stdout run --rm "${opts[@]}" "$BUSYBOX" timeout 10 wget -qO- "$2"
}

@test "a container on the default network gets a 10.90.0.0/16 address, a default route and its names in /etc/hosts" {
	require_registry
	require_root "the rootless default network is slirp4netns, not the selkie0 bridge"
	in_ctr --name netdef --hostname nethost "$BUSYBOX" sh -c \
		'ip -4 -o addr show dev eth0; echo ---; ip route; echo ---; cat /etc/hosts; echo ---; cat /etc/resolv.conf'
	local addr routes hosts resolv
	addr=$(awk '/^---$/ { exit } { print }' <<<"$output")
	routes=$(awk '/^---$/ { n++; next } n == 1' <<<"$output")
	hosts=$(awk '/^---$/ { n++; next } n == 2' <<<"$output")
	resolv=$(awk '/^---$/ { n++; next } n == 3' <<<"$output")
	assert_match "$addr" 'inet 10\.90\.[0-9]+\.[0-9]+/16 '
	local ip
	ip=$(sed -n 's/.*inet \(10\.90\.[0-9]*\.[0-9]*\)\/16.*/\1/p' <<<"$addr")
	assert_match "$routes" '(^|'$'\n'')default via 10\.90\.0\.1 dev eth0'
	assert_match "$routes" '10\.90\.0\.0/16 dev eth0'
	assert_match "$hosts" "(^|"$'\n'")${ip//./\\.}[[:space:]]+nethost netdef("$'\n'"|$)"
	assert_match "$hosts" '10\.90\.0\.1[[:space:]]+host\.containers\.internal'
	assert_match "$hosts" '127\.0\.0\.1[[:space:]]+localhost'
	# The default network has no DNS server of its own (as podman's): the host's servers.
	assert_not_contains "$resolv" "dns.selkie"
	assert_not_contains "$resolv" "nameserver 10.90.0.1"
	local ns
	for ns in $(awk '$1 == "nameserver" && $2 !~ /^127\./ { print $2 }' /etc/resolv.conf); do
		assert_contains "$resolv" "nameserver $ns"
	done
}

@test "two containers on the default network reach each other by IP address" {
	require_registry
	require_root "the rootless default network is slirp4netns, not the selkie0 bridge"
	run_selkie run -d --name web "$HTTPD"
	local ip
	ip=$(ip4_of web)
	assert_match "$ip" '^10\.90\.[0-9]+\.[0-9]+$'
	http_get -- "http://$ip/"
	assert_equal "$output" "hello from selkie httpd"
	# and the other way: the server's container reaches the client's address
	run_selkie run -d --name client "$BUSYBOX" nc -l -p 7000 -e echo pong
	local cip
	cip=$(ip4_of client)
	run_selkie exec web sh -c "echo ping | timeout 10 nc $cip 7000"
	assert_equal "$output" "pong"
}

@test "--network none gives the container only its loopback interface" {
	require_registry
	in_ctr --network none "$BUSYBOX" sh -c 'ip -o link | cut -d: -f2 | tr -d " "; ip -4 -o addr'
	assert_equal "$(head -1 <<<"$output")" "lo"
	assert_equal "$(grep -c -v '^lo$\|^1: lo ' <<<"$output")" "0"
	run_selkie create --name nonet --network none "$BUSYBOX" true
	assert_equal "$(ctr_field nonet '{{.NetworkSettings.IPAddress}}')" ""
	assert_equal "$(ctr_field nonet '{{.HostConfig.NetworkMode}}')" "none"
}

@test "--network host runs the container in the host's network namespace" {
	require_registry
	in_ctr --network host "$BUSYBOX" readlink /proc/self/ns/net
	assert_equal "$output" "$(readlink /proc/self/ns/net)"
	# the host's routes (asked without sending anything)
	in_ctr --net host "$BUSYBOX" ip route get 192.0.2.200
	assert_equal "$(head -1 <<<"$output")" "$(/bin/busybox ip route get 192.0.2.200 | head -1)"
	run_selkie create --name hostnet --network host "$BUSYBOX" true
	assert_equal "$(ctr_field hostnet '{{.HostConfig.NetworkMode}}')" "host"
}

@test "--network container:ID joins the other container's network namespace" {
	require_registry
	# (a user network: the same rootful and rootless, where the default one is slirp4netns)
	net_create joined 10.131.7.0/24
	run_selkie run -d --name first --network joined "$BUSYBOX" sleep 1000
	local id
	id=$(ctr_field first '{{.Id}}')
	run_selkie exec first sh -c 'readlink /proc/self/ns/net; ip -o link show eth0 | sed "s/@if[0-9]*//"; ip -4 -o addr show eth0'
	local theirs=$output
	in_ctr --network "container:$id" "$BUSYBOX" sh -c 'readlink /proc/self/ns/net; ip -o link show eth0 | sed "s/@if[0-9]*//"; ip -4 -o addr show eth0'
	assert_equal "$output" "$theirs"
	in_ctr --network container:first "$BUSYBOX" readlink /proc/self/ns/net
	assert_equal "$output" "$(head -1 <<<"$theirs")"
	# No second address was taken for the joiner.
	assert_equal "$(net_test_db_query 'SELECT count(*) FROM net_attachments')" "1"
}

@test "--network ns:PATH runs the container in that namespace and leaves it there" {
	require_registry
	require_root "makes a named network namespace on the host (ip netns add)"
	NETNS_NAME=selkie-t310-$$
	ip netns add "$NETNS_NAME"
	# (no dummy interfaces on this kernel: a veth pair with both ends in the namespace)
	ip -n "$NETNS_NAME" link add sk310a type veth peer name sk310b
	ip -n "$NETNS_NAME" addr add 192.0.2.77/24 dev sk310a
	ip -n "$NETNS_NAME" link set sk310a up
	in_ctr --network "ns:/run/netns/$NETNS_NAME" "$BUSYBOX" sh -c \
		'readlink /proc/self/ns/net; ip -4 -o addr show sk310a'
	assert_equal "$(head -1 <<<"$output")" "$(ip netns exec "$NETNS_NAME" readlink /proc/self/ns/net)"
	assert_contains "$output" "inet 192.0.2.77/24"
	# The namespace is the user's: still there, still with its interface.
	run ip -n "$NETNS_NAME" -o link show sk310a
	assert_equal "$status" 0
	run_selkie 125 run --rm --network ns:/nonexistent/netns "$BUSYBOX" true
	assert_match "$output" "^Error: .*/nonexistent/netns"
	run_selkie ps -a -q
	assert_equal "$output" ""
}

@test "--ip and --mac-address are given to the container's eth0" {
	require_registry
	# (a user network: the same rootful and rootless, where the default one is slirp4netns)
	net_create fixednet 10.131.8.0/24
	run_selkie run -d --name fixed --network fixednet --ip 10.131.8.7 \
		--mac-address 02:42:0a:83:08:07 "$BUSYBOX" sleep 1000
	run_selkie exec fixed sh -c 'ip -4 -o addr show eth0; cat /sys/class/net/eth0/address'
	assert_contains "$output" "inet 10.131.8.7/24"
	assert_contains "$output" "02:42:0a:83:08:07"
	assert_equal "$(ip4_of fixed)" "10.131.8.7"
	assert_equal "$(ctr_field fixed '{{.NetworkSettings.MacAddress}}')" "02:42:0a:83:08:07"
	# kept across a restart
	run_selkie restart -t 0 fixed
	run_selkie exec fixed sh -c 'ip -4 -o addr show eth0; cat /sys/class/net/eth0/address'
	assert_contains "$output" "inet 10.131.8.7/24"
	assert_contains "$output" "02:42:0a:83:08:07"
}

@test "--ip already taken fails with a clear error and leaves nothing behind" {
	require_registry
	# (a user network: the same rootful and rootless, where the default one is slirp4netns)
	net_create ipnet 10.131.9.0/24
	run_selkie run -d --name owner --network ipnet --ip 10.131.9.8 "$BUSYBOX" sleep 1000
	local before_ns
	before_ns=$(ls "$SELKIE_TEST_RUNROOT/netns")
	run_selkie 125 run -d --name thief --network ipnet --ip 10.131.9.8 "$BUSYBOX" sleep 1000
	assert_equal "${#lines[@]}" 1
	assert_match "$output" "^Error: .*10\.131\.9\.8.*already allocated"
	# The failed container is created but not running (as podman), and holds nothing.
	run_selkie ps -a --format '{{.Names}} {{.Status}}'
	assert_match "$output" "(^|"$'\n'")thief Created("$'\n'"|$)"
	assert_equal "$(net_test_db_query 'SELECT ip FROM net_attachments')" "10.131.9.8"
	assert_equal "$(ls "$SELKIE_TEST_RUNROOT/netns")" "$before_ns"
	run_selkie exec owner ip -4 -o addr show eth0
	assert_contains "$output" "inet 10.131.9.8/24"
	# --ip outside the network's subnet, or not an address at all
	run_selkie 125 run --rm --network ipnet --ip 10.91.0.5 "$BUSYBOX" true
	assert_match "$output" "^Error: .*10\.91\.0\.5"
	run_selkie 125 run --rm --network ipnet --ip notanip "$BUSYBOX" true
	assert_match "$output" "^Error: .*notanip"
	run_selkie 125 run --rm --network ipnet --mac-address nomac "$BUSYBOX" true
	assert_match "$output" "^Error: .*nomac"
	assert_equal "$(net_test_db_query 'SELECT ip FROM net_attachments')" "10.131.9.8"
	# the address is free again once its owner is gone
	run_selkie rm -a -f -t 0
	run_selkie run --rm --network ipnet --ip 10.131.9.8 "$BUSYBOX" true
}

@test "--dns, --dns-search, --dns-option and --add-host are written to resolv.conf and /etc/hosts" {
	require_registry
	in_ctr --dns 192.0.2.53 --dns 192.0.2.54 --dns-search example.test --dns-option ndots:3 \
		--add-host db.example.test:192.0.2.10 \
		"$BUSYBOX" sh -c 'cat /etc/resolv.conf; echo ---; cat /etc/hosts'
	local resolv hosts
	resolv=$(sed '/^---$/,$d' <<<"$output")
	hosts=$(sed '1,/^---$/d' <<<"$output")
	assert_equal "$(grep '^nameserver' <<<"$resolv")" $'nameserver 192.0.2.53\nnameserver 192.0.2.54'
	assert_match "$resolv" '(^|'$'\n'')search example\.test'
	assert_match "$resolv" '(^|'$'\n'')options ndots:3'
	assert_match "$hosts" '(^|'$'\n'')192\.0\.2\.10[[:space:]]+db\.example\.test('$'\n''|$)'
	run_selkie 125 run --rm --add-host nocolon "$BUSYBOX" true
	assert_match "$output" "^Error: .*nocolon"
	run_selkie 125 run --rm --dns notanip "$BUSYBOX" true
	assert_match "$output" "^Error: .*notanip"
	run_selkie ps -a -q
	assert_equal "$output" ""
}

@test "--add-host NAME:host-gateway names the default network's gateway" {
	require_registry
	require_root "the rootless default network is slirp4netns, not the selkie0 bridge"
	in_ctr --add-host gw:host-gateway "$BUSYBOX" cat /etc/hosts
	assert_match "$output" '(^|'$'\n'')10\.90\.0\.1[[:space:]]+gw('$'\n''|$)'
}

@test "--no-hosts does not write the container's /etc/hosts" {
	require_registry
	in_ctr --name nohosts --no-hosts "$BUSYBOX" sh -c 'cat /etc/hosts 2>/dev/null; true'
	assert_not_contains "$output" "nohosts"
	assert_not_contains "$output" "host.containers.internal"
	# podman: the two cannot go together
	run_selkie 125 run --rm --no-hosts --add-host a:192.0.2.1 "$BUSYBOX" true
	assert_match "$output" "^Error: .*--no-hosts.*--add-host|^Error: .*--add-host.*--no-hosts"
}

@test "a container on two networks gets eth0 and eth1, one per network" {
	require_registry
	net_create neta 10.131.1.0/24
	net_create netb 10.131.2.0/24
	in_ctr --network neta --network netb "$BUSYBOX" sh -c 'ip -4 -o addr show eth0; ip -4 -o addr show eth1; ip route'
	assert_contains "$output" "eth0    inet 10.131.1."
	assert_contains "$output" "eth1    inet 10.131.2."
	# the way out is through the first network (asked without sending anything)
	assert_contains "$output" "default via 10.131.1.1 dev eth0"
	in_ctr --network neta --network netb "$BUSYBOX" ip route get 192.0.2.200
	assert_contains "$output" "via 10.131.1.1 dev eth0"
	# the comma form, in the other order
	in_ctr --network netb,neta "$BUSYBOX" sh -c 'ip -4 -o addr show eth0; ip -4 -o addr show eth1'
	assert_contains "$output" "eth0    inet 10.131.2."
	assert_contains "$output" "eth1    inet 10.131.1."
	run_selkie run -d --name twonets --network neta,netb "$BUSYBOX" sleep 1000
	assert_match "$(ip4_of twonets neta)" '^10\.131\.1\.[0-9]+$'
	assert_match "$(ip4_of twonets netb)" '^10\.131\.2\.[0-9]+$'
	assert_equal "$(net_test_db_query "SELECT network, ifname FROM net_attachments ORDER BY ifname")" \
		$'neta|eth0\nnetb|eth1'
	# a container on neta reaches twonets on neta, one on netb on netb
	run_selkie run -d --name srv --network neta,netb "$HTTPD"
	http_get --network netb -- "http://$(ip4_of srv netb)/"
	assert_equal "$output" "hello from selkie httpd"
}

@test "containers on a user network find each other by name, alias and short ID, also when started later" {
	require_registry
	net_create dnsnet 10.131.3.0/24
	run_selkie run -d --name web --network dnsnet --network-alias www "$HTTPD"
	local ip id
	ip=$(ip4_of web dnsnet)
	id=$(ctr_field web '{{.Id}}')
	in_ctr --network dnsnet "$BUSYBOX" sh -c \
		"cat /etc/resolv.conf; nslookup web; nslookup www; nslookup ${id:0:12}; timeout 10 wget -qO- http://web/; timeout 10 wget -qO- http://www/"
	assert_match "$output" '(^|'$'\n'')nameserver 10\.131\.3\.1('$'\n''|$)'
	assert_match "$output" '(^|'$'\n'')search [^'$'\n'']*dns\.selkie'
	assert_equal "$(grep -c "Address: $ip\$" <<<"$output")" "3"
	assert_equal "$(grep -c '^hello from selkie httpd$' <<<"$output")" "2"
	# A client already running sees a container that joins after it.
	run_selkie run -d --name client --network dnsnet "$BUSYBOX" sleep 1000
	run_selkie run -d --name late --network dnsnet --network-alias late-alias "$HTTPD"
	local late_ip
	late_ip=$(ip4_of late dnsnet)
	run_selkie exec client sh -c 'nslookup late; nslookup late-alias; timeout 10 wget -qO- http://late/'
	assert_equal "$(grep -c "Address: $late_ip\$" <<<"$output")" "2"
	assert_contains "$output" "hello from selkie httpd"
	# and no longer sees one that went away
	run_selkie rm -f -t 0 late
	run_selkie 1 exec client nslookup late 10.131.3.1
	assert_not_contains "$output" "$late_ip"
}

@test "a --disable-dns network resolves no container names" {
	require_registry
	net_create nodns 10.131.4.0/24 --disable-dns
	run_selkie network inspect --format '{{.DNSEnabled}}' nodns
	assert_equal "$output" "false"
	run_selkie run -d --name quiet --network nodns "$HTTPD"
	in_ctr --network nodns "$BUSYBOX" sh -c \
		'cat /etc/resolv.conf; echo ---; nslookup quiet 10.131.4.1 >/dev/null 2>&1; echo lookup=$?'
	assert_not_contains "$output" "nameserver 10.131.4.1"
	assert_not_contains "$output" "dns.selkie"
	assert_contains "$output" "lookup=1"
	# nothing of aardvark-dns for this test either
	run pgrep -f "aardvark-dns --config $SELKIE_TEST_RUNROOT/"
	assert_equal "$output" ""
}

@test "an unknown network is an error that creates nothing" {
	require_registry
	run_selkie 125 run --rm --network nosuchnet "$BUSYBOX" true
	assert_equal "$output" "Error: unable to find network with name or ID nosuchnet: network not found"
	run_selkie 125 create --network selkie,nosuchnet "$BUSYBOX" true
	assert_match "$output" "^Error: .*nosuchnet: network not found"
	run_selkie 125 run --rm --network container:nosuchctr "$BUSYBOX" true
	assert_match "$output" "^Error: .*nosuchctr"
	run_selkie ps -a -q
	assert_equal "$output" ""
	assert_equal "$(net_test_db_query 'SELECT count(*) FROM net_attachments')" "0"
}

@test "inspect shows the container's NetworkSettings as podman does" {
	require_registry
	require_root "the rootless default network is slirp4netns, not the selkie0 bridge"
	run_selkie run -d --name insp --network-alias inspalias -p 28110:80 "$HTTPD"
	run_selkie exec insp sh -c 'ip -4 -o addr show eth0; cat /sys/class/net/eth0/address'
	local ip mac
	ip=$(sed -n 's/.*inet \([0-9.]*\)\/.*/\1/p' <<<"$output")
	mac=$(tail -1 <<<"$output")
	run_selkie inspect --format '{{json .NetworkSettings}}' insp
	local ns=$output
	assert_equal "$(jq -r .IPAddress <<<"$ns")" "$ip"
	assert_equal "$(jq -r .Gateway <<<"$ns")" "10.90.0.1"
	assert_equal "$(jq -r .IPPrefixLen <<<"$ns")" "16"
	assert_equal "$(jq -r .MacAddress <<<"$ns")" "$mac"
	assert_equal "$(jq -c '.Ports["80/tcp"]' <<<"$ns")" '[{"HostIp":"","HostPort":"28110"}]'
	assert_equal "$(jq -r '.Networks | keys | join(",")' <<<"$ns")" "selkie"
	assert_equal "$(jq -r .Networks.selkie.IPAddress <<<"$ns")" "$ip"
	assert_equal "$(jq -r .Networks.selkie.Gateway <<<"$ns")" "10.90.0.1"
	assert_equal "$(jq -r .Networks.selkie.MacAddress <<<"$ns")" "$mac"
	run_selkie network inspect --format '{{.ID}}' selkie
	assert_equal "$(jq -r .Networks.selkie.NetworkID <<<"$ns")" "$output"
	local id
	id=$(ctr_field insp '{{.Id}}')
	assert_contains "$(jq -r '.Networks.selkie.Aliases | join(",")' <<<"$ns")" "${id:0:12}"
	local sandbox
	sandbox=$(jq -r .SandboxKey <<<"$ns")
	[[ -e $sandbox ]]
	local pid
	pid=$(ctr_field insp '{{.State.Pid}}')
	assert_equal "$(stat -L -c %i "$sandbox")" "$(stat -L -c %i "/proc/$pid/ns/net")"
	# A stopped container holds no address (podman: empty), but keeps its configuration.
	run_selkie stop -t 0 insp
	assert_equal "$(ip4_of insp)" ""
	assert_equal "$(net_test_db_query 'SELECT count(*) FROM net_attachments')" "0"
	assert_equal "$(ctr_field insp '{{json .HostConfig.PortBindings}}')" \
		'{"80/tcp":[{"HostIp":"","HostPort":"28110"}]}'
	run_selkie start insp
	assert_match "$(ip4_of insp)" '^10\.90\.[0-9]+\.[0-9]+$'
}

@test "network connect and disconnect add and remove an interface of a running container" {
	require_registry
	# (from a user network: the same rootful and rootless, where the default one is slirp4netns)
	net_create home 10.131.11.0/24
	net_create extra 10.131.5.0/24
	run_selkie run -d --name roamer --network home "$BUSYBOX" sleep 1000
	run_selkie exec roamer ip -o link
	assert_not_contains "$output" "eth1"
	run_selkie network connect --alias roam extra roamer
	assert_equal "$output" ""
	run_selkie exec roamer ip -4 -o addr show eth1
	assert_contains "$output" "inet 10.131.5."
	assert_match "$(ip4_of roamer extra)" '^10\.131\.5\.[0-9]+$'
	# reachable by its alias on the new network
	in_ctr --network extra "$BUSYBOX" nslookup roam
	assert_contains "$output" "Address: $(ip4_of roamer extra)"
	# connecting twice is an error
	run_selkie 125 network connect extra roamer
	assert_match "$output" "^Error: .*already"
	run_selkie network disconnect extra roamer
	run_selkie exec roamer sh -c 'ip -o link; ip -4 -o addr'
	assert_not_contains "$output" "eth1"
	assert_not_contains "$output" "10.131.5."
	assert_equal "$(ctr_field roamer '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}')" "home "
	assert_equal "$(net_test_db_query 'SELECT network FROM net_attachments')" "home"
	# eth0 still works
	run_selkie exec roamer ip -4 -o addr show eth0
	assert_contains "$output" "inet 10.131.11."
	run_selkie 125 network connect extra nosuchctr
	assert_match "$output" "^Error: .*nosuchctr"
	run_selkie 125 network connect nosuchnet roamer
	assert_match "$output" "^Error: .*nosuchnet"
}

@test "network reload puts back the port forwarding of a container after its rules were flushed" {
	require_registry
	require_root "flushes the container's rules from the host's iptables"
	run_selkie run -d --name reloaded -p 28111:80 "$HTTPD"
	local id
	id=$(ctr_field reloaded '{{.Id}}')
	wait_until 10 curl -sf -m 2 http://127.0.0.1:28111/
	# Flush what the firewall has of this container (only its rules: other suites may share
	# the chains), as `iptables -t nat -F` or a firewalld reload would.
	local rule table
	for table in nat filter; do
		while read -r rule; do
			# `iptables -S` quotes the comments as a shell would read them
			eval "iptables -w -t $table ${rule/#-A /-D }"
		done < <(iptables -w -t $table -S | grep -F -- "$id")
	done
	run curl -s -m 3 http://127.0.0.1:28111/
	assert_not_contains "$output" "hello from selkie httpd"
	run_selkie network reload reloaded
	assert_equal "$output" "$id"
	run curl -s -m 5 http://127.0.0.1:28111/
	assert_equal "$output" "hello from selkie httpd"
	# --all, and a second reload does not duplicate the rules
	local count
	count=$(iptables -w -t nat -S | grep -c -F -- "$id")
	run_selkie network reload --all
	assert_equal "$output" "$id"
	assert_equal "$(iptables -w -t nat -S | grep -c -F -- "$id")" "$count"
	run curl -s -m 5 http://127.0.0.1:28111/
	assert_equal "$output" "hello from selkie httpd"
}

@test "a container on an --internal network has no default route" {
	require_registry
	net_create inner 10.131.6.0/24 --internal
	run_selkie network inspect --format '{{.Internal}}' inner
	assert_equal "$output" "true"
	in_ctr --network inner "$BUSYBOX" sh -c 'ip -4 -o addr show eth0; echo ---; ip route'
	assert_contains "$output" "inet 10.131.6."
	assert_not_contains "$output" "default"
	# containers of the network still reach each other
	run_selkie run -d --name insider --network inner "$HTTPD"
	http_get --network inner -- "http://$(ip4_of insider inner)/"
	assert_equal "$output" "hello from selkie httpd"
}

@test "no masquerade rule takes the traffic of an --internal network out" {
	require_registry
	require_root "reads the host's iptables (rootless, the rules are in the rootless netns)"
	net_create inner 10.131.6.0/24 --internal
	run_selkie run -d --name insider --network inner "$HTTPD"
	http_get --network inner -- "http://$(ip4_of insider inner)/"
	assert_equal "$output" "hello from selkie httpd"
	local id
	id=$(ctr_field insider '{{.Id}}')
	run iptables -w -t nat -S
	assert_not_contains "$(grep -F -- "$id" <<<"$output" | grep MASQUERADE | grep -v -- '--dport')" "MASQUERADE"
}
