#!/usr/bin/env bats
# selkie --help, help, unknown commands and flags: what a user sees before any real work.

load helpers
bats_require_minimum_version 1.5.0

# The names listed under "Available Commands:" in $output, one a line.
available_commands() {
	awk '/^Available Commands:/ { on = 1; next } on && /^[^ ]/ { on = 0 } on && NF { print $1 }' \
		<<<"$output"
}

# check_help CMD...: CMD --help exits 0 with "Usage:"; recurse into its sub-commands.
check_help() {
	local sub
	run_selkie "$@" --help
	assert_contains "$output" "Usage:"
	assert_contains "$output" "selkie $*"
	assert_not_contains "$output" "Error:"
	checked+=("$*")
	local subs
	subs=$(available_commands)
	for sub in $subs; do
		check_help "$@" "$sub"
	done
}

@test "every command and sub-command answers --help with exit 0 and Usage:" {
	local -a checked=()
	run_selkie --help
	assert_contains "$output" "Usage:"
	local top
	top=$(available_commands)
	[[ -n $top ]]
	for cmd in $top; do
		check_help "$cmd"
	done
	# The walk really reached the commands this suite relies on.
	local want
	for want in pull images history info inspect rmi tag untag version "image exists" \
		"image inspect" "image list" "image prune" "image rm" "image tag" "image untag" \
		"image history" "image pull" "system info"; do
		local found=0 c
		for c in "${checked[@]}"; do
			[[ $c == "$want" ]] && found=1
		done
		if ((!found)); then
			echo "# 'selkie $want' missing from the help walk (${checked[*]})" >&2
			return 1
		fi
	done
}

@test "-h is the same as --help" {
	run_selkie images --help
	local long=$output
	run_selkie images -h
	assert_equal "$output" "$long"
}

@test "help prints the root help with Available Commands: and Options:" {
	run_selkie help
	assert_contains "$output" "Usage:"
	assert_contains "$output" "Available Commands:"
	assert_contains "$output" "Options:"
	assert_contains "$output" "images"
	run_selkie --help
	assert_contains "$output" "Available Commands:"
	assert_contains "$output" "Options:"
}

@test "help COMMAND prints that command's help" {
	run_selkie help images
	assert_contains "$output" "List images in local storage"
	assert_contains "$output" "selkie images [options]"
}

@test "an unknown command exits 125 with unrecognized command and a suggestion" {
	run_selkie 125 imagse
	assert_contains "${lines[0]}" "Error: unrecognized command \`selkie imagse\`"
	assert_contains "$output" "Did you mean this?"
	assert_match "$output" $'\n\timages\n'
	assert_contains "$output" "Try 'selkie --help' for more information"
}

@test "an unknown sub-command exits 125 and names the group" {
	run_selkie 125 image lsit
	assert_contains "${lines[0]}" "Error: unrecognized command \`selkie image lsit\`"
	assert_contains "$output" "Try 'selkie image --help' for more information"
}

@test "an unknown command with nothing close gets no suggestion" {
	run_selkie 125 zzzzzzzz
	assert_contains "${lines[0]}" "Error: unrecognized command \`selkie zzzzzzzz\`"
	assert_not_contains "$output" "Did you mean"
}

@test "an unknown flag exits 125 with unknown flag: --x" {
	run_selkie 125 images --x
	assert_contains "${lines[0]}" "Error: unknown flag: --x"
	assert_contains "$output" "See 'selkie images --help'"
	run_selkie 125 --x
	assert_contains "${lines[0]}" "Error: unknown flag: --x"
	run_selkie 125 image ls --x
	assert_contains "${lines[0]}" "Error: unknown flag: --x"
	run_selkie 125 pull --x
	assert_contains "${lines[0]}" "Error: unknown flag: --x"
}

@test "an unknown short flag exits 125 with unknown shorthand flag" {
	run_selkie 125 images -Z
	assert_contains "${lines[0]}" "Error: unknown shorthand flag: 'Z' in -Z"
}

@test "a command that needs an argument says so and exits 125" {
	run_selkie 125 pull
	assert_equal "${lines[0]}" "Error: requires at least 1 arg(s), only received 0"
	run_selkie 125 tag
	assert_contains "${lines[0]}" "Error:"
}

@test "no command at all prints the help and exits 125" {
	run_selkie_stdout 125
	assert_contains "$output" "Available Commands:"
	assert_contains "$stderr" "Error: missing command 'selkie COMMAND'"
	run_selkie_stdout 125 image
	assert_contains "$output" "Available Commands:"
	assert_contains "$stderr" "Error: missing command 'selkie image COMMAND'"
}

@test "a flag that needs a value says so" {
	run_selkie 125 images --format
	assert_contains "${lines[0]}" "Error: flag needs an argument: --format"
}
