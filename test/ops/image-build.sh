#!/usr/bin/env bash
# Builds the app image from this checkout's Dockerfile on the stand-in Node 22 base (image-base.sh), exactly as the
# image test does, and leaves in DIR: `iid` (the image id), `status` (buildah's exit code, written last) and
# `build.log`. .ci/run starts it in the background once buildah is installed, so the build overlaps `npm ci`, the
# project's build and the other tests; test/ops/image.test.ts, given WAIAAS_IMAGE_AHEAD=DIR, waits for DIR/status
# and checks that image instead of building the same tree again.
# Usage: image-build.sh DIR
set -uo pipefail
dir="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
mkdir -p "$dir"
: >"$dir/started"
status=1
if "$root/test/ops/image-base.sh" "${TMPDIR:-/tmp}/waiaas-image-base-bookworm" >"$dir/build.log" 2>&1; then
  buildah build --isolation chroot --layers --format docker --build-arg BASE=localhost/waiaas-node-base \
    --build-arg BASE_TAG=22-bookworm-slim --iidfile "$dir/iid" "$root" >>"$dir/build.log" 2>&1
  status=$?
fi
echo "$status" >"$dir/status.tmp" && mv "$dir/status.tmp" "$dir/status"
