#!/bin/sh
# Every C source and header is formatted as .clang-format says.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
files=$(find src tests/unit -name '*.[ch]' | sort)
# shellcheck disable=SC2086
clang-format --dry-run --Werror $files
