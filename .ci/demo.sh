# shellcheck shell=bash
# Sourced by the CI scripts that test a running demo (.ci/fuzz, .ci/client), from the repository root:
#
#   source .ci/demo.sh
#   demo_start [NAME=VALUE ...]     # extra environment for the server, e.g. LEARNWELL__RATE_LIMIT__PER_MINUTE=0
#
# builds the debug binary, starts `learnwell serve --demo` (SQLite, in a temporary directory) on a
# free port, waits for /readyz and sets DEMO_URL and DEMO_TOKEN (the admin token the demo prints:
# hr_admin + ld_admin). On exit the demo is stopped and its directory removed.

target=$(realpath -m "${CARGO_TARGET_DIR:-target}")

demo_stop() {
    # Wait for its graceful shutdown, so that nothing writes into the directory once it is gone.
    if [[ -n ${demo_pid:-} ]]; then kill "$demo_pid" 2>/dev/null && wait "$demo_pid" 2>/dev/null || true; fi
    if [[ -n ${demo_dir:-} ]]; then rm -rf "$demo_dir"; fi
}

demo_start() {
    cargo build --locked --quiet
    demo_dir=$(mktemp -d)
    trap demo_stop EXIT
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    (
        cd "$demo_dir"
        exec env LEARNWELL__SERVER__PORT="$port" LEARNWELL__LOG__LEVEL=warn "$@" \
            "$target/debug/learnwell" serve --demo >"$demo_dir/serve.log" 2>&1
    ) &
    demo_pid=$!
    DEMO_URL="http://127.0.0.1:$port"
    # The demo seeds its organisation and a year of learning before it listens (a debug build: ~15 s).
    local ready=0 _
    for _ in $(seq 1 300); do
        kill -0 "$demo_pid" 2>/dev/null || break
        if python3 -c "import urllib.request; urllib.request.urlopen('$DEMO_URL/readyz', timeout=1)" 2>/dev/null; then
            ready=1
            break
        fi
        sleep 0.2
    done
    DEMO_TOKEN=$(grep -o 'export TOKEN=[^ ]*' "$demo_dir/serve.log" | head -n1 | cut -d= -f2 || true)
    if [[ $ready -eq 0 || -z $DEMO_TOKEN ]]; then
        cat "$demo_dir/serve.log" >&2
        echo "demo: the demo did not get ready on $DEMO_URL, or printed no token" >&2
        exit 1
    fi
}
