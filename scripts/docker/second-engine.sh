#!/usr/bin/env bash
# A second Docker engine on this machine, for the multi-engine tests (issue 5: "two dockerd
# instances, separate sockets and data roots"). As root on Linux, beside the main engine:
#   bash scripts/docker/second-engine.sh start|stop|status
# Idempotent. `start` returns once the engine answers on its socket; `stop` sends dockerd SIGTERM
# through its pidfile and returns once the socket no longer answers. It never touches the main
# engine's socket, data root, exec root, pidfile, bridge or iptables chains.
#
#   socket      unix:///run/handoff-docker-2.sock      (HANDOFF_DOCKER2_SOCKET)
#   data root   /var/lib/handoff-docker-2              images, containers, volumes: kept across stops
#   exec root   /run/handoff-docker-2                  its own managed containerd lives under it
#   pidfile     /run/handoff-docker-2.pid
#   log         /var/log/handoff-docker-2.log          (HANDOFF_DOCKER2_LOG)
#   network     bridge `handoff2-br` 10.213.0.1/24, pool 10.213.0.0/16 split in /24s
#
# Findings (Docker 20.10.24, Debian bookworm, cgroup v1, measured against the main engine):
# - `--iptables=false` is required: a dockerd with iptables on clears and rebuilds the DOCKER and
#   DOCKER-ISOLATION chains at start, which would break the main engine's rules. With it off, the
#   main engine's rules are left as they were (checked with `iptables -S`).
# - Its default bridge must exist before dockerd starts (dockerd only creates `docker0` itself),
#   so this script creates `handoff2-br`. `--default-address-pool 10.213.0.0/16,size=24` keeps
#   every network of this engine apart from the main engine's 172.17-31.x / 192.168.x pools:
#   default bridge 10.213.0.0/24, then `docker network create` gives 10.213.1.0/24, 10.213.2.0/24…
# - Publishing `-p 127.0.0.1::8000` works on the default bridge and on a user-defined bridge
#   network, on both engines (docker-proxy listens on the host's loopback; no iptables needed).
#   On an `--internal` network Docker publishes nothing, silently, on both engines (`docker port`
#   is empty); the host still reaches the container's IP directly, on both engines.
# - The host reaches every container's IP on either engine, and a container reaches the host at
#   its network's gateway address (also from an `--internal` network; only forwarding is filtered).
# - `--network container:<other>` works on both: the second container reaches the first's
#   127.0.0.1 ports.
# - Egress beyond the machine: with iptables off this engine sets no NAT, and the main engine's
#   FORWARD policy is DROP, so this script adds three rules (comment `handoff-docker-2`) giving
#   the DEFAULT bridge (`handoff2-br`) egress; user-defined networks on this engine have none.
# - Stop (SIGTERM, no --live-restore): dockerd stops every container (SIGTERM, then SIGKILL after
#   the container's stop timeout, 10 s by default: give test containers an init such as tini),
#   its published ports close, the socket goes away. After `start` again, containers with a
#   restart policy (`unless-stopped`, `always`) run again, possibly on a NEW published port;
#   the others stay exited with their volumes. With --live-restore (not used) the containers
#   keep running through a stop, reachable by IP but not on their published ports.
# - The hardening flags (--user, --cap-drop ALL, no-new-privileges, --read-only, --memory,
#   --pids-limit, --cpus) and pause/unpause work here as on the main engine.
# - Loading the ~800 MB sandbox image (`docker save | docker -H … load`) takes 18-20 s here.
set -euo pipefail

name=handoff-docker-2
socket_path=${HANDOFF_DOCKER2_SOCKET:-/run/$name.sock}
host=unix://$socket_path
data_root=/var/lib/$name
exec_root=/run/$name
pid_file=/run/$name.pid
log_file=${HANDOFF_DOCKER2_LOG:-/var/log/$name.log}
wait_s=${HANDOFF_DOCKER2_WAIT_S:-60}
bridge=handoff2-br
bridge_cidr=10.213.0.1/24
bridge_net=10.213.0.0/24
pool=10.213.0.0/16

say() { echo "second-engine: $*" >&2; }
answers() { docker -H "$host" info >/dev/null 2>&1; }

# The pid of OUR dockerd (checked by its command line, so a reused pid is never signalled).
our_pid() {
  [ -s "$pid_file" ] || return 1
  local pid
  pid=$(cat "$pid_file")
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "--pidfile $pid_file " || return 1
  echo "$pid"
}

