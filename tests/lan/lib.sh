# shellcheck shell=bash
# lib.sh - build a small LAN out of network namespaces for netinv's integration tests.
#
# Sourced (bash) by the tests in tests/lan/. Everything it creates is named with the prefix
# $LAN_P ("nitl"): namespaces nitl-br (the switch) and nitl-HOST (one per station), and one
# state directory $LAN_STATE (/tmp/nitl-lan.XXXXXX) for configs, leases and logs.
#
# Topology
#   nitl-br     holds br0, a Linux bridge, and one veth end per station (port name p-HOST).
#   nitl-HOST   holds the other end, always called lan0, with a fixed MAC and (optionally) a
#               static address. Interfaces in the root namespace are never created or touched.
#
# Why the bridge behaves like a hub: br0 is created with ageing_time 0, so it never learns
# where a MAC lives and floods every frame to every port, like a hub or a switch's SPAN
# port. A passive scanner then sees unicast too (the DHCP server's OFFER/ACK, ARP replies),
# which is how such a sensor is deployed in practice; a learning switch would only show it
# broadcast and multicast. group_fwd_mask 0x4000 lets LLDP (01:80:c2:00:00:0e) through: a
# Linux bridge drops 802.1D link-local groups by default, and lldpd's frames would never
# reach the scanner. IGMP snooping is off so mDNS reaches every port.
#
# Daemons (lan_spawn) run in the station's network namespace and in their own mount, UTS and
# PID namespaces:
#   - mount: a tmpfs over /run (pid files, control sockets, privsep chroots: dnsmasq, avahi,
#     dhcpcd and lldpd all keep state there and would clash with each other and with the
#     machine's own daemons), a tmpfs over /var/lib/dhcpcd (DUID, leases), and private copies
#     bind-mounted over /etc/resolv.conf and /etc/hosts, so a hook or a library that writes or
#     reads them never reaches the host's files (rename() onto a mount point fails).
#     `ip netns exec` also remounts /sys, so /sys/class/net shows the station's interfaces.
#   - UTS: the station's own hostname (the DHCP clients send it as option 12).
#   - PID: the daemon is PID 1 of its namespace, so one SIGKILL to it ends it and everything
#     it forked (privsep helpers, scripts); `unshare --kill-child` does the same when the
#     wrapper dies first. Daemons must therefore run in the foreground.
# Each daemon's stdout/stderr go to $LAN_STATE/HOST.TAG.log.
#
# Network safety: only 198.18.0.0/15 addresses (RFC 2544) are used. Nothing links the LAN to
# the root namespace; the DHCP clients' default route points at the gw station, which has no
# route and no forwarding beyond the LAN. lan_cleanup (run from the EXIT/INT/TERM trap that
# lan_init installs) kills every process it started, by PID, then any process left in a
# nitl-* namespace, by PID, and deletes every nitl-* namespace. Leftovers of a run killed
# with SIGKILL are removed by the next lan_init.

LAN_P=nitl
LAN_STATE=
LAN_NS=()               # namespaces created by this run, in order
LAN_PIDS=()             # PIDs started by this run (unshare wrappers, the scanner, ...)

lan_log() { echo "lan: $*" >&2; }

# lan_missing PROG...: print the programs that are not installed (sbin included).
lan_missing() {
        local p
        for p; do
                PATH=$PATH:/usr/sbin:/sbin command -v "$p" >/dev/null 2>&1 || printf '%s ' "$p"
        done
}

# lan_ns HOST: namespace name of a station ("br", "scan", "gw", ...)
lan_ns() { echo "$LAN_P-$1"; }

# lan_exec HOST CMD...: run CMD in the station's network namespace only (no private mounts).
lan_exec() {
        local ns
        ns=$(lan_ns "$1"); shift
        nsenter --net="/run/netns/$ns" "$@" 9<&-
}

lan_own_namespaces() {
        local f
        for f in /run/netns/"$LAN_P"-*; do
                [[ -e $f ]] && basename "$f"
        done
        return 0
}

