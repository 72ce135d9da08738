#!/bin/bash
# The demo: install what is missing, build selkie, start a local registry holding images built
# offline, and show selkie's main job on them. Uses its own storage under a temp dir and stops
# everything it started at the end (pass --keep to leave the registry running to play with).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
keep=0
[[ ${1:-} == --keep ]] && keep=1

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

"$top/scripts/install-deps.sh"
[[ -d build ]] || meson setup build >/dev/null
ninja -C build >/dev/null
export PATH=$top/build/src/cli:$PATH

work=$(mktemp -d /tmp/selkie-demo.XXXXXX)
cleanup() {
	if [[ $keep -eq 0 ]]; then
		SELKIE_ROOT=$work/root SELKIE_RUNROOT=$work/run selkie pod rm -af -t 0 >/dev/null 2>&1 || true
		SELKIE_ROOT=$work/root SELKIE_RUNROOT=$work/run selkie rm -af -t 0 >/dev/null 2>&1 || true
		"$top/tests/fixtures/registry.sh" stop "$work/registry" >/dev/null 2>&1 || true
		rm -rf "$work"
	fi
}
trap cleanup EXIT

echo "Building the test images offline and starting a local registry..."
"$top/tests/fixtures/build-images.sh" "$top/tests/fixtures/.out/images"
"$top/tests/fixtures/registry.sh" start "$work/registry"
# shellcheck disable=SC1091
source "$work/registry/registry.env"
"$top/tests/fixtures/push-images.sh" "$top/tests/fixtures/.out/images" "$SELKIE_REGISTRY" >/dev/null

# The demo's own storage and registries.conf, so nothing of the host's is touched.
export SELKIE_ROOT=$work/root SELKIE_RUNROOT=$work/run
export CONTAINERS_REGISTRIES_CONF=$work/registries.conf
cat >"$CONTAINERS_REGISTRIES_CONF" <<CONF
unqualified-search-registries = ["$SELKIE_REGISTRY"]
[[registry]]
location = "$SELKIE_REGISTRY"
insecure = true
CONF

step selkie pull "$SELKIE_REGISTRY/busybox"
selkie pull "$SELKIE_REGISTRY/busybox"
step selkie pull layers "# a short name, resolved through registries.conf"
selkie pull layers
step selkie pull "$SELKIE_REGISTRY/httpd" "# shares busybox's layer"
selkie pull "$SELKIE_REGISTRY/httpd"
step selkie images
selkie images
step selkie image inspect --format "'{{.Id}} {{.Architecture}} {{.Config.Cmd}}'" httpd
selkie image inspect --format '{{.Id}} {{.Architecture}} {{.Config.Cmd}}' "$SELKIE_REGISTRY/httpd"
step selkie history "$SELKIE_REGISTRY/layers"
selkie history "$SELKIE_REGISTRY/layers"
step selkie tag "$SELKIE_REGISTRY/busybox" mybox
selkie tag "$SELKIE_REGISTRY/busybox" mybox
step selkie images --format "'table {{.Repository}}\t{{.Tag}}\t{{.Size}}'"
selkie images --format 'table {{.Repository}}\t{{.Tag}}\t{{.Size}}'
step selkie rmi mybox
selkie rmi mybox
step selkie info --format "'{{.Store.GraphDriverName}} {{.Host.OCIRuntime.Name}}'"
selkie info --format '{{.Store.GraphDriverName}} {{.Host.OCIRuntime.Name}}'

step selkie run --rm busybox echo "'hello from a container'"
selkie run --rm "$SELKIE_REGISTRY/busybox" echo 'hello from a container'
step selkie run -d --name web -p 28080:80 -v "$work/www:/www:Z" httpd "# serves $work/www"
mkdir -p "$work/www"
echo 'hello from selkie' >"$work/www/index.html"
selkie run -d --name web -p 28080:80 -v "$work/www:/www:Z" "$SELKIE_REGISTRY/httpd"
step curl -s http://127.0.0.1:28080/ "# through the published port"
fetch() {
	for _ in $(seq 50); do
		curl -sf "$1" && return 0
		sleep 0.1
	done
	echo "no answer from $1" >&2
	return 1
}
fetch http://127.0.0.1:28080/
step selkie port web
selkie port web
step selkie inspect web --format "'{{.NetworkSettings.IPAddress}} {{.NetworkSettings.Gateway}}'"
selkie inspect web --format '{{.NetworkSettings.IPAddress}} {{.NetworkSettings.Gateway}}'
step selkie ps
selkie ps
step selkie exec web sh -c "'exit 3'" "# the exit code passes through"
selkie exec web sh -c 'exit 3' || echo "exit code: $?"
step selkie stop -t 2 web
selkie stop -t 2 web
step selkie ps -a --format "'{{.Names}} {{.Status}}'"
selkie ps -a --format '{{.Names}} {{.Status}}'
step selkie rm web
selkie rm web

step selkie network create demo-net "# a user-defined network: containers find each other by name"
selkie network create demo-net
step selkie run -d --name db --network demo-net busybox sleep 600
selkie run -d --name db --network demo-net "$SELKIE_REGISTRY/busybox" sleep 600
step selkie run --rm --network demo-net busybox nslookup db
selkie run --rm --network demo-net "$SELKIE_REGISTRY/busybox" nslookup db
step selkie rm -f -t 0 db
selkie rm -f -t 0 db
step selkie network rm demo-net
selkie network rm demo-net

step selkie pod create --name pod-web -p 28081:80 "# the port is the pod's"
selkie pod create --name pod-web -p 28081:80
step selkie run -d --pod pod-web -v "$work/www:/www:Z" httpd
selkie run -d --pod pod-web -v "$work/www:/www:Z" "$SELKIE_REGISTRY/httpd"
step curl -s http://127.0.0.1:28081/
fetch http://127.0.0.1:28081/
step selkie pod ps
selkie pod ps
step selkie pod rm -f pod-web
selkie pod rm -f -t 0 pod-web

if [[ $keep -eq 1 ]]; then
	cat <<MSG

The registry is still running at $SELKIE_REGISTRY. To use the demo's storage:
  export SELKIE_ROOT=$SELKIE_ROOT SELKIE_RUNROOT=$SELKIE_RUNROOT
  export CONTAINERS_REGISTRIES_CONF=$CONTAINERS_REGISTRIES_CONF PATH=$top/build/src/cli:\$PATH
Stop it with: tests/fixtures/registry.sh stop $work/registry
MSG
fi
