#!/usr/bin/env bash
# Build the service's image where no public image registry is reachable: a Debian base made with debootstrap
# and `docker import`, then the Dockerfile with host networking (the package registries) and this machine's
# CA bundle (a registry behind a TLS proxy). Usage: deploy/build-image.sh [TAG]   (default jxcheck:local)
set -euo pipefail
cd "$(dirname "$0")/.."
TAG="${1:-jxcheck:local}"
BASE="${JXCHECK_BASE_IMAGE:-jxcheck-base:bookworm}"
if ! docker image inspect "$BASE" >/dev/null 2>&1; then
  root="$(mktemp -d)"
  debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates bookworm "$root" \
    "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >/dev/null
  tar -C "$root" -c . | docker import - "$BASE" >/dev/null
  rm -rf "$root"
fi
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  cp /etc/ssl/certs/ca-certificates.crt deploy/extra-ca/host.crt
fi
trap 'rm -f deploy/extra-ca/host.crt' EXIT
docker build --network host --build-arg BASE_IMAGE="$BASE" -t "$TAG" .