# Kill every process in the given namespaces (by PID, as `ip netns pids` lists them),
# then delete the namespaces: the bridge first, which removes every veth pair with it.
lan_remove_namespaces() {
        local ns pid left
        for _ in 1 2 3 4 5 6 7 8 9 10; do
                left=0
                for ns; do
                        [[ -e /run/netns/$ns ]] || continue
                        for pid in $(ip netns pids "$ns" 2>/dev/null); do
                                kill -KILL "$pid" 2>/dev/null || true
                                left=1
                        done
                done
                ((left)) || break
                sleep 0.2
        done
        [[ -e /run/netns/$LAN_P-br ]] && ip netns del "$LAN_P-br" 2>/dev/null
        for ns; do
                [[ -e /run/netns/$ns ]] && ip netns del "$ns" 2>/dev/null
        done
        return 0
}

lan_cleanup() {
        local pid kids
        # A wrapper's child is PID 1 of its PID namespace: SIGKILL to it makes the kernel kill
        # everything in that namespace, and the wrapper (unshare) reaps it and exits, so no
        # zombie is left to PID 1. A recorded process without children is killed itself.
        for pid in "${LAN_PIDS[@]}"; do
                kids=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null || true)
                # shellcheck disable=SC2086
                if [[ -n $kids ]]; then
                        kill -KILL $kids 2>/dev/null || true
                else
                        kill -KILL "$pid" 2>/dev/null || true
                fi
        done
        # A wrapper that has not exited after 3 s is killed as well; then all are reaped.
        local running st
        for _ in $(seq 30); do
                running=0
                for pid in "${LAN_PIDS[@]}"; do
                        st=$(cat "/proc/$pid/stat" 2>/dev/null || true)
                        st=${st##*) }
                        [[ -n $st && ${st:0:1} != Z ]] && running=1
                done
                ((running)) || break
                sleep 0.1
        done
        for pid in "${LAN_PIDS[@]}"; do
                ((running)) && kill -KILL "$pid" 2>/dev/null
                wait "$pid" 2>/dev/null || true
        done
        LAN_PIDS=()
        # Also namespaces this run did not record (a failure half-way through lan_host).
        local all=("${LAN_NS[@]}")
        mapfile -t -O "${#all[@]}" all < <(lan_own_namespaces)
        ((${#all[@]})) && lan_remove_namespaces "${all[@]}"
        LAN_NS=()
        if [[ -n $LAN_STATE && -d $LAN_STATE && $LAN_STATE == /tmp/nitl-lan.* ]]; then
                rm -rf "$LAN_STATE"
        fi
        LAN_STATE=
        return 0
}

lan_on_exit() {
        local rc=$?
        trap - EXIT
        trap '' INT TERM        # a second Ctrl-C must not cut the cleanup short
        lan_cleanup
        exit "$rc"
}

# lan_init: take the lock, remove leftovers of an earlier run, make the state directory and
# install the cleanup trap. Call only after the root/program checks (which exit 77).
lan_init() {
        # One run at a time: the namespace names are fixed. The lock is on this file (opened
        # read-only), so it leaves nothing behind. Every process started in the background
        # closes fd 9 (9<&-): one that outlived a killed run must not keep the lock.
        exec 9<"${BASH_SOURCE[0]}"
        if ! flock -w 60 9; then
                lan_log "another run holds the lock on ${BASH_SOURCE[0]}"
                exit 1
        fi
        trap lan_on_exit EXIT
        trap 'exit 130' INT
        trap 'exit 143' TERM
        local stale d
        stale=$(lan_own_namespaces)
        if [[ -n $stale ]]; then
                lan_log "removing leftovers of an earlier run: ${stale//$'\n'/ }"
                # shellcheck disable=SC2086
                lan_remove_namespaces $stale
        fi
        for d in /tmp/nitl-lan.*; do
                [[ -d $d ]] && rm -rf "$d"
        done
        LAN_STATE=$(mktemp -d /tmp/nitl-lan.XXXXXX)
        chmod 755 "$LAN_STATE"
        mkdir -p "$LAN_STATE/bin"
        lan_write_nsinit
}

# lan_root_daemons PROG...: print "PROG[PID]" for each PROG running in this (the root)
# network namespace. Installing dnsmasq, avahi-daemon or lldpd on a machine with an init
# system starts them on its real interfaces; the tests do not need them there.
lan_root_daemons() {
        local prog pid mine
        mine=$(readlink /proc/self/ns/net)
        for prog; do
                for pid in $(pgrep -x "$prog" 2>/dev/null); do
                        [[ $(readlink "/proc/$pid/ns/net" 2>/dev/null) == "$mine" ]] &&
                                printf '%s[%s] ' "$prog" "$pid"
                done
        done
        return 0
}

# ---------------------------------------------------------------- topology

lan_bridge() {
        local ns
        ns=$(lan_ns br)
        ip netns add "$ns"
        LAN_NS+=("$ns")
        lan_exec br sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
        ip -n "$ns" link set lo up
        ip -n "$ns" link add br0 type bridge stp_state 0 forward_delay 0 ageing_time 0 \
                mcast_snooping 0 group_fwd_mask 0x4000
        ip -n "$ns" link set br0 up
}

# lan_host HOST MAC [ADDR/PREFIX]: a station with lan0 on the bridge. IPv6 is off (no DAD,
# router solicitations or MLD: the LAN carries only what the test starts). A multicast
# route on lan0: a station without a default route cannot send to 224.0.0.251 otherwise
# (ENETUNREACH).
lan_host() {
        local host=$1 mac=$2 addr=${3:-} ns
        ns=$(lan_ns "$host")
        [[ ${#host} -le 8 ]] || { lan_log "host name '$host' too long"; return 1; }
        ip netns add "$ns"
        LAN_NS+=("$ns")
        lan_exec "$host" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
                net.ipv6.conf.default.disable_ipv6=1
        ip -n "$(lan_ns br)" link add "p-$host" type veth peer name lan0 netns "$ns" address "$mac"
        ip -n "$(lan_ns br)" link set "p-$host" master br0 up
        {
                echo "link set lo up"
                echo "link set lan0 up"
                [[ -n $addr ]] && echo "addr add $addr dev lan0"
                echo "route add 224.0.0.0/4 dev lan0"
        } | ip -n "$ns" -batch -
}

# lan_tx_packets HOST: frames sent so far by the station's lan0
lan_tx_packets() {
        ip netns exec "$(lan_ns "$1")" cat /sys/class/net/lan0/statistics/tx_packets
}

# lan_wait_addr HOST ADDR SECONDS: wait until ADDR is configured on the station's lan0.
lan_wait_addr() {
        local host=$1 addr=$2 n=$(($3 * 10))
        while ((n-- > 0)); do
                ip -n "$(lan_ns "$host")" -4 -o addr show dev lan0 | grep -qF " $addr/" && return 0
                sleep 0.1
        done
        return 1
}

# ---------------------------------------------------------------- daemons

# The first process of every daemon's private namespaces (see the header).
lan_write_nsinit() {
        cat > "$LAN_STATE/bin/nsinit" <<'EOF'
#!/bin/sh
# nsinit STATE HOSTNAME CMD...: set up a private /run, /etc/hosts, /etc/resolv.conf and
# hostname, then become CMD. Runs inside fresh mount, UTS and PID namespaces.
set -e
state=$1 hn=$2
shift 2
hostname "$hn"
mount -t tmpfs -o mode=0755,size=16m nitl-run /run
mkdir -p /run/lock /run/avahi-daemon /run/dhcpcd /run/lldpd /run/dnsmasq
if [ -d /var/lib/dhcpcd ]; then
        mount -t tmpfs -o mode=0755,size=4m nitl-dhcpcd /var/lib/dhcpcd
fi
printf '127.0.0.1\tlocalhost\n' > "$state/hosts.$hn"
mount --bind "$state/hosts.$hn" /etc/hosts
# No DNS server in the LAN: lookups fail at once instead of leaving it.
: > "$state/resolv.conf.$hn"
mount --bind "$state/resolv.conf.$hn" /etc/resolv.conf
exec "$@"
EOF
        chmod 755 "$LAN_STATE/bin/nsinit"
}

# lan_spawn HOST TAG HOSTNAME CMD...: start a foreground daemon (see the header).
lan_spawn() {
        local host=$1 tag=$2 hn=$3 ns
        shift 3
        ns=$(lan_ns "$host")
        ip netns exec "$ns" unshare --mount --uts --pid --fork --kill-child --mount-proc \
                "$LAN_STATE/bin/nsinit" "$LAN_STATE" "$hn" "$@" \
                > "$LAN_STATE/$host.$tag.log" 2>&1 < /dev/null 9<&- &
        LAN_PIDS+=($!)
}

# lan_dnsmasq HOST ROUTER_IP RANGE_FROM RANGE_TO MAC,IP...: a DHCP server (no DNS) handing
# out fixed addresses to the given MACs (dhcp-host), so the expected leases are exact. --no-ping: dnsmasq would otherwise ping-check
# each address it offers (about 3 s per client, one client at a time).
lan_dnsmasq() {
        local host=$1 router=$2 from=$3 to=$4 conf
        shift 4
        conf=$LAN_STATE/$host.dnsmasq.conf
        {
                echo "port=0"
                echo "interface=lan0"
                echo "bind-interfaces"
                echo "dhcp-range=$from,$to,255.255.255.0,10m"
                echo "dhcp-option=option:router,$router"
                echo "dhcp-authoritative"
                echo "no-ping"
                echo "dhcp-leasefile=$LAN_STATE/$host.dnsmasq.leases"
                echo "pid-file=/run/dnsmasq/dnsmasq.pid"
                echo "log-dhcp"
                echo "log-facility=-"
                local h
                for h; do echo "dhcp-host=$h"; done
        } > "$conf"
        lan_spawn "$host" dnsmasq gateway dnsmasq -k --conf-file="$conf"
}

# DHCP client scripts: configure lan0 of the station and nothing else (the distributions'
# scripts rewrite /etc/resolv.conf and may set the hostname).
lan_write_dhcp_scripts() {
        [[ -e $LAN_STATE/bin/dhclient-script ]] && return 0
        cat > "$LAN_STATE/bin/dhclient-script" <<'EOF'
#!/bin/sh
# ISC dhclient script for the lan test: only lan0's address.
case "$reason" in
PREINIT) ip link set dev "$interface" up ;;
BOUND|RENEW|REBIND|REBOOT)
        ip -4 addr replace "$new_ip_address/$new_subnet_mask" dev "$interface" ;;
EXPIRE|FAIL|RELEASE|STOP)
        [ -n "$old_ip_address" ] && ip -4 addr del "$old_ip_address/$old_subnet_mask" dev "$interface" ;;
esac
exit 0
EOF
        cat > "$LAN_STATE/bin/udhcpc-script" <<'EOF'
#!/bin/sh
# busybox udhcpc script for the lan test: only lan0's address.
case "$1" in
deconfig) ip -4 addr flush dev "$interface"; ip link set dev "$interface" up ;;
bound|renew) ip -4 addr replace "$ip/${mask:-24}" dev "$interface" ;;
esac
exit 0
EOF
        chmod 755 "$LAN_STATE/bin/dhclient-script" "$LAN_STATE/bin/udhcpc-script"
}

# lan_dhclient HOST HOSTNAME: ISC dhclient with its own config (a fixed request list, so
# the expected option 55 does not depend on the machine's /etc/dhcp/dhclient.conf).
lan_dhclient() {
        local host=$1 hn=$2 conf
        lan_write_dhcp_scripts
        conf=$LAN_STATE/$host.dhclient.conf
        cat > "$conf" <<'EOF'
option rfc3442-classless-static-routes code 121 = array of unsigned integer 8;
send host-name = gethostname();
request subnet-mask, broadcast-address, time-offset, routers, domain-name,
        domain-name-servers, domain-search, host-name, netbios-name-servers,
        netbios-scope, interface-mtu, rfc3442-classless-static-routes, ntp-servers;
EOF
        lan_spawn "$host" dhclient "$hn" dhclient -4 -d -v -cf "$conf" \
                -sf "$LAN_STATE/bin/dhclient-script" -pf /run/dhclient.pid \
                -lf "$LAN_STATE/$host.dhclient.leases" lan0
}

# lan_udhcpc HOST HOSTNAME: busybox udhcpc with its compiled-in request list; it sends
# option 12 only when asked (-x hostname:NAME).
lan_udhcpc() {
        local host=$1 hn=$2
        lan_write_dhcp_scripts
        lan_spawn "$host" udhcpc "$hn" udhcpc -f -i lan0 -s "$LAN_STATE/bin/udhcpc-script" \
                -x "hostname:$hn" -t 10 -T 2
}

# lan_dhcpcd HOST HOSTNAME: dhcpcd with its own config file. Debian's /etc/dhcpcd.conf has a
# bare "vendorclassid" line that blanks option 60; without it dhcpcd sends its upstream
# default "dhcpcd-VERSION:OS-RELEASE:MACHINE:PLATFORM". "hostname" sends option 12.
# --script /dev/null: no hooks at all. ARP probing stays on, as on a real client.
lan_dhcpcd() {
        local host=$1 hn=$2 conf
        conf=$LAN_STATE/$host.dhcpcd.conf
        cat > "$conf" <<'EOF'
hostname
option domain_name_servers, domain_name, domain_search, host_name
option classless_static_routes
option interface_mtu
require dhcp_server_identifier
EOF
        lan_spawn "$host" dhcpcd "$hn" dhcpcd -4 -B --noipv4ll -f "$conf" --script /dev/null lan0
}

# lan_avahi HOST HOSTNAME SERVICE_XML...: avahi-daemon publishing HOSTNAME.local and the
# given static service files (XML text). Without D-Bus (enable-dbus=no), as root and without
# its chroot (which would need the config and services inside /etc/avahi); the services
# directory is bind-mounted over /etc/avahi/services in its own mount namespace.
lan_avahi() {
        local host=$1 hn=$2 dir i=0
        shift 2
        dir=$LAN_STATE/$host.avahi
        mkdir -p "$dir/services"
        cat > "$dir/avahi-daemon.conf" <<EOF
[server]
host-name=$hn
domain-name=local
use-ipv4=yes
use-ipv6=no
allow-interfaces=lan0
enable-dbus=no
[wide-area]
enable-wide-area=no
[publish]
publish-addresses=yes
publish-hinfo=no
publish-workstation=no
publish-domain=no
[reflector]
enable-reflector=no
EOF
        local xml
        for xml; do
                printf '%s\n' "$xml" > "$dir/services/s$i.service"
                i=$((i + 1))
        done
        lan_spawn "$host" avahi "$hn" sh -c "mount --bind '$dir/services' /etc/avahi/services && \
                exec avahi-daemon -f '$dir/avahi-daemon.conf' --no-drop-root --no-chroot \
                --no-rlimits --no-proc-title"
}

# lan_lldpd HOST SYSNAME DESCRIPTION: lldpd on lan0 only, with a fixed system name and
# description (the defaults would carry the machine's kernel and OS release).
lan_lldpd() {
        local host=$1 hn=$2 desc=$3 conf
        conf=$LAN_STATE/$host.lldpd.conf
        echo "configure system hostname $hn" > "$conf"
        lan_spawn "$host" lldpd "$hn" lldpd -d -d -I lan0 -S "$desc" -O "$conf" \
                -u /run/lldpd.socket -p /run/lldpd.pid
}
