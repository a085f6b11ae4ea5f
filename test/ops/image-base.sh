#!/usr/bin/env bash
# Builds localhost/waiaas-node-base:20-bookworm-slim, a stand-in for node:20-bookworm-slim when no registry can be
# reached: a minimal Debian bookworm (debootstrap, from Debian's mirror) with this machine's Node.js 20 and npm laid
# out as the official image does (/usr/local/bin, /usr/local/lib/node_modules/npm, /usr/local/include/node).
# Usage: image-base.sh WORKDIR. Prints the image name on success.
set -euo pipefail
work="$1"
image=localhost/waiaas-node-base:20-bookworm-slim
mirror="${WAIAAS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
if buildah inspect --type image "$image" >/dev/null 2>&1; then echo "$image"; exit 0; fi

node_bin="$(readlink -f "$(command -v node)")"
prefix="$(dirname "$(dirname "$node_bin")")"
npm_dir="$prefix/lib/node_modules/npm"
headers="$prefix/include/node"
[ -d "$npm_dir" ] || { echo "npm not found at $npm_dir" >&2; exit 1; }
[ -d "$headers" ] || { echo "Node headers not found at $headers" >&2; exit 1; }

root="$work/rootfs"
mkdir -p "$work"
if [ ! -x "$root/bin/sh" ]; then
  rm -rf "$root"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -5 "$work/debootstrap.log" >&2; exit 1; }
fi
mkdir -p "$root/usr/local/bin" "$root/usr/local/lib/node_modules" "$root/usr/local/include"
cp "$node_bin" "$root/usr/local/bin/node"
rm -rf "$root/usr/local/lib/node_modules/npm" "$root/usr/local/include/node"
cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
cp -a "$headers" "$root/usr/local/include/node"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
# This machine reaches the npm registry through its own CA bundle: the stand-in base trusts it too.
ca="${NODE_EXTRA_CA_CERTS:-}"
ca_env=()
if [ -n "$ca" ] && [ -f "$ca" ]; then
  mkdir -p "$root/$(dirname "$ca")"
  cp "$ca" "$root/$ca"
  ca_env=(--env "NODE_EXTRA_CA_CERTS=$ca" --env "npm_config_cafile=$ca")
fi
rm -rf "$root/var/lib/apt/lists/"* "$root/var/cache/apt/archives/"*.deb

ctr="$(buildah from scratch)"
trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
mnt="$(buildah mount "$ctr")"
cp -a "$root/." "$mnt/"
buildah umount "$ctr" >/dev/null
buildah config "${ca_env[@]}" --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd node "$ctr"
buildah commit --quiet "$ctr" "$image" >/dev/null
echo "$image"
