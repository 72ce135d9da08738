#!/bin/bash
# Lower layers never include headers of higher ones (DESIGN.md "Layers"). The allowed
# includes per folder mirror the "may call" column; a layer may always include itself.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top/src"
declare -A allowed=(
	[util]=""
	[config]="util"
	[state]="util"
	[store]="util state"
	[registry]="util config"
	[image]="util config state store registry"
	[oci]="util"
	[monitor]="util oci state"
	[net]="util state"
	[ctr]="util config state store registry image oci monitor net"
	[pod]="util config state store registry image oci monitor net ctr"
	[api]="util config state store registry image oci monitor net ctr pod gen"
	[gen]="util config state store registry image oci monitor net ctr pod"
	[cli]="util config state store registry image oci monitor net ctr pod api gen"
	[pause]=""
)
fail=0
for dir in */; do
	layer=${dir%/}
	if [[ ! -v allowed[$layer] ]]; then
		echo "src/$layer: unknown layer (add it to tests/lint/check-layering.sh)" >&2
		fail=1
		continue
	fi
	while IFS=: read -r file inc; do
		target=$(sed -n 's/.*#include "\([a-z]*\)\/.*/\1/p' <<<"$inc")
		[[ -z $target || $target == "$layer" ]] && continue
		if [[ " ${allowed[$layer]} " != *" $target "* ]]; then
			echo "src/$file: layer '$layer' may not include '$target': $inc" >&2
			fail=1
		fi
	done < <(grep -rn '#include "[a-z]*/' "$layer" | sed 's/:[0-9]*:/:/' || true)
done
exit $fail
