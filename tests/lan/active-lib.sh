# shellcheck shell=bash
# active-lib.sh - namespace LANs for the active-probing test (tests/lan/active.sh) and
# benchmark (tests/bench/active.sh). Sourced by bash.
#
# Everything is named with the prefix "nia": namespaces nia-br (the switch), nia-scan (the
# scanner), nia-hK (one per peer), nia-px (a proxy-ARP router), nia-multi (many addresses
# on one interface). Only 198.18.0.0/15 (RFC 2544) addresses are used; nothing links these
# namespaces to the root namespace, and every interface inside is called lan0 (or p-*, dum0),
# so a command run by mistake in the root namespace fails instead of using eth0.
#
# Two layouts:
#   nia_lan N PREFIX  a Linux bridge in nia-br, the scanner (02:4e:49:ff:00:01) and N peers
#                     in their own namespaces (veth into the bridge, MAC 02:4e:49:00:HH:LL),
#                     peer K at nia_peer_ip K. Built with one `ip -batch` for the namespaces,
#                     one in nia-br for the links, and one nsenter+`ip -batch` per peer
#                     (`ip -n NS` costs O(number of namespaces) per call).
#   nia_multi N       a veth pair between nia-scan and nia-multi, with N addresses on
#                     nia-multi's lan0: one MAC, but a sweep at full speed (a bridge with N
#                     namespaces absorbs only ~80 broadcasts/s at N=4096).
#
# Host settings: the neighbour-table limits net.ipv4.neigh.default.gc_thresh1/2/3 are global
# (they count the entries of every namespace) and a peer that cannot add an entry for the
# scanner does not answer. nia_tune raises them (only upwards) and the EXIT trap restores
# what it changed. nia_cleanup (the trap) kills what was started, by PID, deletes every
# nia-* namespace and restores the sysctls; leftovers of a killed run go at the next init.

NIA_P=nia
NIA_SYSCTL_SAVED=()     # "name=value" to restore
NIA_PIDS=()

nia_log() { echo "nia: $*" >&2; }

nia_ns() { echo "$NIA_P-$1"; }

# nia_exec HOST CMD...: CMD in HOST's network namespace only.
nia_exec() {
        local ns
        ns=$(nia_ns "$1"); shift
        nsenter --net="/run/netns/$ns" "$@" 9<&-
}

nia_namespaces() {
        local f
        for f in /run/netns/"$NIA_P"-*; do
                [[ -e $f ]] && basename "$f"
        done
        return 0
}

nia_remove_namespaces() {
        local ns pid
        for ns in $(nia_namespaces); do
                for pid in $(ip netns pids "$ns" 2>/dev/null); do
                        kill -KILL "$pid" 2>/dev/null || true
                done
        done
        [[ -e /run/netns/$NIA_P-br ]] && ip netns del "$NIA_P-br" 2>/dev/null
        # One batch: `ip netns del` one by one copies the mount table each time.
        nia_namespaces | sed 's/^/netns del /' | ip -force -batch - 2>/dev/null
        return 0
}

