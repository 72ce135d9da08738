#!/usr/bin/env bats
# Published ports: -p in all its forms (host:ctr, random, ip:host:ctr, ranges, udp), -P with
# EXPOSE and --expose, where a published port answers (127.0.0.1, the host's own address,
# another network namespace, another container), a host port already in use, `port`'s output,
# and the classic web-server example. Ports used: 28200-28299 (8080 is taken on CI hosts).

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
	HOST_VETH=
	LISTENER_PIDS=()
}

teardown() {
	local t=0 p
	selkie_test_teardown || t=1
	for p in "${LISTENER_PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	[[ -z $NETNS_NAME ]] || ip netns del "$NETNS_NAME" 2>/dev/null || true
	[[ -z $HOST_VETH ]] || ip link del "$HOST_VETH" 2>/dev/null || true
	return "$t"
}

HELLO="hello from selkie httpd"

# fetch URL: curl it (5 s at most), output in $output, status in $status.
fetch() {
	run curl -sS -m 5 "$1"
}

# fetch_ok URL: it answers the httpd fixture's page (the container may still be starting).
fetch_ok() {
	wait_until 10 curl -sf -m 2 "$1"
	fetch "$1"
	assert_equal "$status" 0
	assert_equal "$output" "$HELLO"
}

# host_address: one of the host's own IPv4 addresses other than loopback and the container
# bridges. When the host has none, a veth pair (this kernel has no dummy interfaces) gets
# 198.51.100.10/24 for the test; teardown removes it.
host_address() {
	local a
	a=$(ip -4 -o addr show scope global |
		awk '$2 !~ /^(selkie|podman|cni|docker|sk[0-9])/ { split($4, p, "/"); print p[1]; exit }')
	if [[ -z $a ]] && is_rootless; then
		echo "# this host has no global IPv4 address, and an ordinary user cannot add one" >&2
		return 1
	elif [[ -z $a ]]; then
		HOST_VETH=sk320host
		ip link add "$HOST_VETH" type veth peer name sk320peer
		ip addr add 198.51.100.10/24 dev "$HOST_VETH"
		ip link set "$HOST_VETH" up
		ip link set sk320peer up
		a=198.51.100.10
	fi
	echo "$a"
}

# listen_tcp PORT: a python3 listener on 0.0.0.0:PORT (stopped by teardown).
listen_tcp() {
	/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(1)
time.sleep(600)' "$1" 3>&- &
	LISTENER_PIDS+=($!)
	wait_until 5 port_taken tcp "$1"
}

# listen_udp PORT: a python3 socket bound on 0.0.0.0:PORT/udp (stopped by teardown).
listen_udp() {
	/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", int(sys.argv[1])))
time.sleep(600)' "$1" 3>&- &
	LISTENER_PIDS+=($!)
	wait_until 5 port_taken udp "$1"
}

# port_taken tcp|udp PORT: something is bound to PORT.
port_taken() {
	if [[ $1 == tcp ]]; then
		[[ -n $(ss -Htln "sport = :$2") ]]
	else
		[[ -n $(ss -Huln "sport = :$2") ]]
	fi
}

# in_use_error PROTO PORT: the error of a host port in use, as podman words it (rootless,
# slirp4netns binds it: rootless podman's words without "rootlessport ").
in_use_error() {
	if is_rootless; then
		echo "^Error: listen $1 0.0.0.0:$2: bind: address already in use$"
	else
		echo "^Error: .*listen ${1}4 :$2: bind: address already in use$"
	fi
}

# ids_left ID: what the container ID still holds on the host (rules, rows, namespace).
# (Rootless there are no rules of it in the host's tables: an ordinary user can add none.)
ids_left() {
	if ! is_rootless; then
		iptables -w -t nat -S | grep -F -- "$1" || true
		iptables -w -t filter -S | grep -F -- "$1" || true
	fi
	net_test_db_query "SELECT container_id FROM net_attachments WHERE container_id = '$1'"
	ls "$SELKIE_TEST_RUNROOT/netns/$1" 2>/dev/null || true
}

@test "-p HOST:CTR answers on 127.0.0.1 and on the host's own address" {
	require_registry
	run_selkie run -d --name web -p 28201:80 "$HTTPD"
	fetch_ok http://127.0.0.1:28201/
	fetch_ok "http://$(host_address):28201/"
	fetch_ok http://localhost:28201/
	run_selkie port web
	assert_equal "$output" "80/tcp -> 0.0.0.0:28201"
	run_selkie ps --format '{{.Names}} {{.Ports}}'
	assert_equal "$output" "web 0.0.0.0:28201->80/tcp"
	# gone with the container
	run_selkie rm -f -t 0 web
	fetch http://127.0.0.1:28201/
	assert_not_contains "$output" "$HELLO"
	[[ $status -ne 0 ]]
}