started_pid=
dockerd_alive() {
  if [ -n "$started_pid" ] && kill -0 "$started_pid" 2>/dev/null; then return 0; fi
  our_pid >/dev/null
}

give_up() {
  say "$1; the end of $log_file:"
  tail -n 30 "$log_file" >&2 2>/dev/null || true
  exit 1
}

ensure_bridge() {
  ip link show "$bridge" >/dev/null 2>&1 || ip link add "$bridge" type bridge
  ip -4 addr show dev "$bridge" | grep -q "inet $bridge_cidr" || ip addr add "$bridge_cidr" dev "$bridge"
  ip link set "$bridge" up
}

# iptables rules: -C checks, -I/-A adds, -D deletes (each rule carries our comment).
egress_rules() {
  local op=$1 tag=(-m comment --comment "$name")
  rule() {
    local table=$1 chain=$2 add=$3
    shift 3
    if [ "$op" = add ]; then
      iptables -t "$table" -C "$chain" "$@" "${tag[@]}" 2>/dev/null ||
        iptables -t "$table" "$add" "$chain" "$@" "${tag[@]}"
    else
      while iptables -t "$table" -D "$chain" "$@" "${tag[@]}" 2>/dev/null; do :; done
    fi
  }
  command -v iptables >/dev/null 2>&1 || return 0
  rule nat POSTROUTING -A -s "$bridge_net" ! -o "$bridge" -j MASQUERADE
  rule filter FORWARD -I -i "$bridge" ! -o "$bridge" -j ACCEPT
  rule filter FORWARD -I -o "$bridge" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
}

start() {
  if answers; then
    restore_main_bridge
    say "already running on $host"
    return 0
  fi
  [ "$(id -u)" = 0 ] || give_up "must run as root to start dockerd"
  command -v dockerd >/dev/null 2>&1 || give_up "dockerd is not installed (run scripts/docker/ensure-engine.sh)"
  ensure_bridge
  egress_rules add
  mkdir -p "$data_root" "$exec_root" "$(dirname "$log_file")"
  if ! dockerd_alive; then
    rm -f "$pid_file"
    say "starting dockerd on $host (log: $log_file)"
    setsid dockerd --host "$host" --data-root "$data_root" --exec-root "$exec_root" \
      --pidfile "$pid_file" --containerd-namespace "$name" \
      --containerd-plugins-namespace "$name-plugins" --cgroup-parent "/$name" \
      --bridge "$bridge" --iptables=false --ip-masq=false --ip-forward=false \
      --default-address-pool "base=$pool,size=24" >>"$log_file" 2>&1 </dev/null &
    started_pid=$!
  fi
  local waited=0
  until answers; do
    ((waited < wait_s * 4)) || give_up "the engine did not answer within ${wait_s}s"
    dockerd_alive || give_up "dockerd exited"
    sleep 0.25
    waited=$((waited + 1))
  done
  restore_main_bridge
  say "running on $host ($(docker -H "$host" version --format '{{.Server.Version}}'))"
}

# A dockerd started with --bridge <other> deletes the host's `docker0` (libnetwork's
# removeDefaultBridgeInterface), which the MAIN engine's default network needs (docker build,
# docker run). Put it back exactly as the main engine describes it.
restore_main_bridge() {
  ip link show docker0 >/dev/null 2>&1 && return 0
  local gateway subnet
  gateway=$(docker network inspect bridge --format '{{(index .IPAM.Config 0).Gateway}}' 2>/dev/null) || return 0
  subnet=$(docker network inspect bridge --format '{{(index .IPAM.Config 0).Subnet}}' 2>/dev/null) || return 0
  [ -n "$gateway" ] && [ -n "$subnet" ] || return 0
  ip link add docker0 type bridge
  ip addr add "$gateway/${subnet#*/}" dev docker0
  ip link set docker0 up
  say "restored the main engine's docker0 bridge ($gateway/${subnet#*/}) that the second dockerd removed"
}

stop() {
  local pid waited=0
  if pid=$(our_pid); then
    say "stopping dockerd (pid $pid)"
    kill -TERM "$pid"
    while kill -0 "$pid" 2>/dev/null; do
      ((waited < wait_s * 4)) || give_up "dockerd (pid $pid) did not exit within ${wait_s}s"
      sleep 0.25
      waited=$((waited + 1))
    done
  fi
  if answers; then give_up "something else answers on $host; it was not started by this script"; fi
  egress_rules delete
  say "stopped"
}

status() {
  if answers; then
    echo "running $host $(docker -H "$host" version --format '{{.Server.Version}}')"
  else
    echo "stopped"
    return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
