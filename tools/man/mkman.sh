#!/bin/sh
# Makes a man page from SOURCE (troff) by putting the built program's own
# help text where SOURCE asks for it, so the page and --help never differ:
#   @HELP@ ARGS...     the output of `PROGRAM ARGS...`, verbatim
#   @XL-COMMANDS@      for each command `xl help` lists, a subsection with
#                      the output of `xl help COMMAND`
# Usage: mkman.sh PROGRAM SOURCE OUTPUT (OUTPUT is gzip'ed, as Debian ships)
set -eu
program=$1 source=$2 output=$3

# Help text as troff: no fill, backslashes and leading dots escaped.
verbatim() {
	echo ".nf"
	sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
	echo ".fi"
}

render() {
	while IFS= read -r line; do
		case "$line" in
		"@HELP@"*)
			# shellcheck disable=SC2086
			"$program" ${line#@HELP@} 2>&1 | verbatim
			;;
		"@XL-COMMANDS@")
			for cmd in $("$program" help 2>&1 | awk '/^ [a-z]/ { print $1 }'); do
				echo ".SS $cmd"
				"$program" help "$cmd" 2>&1 | verbatim
			done
			;;
		*)
			printf '%s\n' "$line"
			;;
		esac
	done < "$source"
}

mkdir -p "$(dirname "$output")"
render | gzip -9 -n > "$output.tmp"
mv "$output.tmp" "$output"
