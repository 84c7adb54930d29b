# Sourced by the image scripts: picking the Debian kernel's modules and their
# dependencies and copying them into an image. Needs $moddir (the kernel's
# unpacked /lib/modules/$version), $version and $prog (for messages); copies
# into the current directory (the image's staging tree).

# A module's path relative to $moddir (compression suffix included), from
# its name; '-' and '_' are the same in module names.
modregex() {
	echo "$1" | sed 's/[-_]/[-_]/g'
}
modpath() {
	grep -E "^([^:]*/)?$(modregex "$1")\.ko(\.[a-z]+)?:" "$moddir/modules.dep" |
		head -n 1 | sed 's/:.*$//'
}
builtin() {
	grep -Eq "(^|/)$(modregex "$1")\.ko$" "$moddir/modules.builtin"
}

# Depth-first: every module's dependencies before the module itself.
visit() {
	case " $order " in *" $1 "*) return 0 ;; esac
	deps=$(grep "^$1:" "$moddir/modules.dep" | sed 's/^[^:]*://')
	for d in $deps; do
		visit "$d"
	done
	order="$order $1"
}

# Module $1 (a path below $moddir, maybe compressed) into the image,
# uncompressed; its path in the image is appended to list file $2.
copy_module() {
	dst="lib/modules/$version/$(echo "$1" | sed 's/\.ko\..*$/.ko/')"
	mkdir -p "$(dirname "$dst")"
	case "$1" in
	*.ko) cp "$moddir/$1" "$dst" ;;
	*.ko.xz) xz -dc "$moddir/$1" > "$dst" ;;
	*.ko.zst) zstd -q -dc "$moddir/$1" > "$dst" ;;
	*.ko.gz) gzip -dc "$moddir/$1" > "$dst" ;;
	*) echo "$prog: unknown module format $1" >&2; exit 1 ;;
	esac
	echo "/$dst" >> "$2"
}

# Modules $1 (names) with their dependencies, in load order, into list file
# $2; built-in ones are skipped, and a module already copied by an earlier
# call is not listed again.
listed=""
add_modules() {
	order=""
	for m in $1; do
		if builtin "$m"; then
			echo "$prog: $m is built in"
			continue
		fi
		p=$(modpath "$m")
		if [ -z "$p" ]; then
			echo "$prog: module $m not found in $version" >&2
			exit 1
		fi
		visit "$p"
	done
	: > "$2"
	for p in $order; do
		case " $listed " in *" $p "*) continue ;; esac
		listed="$listed $p"
		copy_module "$p" "$2"
	done
}