nia_cleanup() {
        local pid
        for pid in "${NIA_PIDS[@]}"; do
                kill -KILL "$pid" 2>/dev/null || true
                wait "$pid" 2>/dev/null || true
        done
        NIA_PIDS=()
        nia_remove_namespaces
        # Newest first: a setting raised twice goes back to its first (original) value.
        local i
        for ((i = ${#NIA_SYSCTL_SAVED[@]} - 1; i >= 0; i--)); do
                sysctl -q -w "${NIA_SYSCTL_SAVED[i]}" >/dev/null 2>&1 || true
        done
        NIA_SYSCTL_SAVED=()
        [[ -n ${NIA_TMP:-} && -d $NIA_TMP && $NIA_TMP == /tmp/nia.* ]] && rm -rf "$NIA_TMP"
        return 0
}

nia_on_exit() {
        local rc=$?
        trap - EXIT
        trap '' INT TERM
        nia_cleanup
        exit "$rc"
}

# nia_init: one run at a time (lock on this file), leftovers removed, trap installed,
# a scratch directory in $NIA_TMP.
nia_init() {
        exec 9<"${BASH_SOURCE[0]}"
        if ! flock -w 120 9; then
                nia_log "another run holds the lock on ${BASH_SOURCE[0]}"
                exit 1
        fi
        trap nia_on_exit EXIT
        trap 'exit 130' INT
        trap 'exit 143' TERM
        [[ -n $(nia_namespaces) ]] && { nia_log "removing leftovers of an earlier run"; nia_remove_namespaces; }
        NIA_TMP=$(mktemp -d /tmp/nia.XXXXXX)
        chmod 755 "$NIA_TMP"
}

# nia_raise NAME VALUE: set a global sysctl to at least VALUE, remembering the old value.
nia_raise() {
        local cur
        cur=$(sysctl -n "$1") || return 1
        ((cur >= $2)) && return 0
        NIA_SYSCTL_SAVED+=("$1=$cur")
        sysctl -q -w "$1=$2"
}

# nia_tune N: neighbour tables and input queue big enough for N peers (and others' labs).
nia_tune() {
        local n=$1
        nia_raise net.ipv4.neigh.default.gc_thresh1 $((n * 4 + 1024))
        nia_raise net.ipv4.neigh.default.gc_thresh2 $((n * 8 + 2048))
        nia_raise net.ipv4.neigh.default.gc_thresh3 $((n * 16 + 4096))
}

# nia_peer_ip K: the address of peer K (1..), in 198.18.0.0/16: K=1..254 → 198.18.B.K,
# then 198.18.B+1.1.. and so on (no .0, no .255), B = $NIA_BASE (default 0).
NIA_BASE=${NIA_BASE:-0}
nia_peer_ip() {
        local k=$(($1 - 1))
        echo "198.18.$((NIA_BASE + k / 254)).$((k % 254 + 1))"
}

nia_peer_mac() {
        printf '02:4e:49:00:%02x:%02x' $(($1 / 256)) $(($1 % 256))
}

# nia_lan N SCAN_ADDR/PREFIX PEER_PREFIX: bridge + scanner + N peers.
nia_lan() {
        local n=$1 scan_addr=$2 plen=$3 k
        nia_tune "$n"
        {
                echo "netns add $NIA_P-br"
                echo "netns add $NIA_P-scan"
                for ((k = 1; k <= n; k++)); do echo "netns add $NIA_P-h$k"; done
        } | ip -batch -
        nia_exec br sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
        {
                echo "link set lo up"
                echo "link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0"
                echo "link set br0 up"
                echo "link add p-scan type veth peer name lan0 netns $NIA_P-scan address 02:4e:49:ff:00:01"
                echo "link set p-scan addrgenmode none master br0 up"
                for ((k = 1; k <= n; k++)); do
                        echo "link add p-h$k type veth peer name lan0 netns $NIA_P-h$k address $(nia_peer_mac "$k")"
                        echo "link set p-h$k addrgenmode none master br0 up"
                done
        } | nia_exec br ip -batch -
        printf 'link set lo up\nlink set lan0 addrgenmode none\nlink set lan0 up\naddr add %s dev lan0\n' \
                "$scan_addr" | nia_exec scan ip -batch -
        for ((k = 1; k <= n; k++)); do
                printf 'link set lo up\nlink set lan0 addrgenmode none\nlink set lan0 up\naddr add %s/%s dev lan0\n' \
                        "$(nia_peer_ip "$k")" "$plen" | nia_exec "h$k" ip -batch -
        done
}

# nia_proxy ADDR/PREFIX PROXIED_CIDR: a router (nia-px, MAC 02:4e:49:ee:00:01) on the bridge
# that answers ARP for every address of PROXIED_CIDR (routed to its dummy interface) through
# proxy ARP, at once (proxy_delay 0).
nia_proxy() {
        local addr=$1 proxied=$2
        ip netns add "$NIA_P-px"
        nia_exec br ip link add p-px type veth peer name lan0 netns "$NIA_P-px" address 02:4e:49:ee:00:01
        nia_exec br ip link set p-px addrgenmode none master br0 up
        {
                echo "link set lo up"
                echo "link set lan0 addrgenmode none"
                echo "link set lan0 up"
                echo "addr add $addr dev lan0"
                # (a veth pair as the far side: the dummy module may be missing)
                echo "link add dum0 type veth peer name dum1"
                echo "link set dum0 addrgenmode none"
                echo "link set dum1 addrgenmode none"
                echo "link set dum1 up"
                echo "link set dum0 up"
                echo "route add $proxied dev dum0"
        } | nia_exec px ip -batch -
        nia_exec px sysctl -q -w net.ipv4.ip_forward=1 net.ipv4.conf.lan0.proxy_arp=1 \
                net.ipv4.neigh.lan0.proxy_delay=0
}

# nia_multi N SCAN_ADDR/PREFIX: N addresses (nia_peer_ip 1..N, /PREFIX) on nia-multi's lan0,
# a veth pair away from the scanner.
nia_multi() {
        local n=$1 scan_addr=$2 plen=$3 k
        nia_tune "$n"
        printf 'netns add %s-scan\nnetns add %s-multi\n' "$NIA_P" "$NIA_P" | ip -batch -
        nia_exec scan ip link add lan0 address 02:4e:49:ff:00:01 type veth peer name lan0 \
                netns "$NIA_P-multi" address 02:4e:49:dd:00:01
        printf 'link set lo up\nlink set lan0 addrgenmode none\nlink set lan0 up\naddr add %s dev lan0\n' \
                "$scan_addr" | nia_exec scan ip -batch -
        {
                echo "link set lo up"
                echo "link set lan0 addrgenmode none"
                echo "link set lan0 up"
                for ((k = 1; k <= n; k++)); do echo "addr add $(nia_peer_ip "$k")/$plen dev lan0"; done
        } | nia_exec multi ip -batch -
}

# nia_tx HOST: frames sent so far by HOST's lan0 (`ip netns exec` mounts the namespace's /sys).
nia_tx() { ip netns exec "$(nia_ns "$1")" cat /sys/class/net/lan0/statistics/tx_packets 9<&-; }
