# Shared by the Go runner's tests: sourced after lib.sh.  Skips (77) when
# mapbench-go was built without a Go toolchain.
if [ -z "${MAPBENCH_GO:-}" ]; then
	echo "MAPBENCH_GO is not set: run the CLI tests through make check" >&2
	exit 1
fi
if ! "$MAPBENCH_GO" --version >/dev/null 2>&1; then
	echo "SKIP: mapbench-go was built without Go (Debian 12: apt-get install golang-1.19-go, then make)"
	exit 77
fi