@test "a published port answers from another network namespace and from another container" {
	require_registry
	require_root "wires a named network namespace to the host (ip netns add, a veth pair)"
	local addr
	addr=$(host_address)
	run_selkie run -d --name web -p 28202:80 "$HTTPD"
	fetch_ok http://127.0.0.1:28202/
	# a namespace of the test's own, wired to the host by a veth pair
	NETNS_NAME=selkie-t320-$$
	HOST_VETH=sk320ns
	ip netns add "$NETNS_NAME"
	ip link add "$HOST_VETH" type veth peer name eth0 netns "$NETNS_NAME"
	ip addr add 198.51.100.1/30 dev "$HOST_VETH"
	ip link set "$HOST_VETH" up
	ip -n "$NETNS_NAME" addr add 198.51.100.2/30 dev eth0
	ip -n "$NETNS_NAME" link set eth0 up
	ip -n "$NETNS_NAME" link set lo up
	ip -n "$NETNS_NAME" route add default via 198.51.100.1
	run ip netns exec "$NETNS_NAME" curl -sS -m 5 http://198.51.100.1:28202/
	assert_equal "$output" "$HELLO"
	run ip netns exec "$NETNS_NAME" curl -sS -m 5 "http://$addr:28202/"
	assert_equal "$output" "$HELLO"
	# another container, on the default network and on a user network, through the host's address
	run_selkie run --rm "$BUSYBOX" timeout 10 wget -qO- "http://$addr:28202/"
	assert_equal "$output" "$HELLO"
	run_selkie network create --subnet 10.132.1.0/24 --interface-name "sk${BATS_TEST_NUMBER}other" other
	run_selkie run --rm --network other "$BUSYBOX" timeout 10 wget -qO- "http://$addr:28202/"
	assert_equal "$output" "$HELLO"
	# and the container itself through the host (hairpin)
	run_selkie exec web timeout 10 wget -qO- "http://$addr:28202/"
	assert_equal "$output" "$HELLO"
}

@test "-p CTR publishes on a free host port that port and inspect show" {
	require_registry
	run_selkie run -d --name rnd -p 80 "$HTTPD"
	run_selkie port rnd 80
	assert_match "$output" '^0\.0\.0\.0:[0-9]+$'
	local hp=${output##*:}
	((hp >= 1024 && hp <= 65535))
	fetch_ok "http://127.0.0.1:$hp/"
	assert_equal "$(ctr_field rnd '{{(index (index .NetworkSettings.Ports "80/tcp") 0).HostPort}}')" "$hp"
	# the port is the container's until it goes: a restart keeps it
	run_selkie restart -t 0 rnd
	run_selkie port rnd 80
	assert_equal "$output" "0.0.0.0:$hp"
	fetch_ok "http://127.0.0.1:$hp/"
	# two random ports are two different ports
	run_selkie run -d --name rnd2 -p 80 -p 81 "$HTTPD"
	run_selkie port rnd2
	local p80 p81
	p80=$(sed -n 's|^80/tcp -> 0\.0\.0\.0:||p' <<<"$output")
	p81=$(sed -n 's|^81/tcp -> 0\.0\.0\.0:||p' <<<"$output")
	[[ -n $p80 && -n $p81 && $p80 != "$p81" && $p80 != "$hp" ]]
}

@test "-p IP:HOST:CTR answers on that address only" {
	require_registry
	local addr
	addr=$(host_address)
	run_selkie run -d --name lo -p 127.0.0.1:28203:80 -p 127.0.0.1::80 "$HTTPD"
	fetch_ok http://127.0.0.1:28203/
	fetch "http://$addr:28203/"
	assert_not_contains "$output" "$HELLO"
	run_selkie port lo
	assert_contains "$output" "80/tcp -> 127.0.0.1:28203"
	assert_equal "${#lines[@]}" 2
	assert_match "${lines[1]}" '^80/tcp -> 127\.0\.0\.1:[0-9]+$'
	local other
	other=$(grep -v ':28203$' <<<"$output" | sed 's/.*://')
	fetch_ok "http://127.0.0.1:$other/"
	run_selkie run -d --name onaddr -p "$addr:28204:80" "$HTTPD"
	fetch_ok "http://$addr:28204/"
	fetch http://127.0.0.1:28204/
	assert_not_contains "$output" "$HELLO"
}

@test "a range of ports -p H1-H2:C1-C2 publishes each pair" {
	require_registry
	run_selkie run -d --name ranged -p 28210-28212:8000-8002 "$HTTPD" sh -c \
		'for p in 8000 8001 8002; do httpd -p $p -h /www; done; exec sleep 1000'
	run_selkie port ranged
	assert_equal "$output" $'8000/tcp -> 0.0.0.0:28210\n8001/tcp -> 0.0.0.0:28211\n8002/tcp -> 0.0.0.0:28212'
	local p
	for p in 28210 28211 28212; do
		fetch_ok "http://127.0.0.1:$p/"
	done
	run_selkie port ranged 8001
	assert_equal "$output" "0.0.0.0:28211"
	# sizes that differ are an error, and nothing is created
	run_selkie 125 run -d --name badrange -p 28213-28215:8000-8001 "$HTTPD"
	assert_match "$output" "^Error: .*port ranges have different lengths"
	run_selkie ps -a --format '{{.Names}}'
	assert_equal "$output" "ranged"
}

@test "udp ports are published" {
	require_registry
	run_selkie run -d --name udp -p 28220:5353/udp "$BUSYBOX" sleep 1000
	run_selkie port udp
	assert_equal "$output" "5353/udp -> 0.0.0.0:28220"
	# Debian's busybox has no UDP server: the datagrams are counted by the container's
	# kernel (InDatagrams + NoPorts of /proc/net/snmp) when they reach its namespace.
	local before after i
	before=$(udp_received udp)
	for i in 1 2 3; do
		/usr/bin/python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"over udp\n", ("127.0.0.1", 28220))'
	done
	after=$(udp_received udp)
	assert_equal "$((after - before))" 3
	run_selkie 125 run -d --name udpbad -p 28221:5353/xdp "$BUSYBOX" true
	assert_match "$output" "^Error: .*xdp"
}

