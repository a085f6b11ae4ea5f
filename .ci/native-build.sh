#!/usr/bin/env bash
# The install scripts that `npm ci --ignore-scripts` skips, run in the background so that they overlap the install and
# the build. The long one is better-sqlite3's, which compiles SQLite from source (its prebuilt binaries come from
# GitHub, out of reach here); the small ones (anvil's and cast's fallback downloads, which find their platform packages
# present, and optional native helpers) are quick. The test run waits for DIR/status (test/setup/native-ahead.ts).
# Nothing before the tests needs them: tsc, the bundler, Vite and `oclif manifest` load no native addon, and the
# tests' chains run anvil from its platform package (src/devnet/anvil.ts).
#
#   native-build.sh start DIR    before `npm ci`: compiles better-sqlite3 from its tarball as the lock file pins it
#                                (`npm pack`, checked against the lock's integrity), while `npm ci` runs
#   native-build.sh finish DIR   after `npm ci`: puts that addon into node_modules/better-sqlite3 (or, if the early
#                                compile failed, runs the package's own install script there), runs the small scripts,
#                                and writes DIR/status last: 0 when every script passed. Returns at once.
#
# SQLite is compiled at -O1 (CFLAGS, which node-gyp appends after its -O3; the C++ binding keeps -O3): the same
# source, options and behaviour in half the compile time (about 40 s instead of 80 s here). The suite checks
# behaviour, not SQLite's speed; benchmarks run on a normal `npm ci`, which compiles at -O3.
set -uo pipefail
mode="$1"
dir="$2"
cd "$(dirname "$0")/.."
mkdir -p "$dir"
lock_field() { node -p "require('./package-lock.json').packages['node_modules/better-sqlite3'].$1"; }

if [ "$mode" = start ]; then
  (
    (
      set -e
      version="$(lock_field version)"
      integrity="$(lock_field integrity)"
      mkdir -p "$dir/early"
      npm pack "better-sqlite3@$version" --pack-destination "$dir/early" --json --no-audit --no-fund >"$dir/early/pack.json"
      packed="$(node -p "require('$dir/early/pack.json')[0].integrity")"
      if [ "$packed" != "$integrity" ]; then echo "better-sqlite3@$version: integrity $packed, the lock says $integrity"; exit 1; fi
      tar -xzf "$dir/early/better-sqlite3-$version.tgz" -C "$dir/early"
      # The package's own install script (prebuild-install, absent here, falls through to node-gyp).
      cd "$dir/early/package" && CFLAGS="${CFLAGS:-} -O1" npm run-script install
    ) >"$dir/early.log" 2>&1
    echo $? >"$dir/early.status.tmp" && mv "$dir/early.status.tmp" "$dir/early.status"
  ) &
  exit 0
fi

[ "$mode" = finish ] || { echo "usage: native-build.sh start|finish DIR"; exit 2; }
# Every package with an install script in the lock file but better-sqlite3: run while the early compile finishes.
mapfile -t small < <(node -e '
  const lock = require("./package-lock.json")
  for (const [key, pkg] of Object.entries(lock.packages))
    if (pkg.hasInstallScript && key !== "node_modules/better-sqlite3") console.log(key.replace(/^.*node_modules\//, ""))
')
(
  status=0
  if [ "${#small[@]}" -gt 0 ]; then npm rebuild --no-audit --no-fund "${small[@]}" >"$dir/small.log" 2>&1 || status=$?; fi
  while [ ! -s "$dir/early.status" ]; do sleep 0.2; done
  addon="$dir/early/package/build/Release/better_sqlite3.node"
  if [ "$(cat "$dir/early.status")" = 0 ] && [ -f "$addon" ]; then
    mkdir -p node_modules/better-sqlite3/build/Release && cp "$addon" node_modules/better-sqlite3/build/Release/ || status=1
    echo "better-sqlite3 was compiled from its locked tarball while npm ci ran ($dir/early.log)" >"$dir/build.log"
  else
    # The early compile failed (its log says why): compile in node_modules as `npm ci` would have.
    cat "$dir/early.log" >"$dir/build.log"
    CFLAGS="${CFLAGS:-} -O1" npm rebuild --no-audit --no-fund better-sqlite3 >>"$dir/build.log" 2>&1 || status=$?
  fi
  [ "$status" -eq 0 ] || cat "$dir/small.log" >>"$dir/build.log"
  echo "$status" >"$dir/status.tmp" && mv "$dir/status.tmp" "$dir/status"
) &
