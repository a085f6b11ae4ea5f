#!/usr/bin/env bash
# Runs the install scripts that `npm ci --ignore-scripts` skipped. The small ones (anvil's and cast's binary links,
# optional native helpers) run now; better-sqlite3, which compiles SQLite from source because its prebuilt binaries
# come from GitHub (out of reach here), is started in the background and this script returns: that compile is the
# install's longest step, so .ci/run builds the project beside it, and the test run waits for DIR/status
# (test/setup/native-ahead.ts).
#
# SQLite is compiled at -O1 (CFLAGS, which node-gyp appends after its -O3; the C++ binding keeps -O3): the same
# source, options and behaviour in half the compile time (about 40 s instead of 80 s here). The suite checks
# behaviour, not SQLite's speed; benchmarks run on a normal `npm ci`, which compiles at -O3.
# Usage: native-build.sh DIR   (DIR gets build.log, then status: the compile's exit code, written last)
set -uo pipefail
dir="$1"
cd "$(dirname "$0")/.."
mkdir -p "$dir"
# Every package with an install script in the lock file but better-sqlite3.
mapfile -t small < <(node -e '
  const lock = require("./package-lock.json")
  for (const [key, pkg] of Object.entries(lock.packages))
    if (pkg.hasInstallScript && key !== "node_modules/better-sqlite3") console.log(key.replace(/^.*node_modules\//, ""))
')
if [ "${#small[@]}" -gt 0 ]; then
  npm rebuild --no-audit --no-fund "${small[@]}" >"$dir/small.log" 2>&1 || { cat "$dir/small.log"; exit 1; }
fi
(
  CFLAGS="${CFLAGS:-} -O1" npm rebuild --no-audit --no-fund better-sqlite3 >"$dir/build.log" 2>&1
  echo "$?" >"$dir/status.tmp" && mv "$dir/status.tmp" "$dir/status"
) &
