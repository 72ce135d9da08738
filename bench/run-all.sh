#!/bin/bash
# Every benchmark, one after the other; paste the tables into bench/README.md.
set -euo pipefail
cd "$(dirname "$0")"
for b in pull.sh images.sh save-load.sh run.sh rootless.sh; do
	echo "## $b"
	"./$b" 2>/dev/null
	echo
done
