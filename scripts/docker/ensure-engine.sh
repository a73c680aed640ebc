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

pid_file=/var/run/docker.pid
started_pid=

dockerd_alive() {
  if [ -n "$started_pid" ] && kill -0 "$started_pid" 2>/dev/null; then return 0; fi
  [ -s "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

start_dockerd() {
  rm -f "$pid_file"
  say "starting dockerd in the background (log: $log_file)"
  mkdir -p "$(dirname "$log_file")"
  setsid dockerd >>"$log_file" 2>&1 </dev/null &
  started_pid=$!
}

give_up() {
  say "$1; the end of $log_file:"
  tail -n 30 "$log_file" >&2 2>/dev/null || true
  exit 1
}

# Waits for the engine; (re)starts dockerd whenever none runs, e.g. one that was still shutting down.
wait_for_engine() {
  local waited=0 starts=0
  until engine_answers; do
    if [ "$use_systemd" = no ] && ! dockerd_alive; then
      ((starts < 2)) || give_up "dockerd exited twice"
      start_dockerd
      starts=$((starts + 1))
    fi
    ((waited < wait_s)) || give_up "the Docker engine did not answer within ${wait_s}s"
    sleep 1
    waited=$((waited + 1))
  done
}

install_missing
if ! engine_answers; then
  use_systemd=no
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    use_systemd=yes
    say "starting docker through systemd"
    systemctl start docker
  fi
  wait_for_engine
fi
say "the Docker engine answers ($(docker version --format '{{.Server.Version}}'))"
