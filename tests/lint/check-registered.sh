#!/bin/sh
# Configure-time check: every test file on disk is registered in meson, and every registered
# test exists. Unit tests are listed in tests/unit/meson.build, system tests in
# tests/system/meson.build.
set -eu
top=$1
fail=0
for f in $(cd "$top" && find tests/unit -name 'test-*.c' | sort); do
	name=${f#tests/unit/}
	name=${name%.c}
	if ! grep -q "'$name'" "$top/tests/unit/meson.build"; then
		echo "unregistered unit test: $f (add '$name' to tests/unit/meson.build)" >&2
		fail=1
	fi
done
for name in $(sed -n "s/^ *'\([a-z0-9_-]*\/test-[a-z0-9-]*\)'.*$/\1/p" "$top/tests/unit/meson.build"); do
	if [ ! -f "$top/tests/unit/$name.c" ]; then
		echo "registered unit test missing: tests/unit/$name.c" >&2
		fail=1
	fi
done
for f in $(cd "$top" && find tests/system -name '*.bats' | sort); do
	name=$(basename "$f")
	if ! grep -q "'$name'" "$top/tests/system/meson.build"; then
		echo "unregistered system test: $f (add '$name' to tests/system/meson.build)" >&2
		fail=1
	fi
done
for name in $(sed -n "s/^ *'\([0-9][0-9][0-9]-[a-z0-9-]*\.bats\)',*$/\1/p" "$top/tests/system/meson.build"); do
	if [ ! -f "$top/tests/system/$name" ]; then
		echo "registered system test missing: tests/system/$name" >&2
		fail=1
	fi
done
exit $fail