# udp_received CTR: datagrams the container's network namespace received (to any port).
udp_received() {
	run_selkie exec "$1" awk '$1 == "Udp:" && $2 ~ /^[0-9]/ { print $2 + $3 }' /proc/net/snmp
	echo "$output"
}

@test "-P publishes the image's EXPOSE and --expose ports on free host ports" {
	require_registry
	run_selkie run -d --name all -P --expose 9000 --expose 9100-9101/udp "$HTTPD"
	run_selkie port all
	assert_equal "${#lines[@]}" 4
	assert_match "$output" '(^|'$'\n'')80/tcp -> 0\.0\.0\.0:[0-9]+'
	assert_match "$output" '(^|'$'\n'')9000/tcp -> 0\.0\.0\.0:[0-9]+'
	assert_match "$output" '(^|'$'\n'')9100/udp -> 0\.0\.0\.0:[0-9]+'
	assert_match "$output" '(^|'$'\n'')9101/udp -> 0\.0\.0\.0:[0-9]+'
	run_selkie port all 80
	fetch_ok "http://127.0.0.1:${output##*:}/"
	# --expose alone publishes nothing
	run_selkie run -d --name exposed --expose 9000 "$HTTPD"
	run_selkie port exposed
	assert_equal "$output" ""
	assert_equal "$(ctr_field exposed '{{json .NetworkSettings.Ports}}')" '{"80/tcp":null,"9000/tcp":null}'
}

