#!/usr/bin/env bash
# Runs the install scripts that `npm ci --ignore-scripts` skipped, in the background, and returns at once. The long
# one is better-sqlite3's, which compiles SQLite from source (its prebuilt binaries come from GitHub, out of reach
# here); the small ones (anvil's and cast's fallback downloads, which find their platform packages present, and
# optional native helpers) run beside it. .ci/run builds the project meanwhile, and the test run waits for DIR/status
# (test/setup/native-ahead.ts). Nothing before it needs them: tsc, Vite and `oclif manifest` load no native addon,
# and the tests' chains run anvil from its platform package (src/devnet/anvil.ts).
#
# SQLite is compiled at -O1 (CFLAGS, which node-gyp appends after its -O3; the C++ binding keeps -O3): the same
# source, options and behaviour in half the compile time (about 40 s instead of 80 s here). The suite checks
# behaviour, not SQLite's speed; benchmarks run on a normal `npm ci`, which compiles at -O3.
# Usage: native-build.sh DIR   (DIR gets build.log and small.log, then status: 0 when every script passed, written last)
set -uo pipefail
dir="$1"
cd "$(dirname "$0")/.."
mkdir -p "$dir"
# Every package with an install script in the lock file but better-sqlite3: run beside the SQLite compile (it is
# one C file on one core), and both finish before DIR/status is written.
mapfile -t small < <(node -e '
  const lock = require("./package-lock.json")
  for (const [key, pkg] of Object.entries(lock.packages))
    if (pkg.hasInstallScript && key !== "node_modules/better-sqlite3") console.log(key.replace(/^.*node_modules\//, ""))
')
(
  status=0
  CFLAGS="${CFLAGS:-} -O1" npm rebuild --no-audit --no-fund better-sqlite3 >"$dir/build.log" 2>&1 &
  sqlite=$!
  if [ "${#small[@]}" -gt 0 ]; then npm rebuild --no-audit --no-fund "${small[@]}" >"$dir/small.log" 2>&1 || status=$?; fi
  wait "$sqlite" || status=$?
  [ "$status" -eq 0 ] || cat "$dir/small.log" >>"$dir/build.log"
  echo "$status" >"$dir/status.tmp" && mv "$dir/status.tmp" "$dir/status"
) &
