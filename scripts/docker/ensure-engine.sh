#!/usr/bin/env bash
# Makes a Docker engine answer on this machine, for the docker tests and the image build.
#   bash scripts/docker/ensure-engine.sh
# Idempotent. On Debian/Ubuntu as root it installs what is missing (docker.io; debootstrap, which
# builds the image's base when no registry is reachable), then starts dockerd when nothing answers
# (through systemd when it runs, else in the background, logging to $HANDOFF_DOCKERD_LOG) and
# waits until `docker info` answers. Elsewhere (Docker Desktop, Colima) start the engine yourself.
set -euo pipefail

log_file=${HANDOFF_DOCKERD_LOG:-/var/log/handoff-dockerd.log}
wait_s=${HANDOFF_DOCKERD_WAIT_S:-60}

say() { echo "ensure-engine: $*" >&2; }
engine_answers() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

install_missing() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || engine_answers || missing+=(docker.io)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  ((${#missing[@]} > 0)) || return 0
  if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
    engine_answers && return 0
    say "missing ${missing[*]}; install them (needs root and apt-get) or start a Docker engine yourself."
    exit 1
  fi
  say "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

start_engine() {
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    say "starting docker through systemd"
    systemctl start docker
    return
  fi
  say "starting dockerd in the background (log: $log_file)"
  mkdir -p "$(dirname "$log_file")"
  setsid dockerd >>"$log_file" 2>&1 </dev/null &
}

wait_for_engine() {
  local waited=0
  until engine_answers; do
    if ((waited >= wait_s)); then
      say "the Docker engine did not answer within ${wait_s}s; the end of $log_file:"
      tail -n 30 "$log_file" >&2 2>/dev/null || true
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
}

install_missing
if engine_answers; then
  say "the Docker engine answers ($(docker version --format '{{.Server.Version}}'))"
  exit 0
fi
start_engine
wait_for_engine
say "the Docker engine answers ($(docker version --format '{{.Server.Version}}'))"