@test "a host port in use fails with podman's error, exit 125, and leaves nothing running or half-made" {
	require_registry
	listen_tcp 28230
	run_selkie 125 run -d --name busy -p 28230:80 "$HTTPD"
	assert_equal "${#lines[@]}" 1
	if is_rootless; then
		# slirp4netns binds the port: rootless podman's words (without "rootlessport ")
		assert_match "$output" "^Error: listen tcp 0.0.0.0:28230: bind: address already in use$"
	else
		assert_match "$output" "^Error: .*cannot listen on the TCP port: listen tcp4 :28230: bind: address already in use$"
	fi
	run_selkie ps --format '{{.Names}}'
	assert_equal "$output" ""
	local id
	id=$(ctr_field busy '{{.Id}}')
	if [[ -n $id ]]; then
		# podman leaves it created (not running); it holds nothing of the network
		assert_equal "$(ctr_field busy '{{.State.Status}}')" "created"
		assert_equal "$(ids_left "$id")" ""
	fi
	assert_equal "$(net_test_db_query 'SELECT count(*) FROM net_attachments')" "0"
	assert_equal "$(ls "$SELKIE_TEST_RUNROOT/netns")" ""
	# the listener still has its port
	port_taken tcp 28230
	# a port held by another container, and a udp port in use
	run_selkie run -d --name holder -p 28231:80 "$HTTPD"
	# (the holder's addresses: one on the selkie0 bridge, none with rootless slirp4netns)
	local held
	held=$(net_test_db_query 'SELECT count(*) FROM net_attachments')
	is_rootless || assert_equal "$held" "1"
	run_selkie 125 run -d --name second -p 28231:80 "$HTTPD"
	assert_match "$output" "$(in_use_error tcp 28231)"
	fetch_ok http://127.0.0.1:28231/
	listen_udp 28232
	run_selkie 125 run -d --name busyudp -p 28232:53/udp "$BUSYBOX" sleep 1000
	assert_match "$output" "$(in_use_error udp 28232)"
	run_selkie ps --format '{{.Names}}'
	assert_equal "$output" "holder"
	assert_equal "$(net_test_db_query 'SELECT count(*) FROM net_attachments')" "$held"
	# once the port is free, the same container starts
	kill "${LISTENER_PIDS[0]}"
	wait "${LISTENER_PIDS[0]}" 2>/dev/null || true
	wait_until 5 eval '! port_taken tcp 28230'
	run_selkie start busy
	fetch_ok http://127.0.0.1:28230/
}

@test "port prints podman's formats" {
	require_registry
	run_selkie run -d --name fmt -p 28240:80 -p 127.0.0.1:28241:81/udp "$HTTPD"
	local id
	id=$(ctr_field fmt '{{.Id}}')
	run_selkie port fmt
	assert_equal "$output" $'80/tcp -> 0.0.0.0:28240\n81/udp -> 127.0.0.1:28241'
	run_selkie port fmt 80
	assert_equal "$output" "0.0.0.0:28240"
	run_selkie port fmt 80/tcp
	assert_equal "$output" "0.0.0.0:28240"
	run_selkie port fmt 81/udp
	assert_equal "$output" "127.0.0.1:28241"
	run_selkie port "${id:0:12}" 80
	assert_equal "$output" "0.0.0.0:28240"
	run_selkie 125 port fmt 82
	assert_equal "$output" 'Error: failed to find published port "82"'
	run_selkie 125 port fmt 81/tcp
	assert_equal "$output" 'Error: failed to find published port "81/tcp"'
	run_selkie run -d --name fmt2 -p 28242:80 "$HTTPD"
	local id2
	id2=$(ctr_field fmt2 '{{.Id}}')
	run_selkie port -l
	assert_equal "$output" "80/tcp -> 0.0.0.0:28242"
	run_selkie port --all
	assert_equal "$(sort <<<"$output")" "$(printf '%s\t%s\n' "${id:0:12}" "80/tcp -> 0.0.0.0:28240" \
		"${id:0:12}" "81/udp -> 127.0.0.1:28241" "${id2:0:12}" "80/tcp -> 0.0.0.0:28242" | sort)"
	run_selkie 125 port nosuchctr
	assert_match "$output" "^Error: .*nosuchctr"
	run_selkie 125 port
	assert_match "$output" "^Error: "
}

@test "the classic web example: a directory served by httpd with -p PORT:80 -v DIR:/www:Z" {
	require_registry
	local dir=$BATS_TEST_TMPDIR/site
	mkdir -p "$dir"
	echo "<h1>selkie web example</h1>" >"$dir/index.html"
	run_selkie run -d --name site -p 28250:80 -v "$dir:/www:Z" "$HTTPD"
	wait_until 10 curl -sf -m 2 http://127.0.0.1:28250/
	fetch http://127.0.0.1:28250/
	assert_equal "$output" "<h1>selkie web example</h1>"
	run curl -sS -m 5 -o /dev/null -w '%{http_code}' http://127.0.0.1:28250/index.html
	assert_equal "$output" "200"
	run curl -sS -m 5 -o /dev/null -w '%{http_code}' http://127.0.0.1:28250/missing.html
	assert_equal "$output" "404"
	# the host's edits are served at once
	echo "changed on the host" >"$dir/index.html"
	fetch http://127.0.0.1:28250/
	assert_equal "$output" "changed on the host"
}

@test "bad -p values are refused before anything is created" {
	require_registry
	local bad
	for bad in 99999:80 28260:0 abc 28260:80/sctpx 1.2.3:28260:80 28260-28250:80-90; do
		run_selkie 125 run -d -p "$bad" "$HTTPD"
		assert_match "$output" "^Error: "
		assert_equal "${#lines[@]}" 1
	done
	run_selkie ps -a -q
	assert_equal "$output" ""
}
