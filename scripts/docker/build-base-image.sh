#!/usr/bin/env bash
# Builds a minimal Debian bookworm base image with debootstrap, for machines that cannot pull
# node:20-bookworm-slim (no registry). It has no Node.js: build-image.mjs then supplies this
# machine's Node through the build context.
#   bash scripts/docker/build-base-image.sh   # prints the image tag on stdout
# Cached: when the tag exists it does nothing. Bump BASE_RECIPE when this recipe changes.
set -euo pipefail

BASE_RECIPE=1
tag=${HANDOFF_DEBOOTSTRAP_TAG:-handoff/bookworm-base:recipe-$BASE_RECIPE}
mirror=${HANDOFF_DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=bookworm

say() { echo "build-base-image: $*" >&2; }

if docker image inspect "$tag" >/dev/null 2>&1; then
  say "$tag exists"
  echo "$tag"
  exit 0
fi
command -v debootstrap >/dev/null 2>&1 || {
  say "debootstrap is missing: run scripts/docker/ensure-engine.sh (or apt-get install debootstrap)."
  exit 1
}
[ "$(id -u)" = 0 ] || { say "debootstrap needs root."; exit 1; }

rootfs=$(mktemp -d /tmp/handoff-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT

say "debootstrap --variant=minbase $suite from $mirror"
started=$SECONDS
debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || {
  tail -n 30 "$rootfs.log" >&2
  rm -f "$rootfs.log"
  exit 1
}
rm -f "$rootfs.log"

# The same sources an official Debian image has: the release, its updates and security fixes.
cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror $suite main
deb $mirror $suite-updates main
deb http://deb.debian.org/debian-security $suite-security main
SOURCES
# What a container does not need: downloaded packages, package lists, logs.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log

tar --numeric-owner -C "$rootfs" -c . |
  docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["bash"]' \
    --message "debootstrap --variant=minbase $suite (handoff base recipe $BASE_RECIPE)" \
    - "$tag" >/dev/null
say "built $tag in $((SECONDS - started))s"
echo "$tag"
