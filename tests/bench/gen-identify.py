#!/usr/bin/env python3
"""gen-identify.py - a capture for the identification benchmark through the scan
(identify-scan.sh): N devices (default 65,536), each sending the frames a real
station sends when it joins a LAN, carrying about 20 observations, a third of
them identity strings:

  ARP announcement                     arp.announce
  DHCPREQUEST (options 53, 61, 50,     dhcp.message_type, dhcp.client_id,
   57, 12, 60, 55)                     dhcp.requested_ip, dhcp.max_size, hostname,
                                       dhcp.vendor_class, dhcp.prl, dhcp.options
  LLDPDU (chassis, port, TTL, port     lldp.chassis_id, lldp.port_id,
   description, system name and        lldp.port_description, lldp.system_name,
   description, capabilities,          lldp.system_description, lldp.capabilities,
   management address)                 lldp.capabilities_supported, lldp.mgmt_address
  mDNS response (PTR, SRV, TXT)        mdns.service, mdns.instance, mdns.srv, mdns.txt

The identity strings (DHCP vendor classes, LLDP/SNMP system descriptions, mDNS
TXT strings) are the real-world ones of tests/data/identify-cases.tsv, given
out round-robin, so the rules see what they see on a real network. Addresses
are 198.18.0.0/15 (RFC 2544), MACs locally administered (02:69:64:..).
Test tool only: not part of netinv, not installed.

    tests/bench/gen-identify.py OUT.pcap [DEVICES]
"""
import struct
import sys

TSV = __file__.rsplit("/", 1)[0] + "/../data/identify-cases.tsv"


def strings(key):
    out = []
    with open(TSV, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            col = line.rstrip("\n").split("\t")
            if col[0] == key and len(col[1].encode()) < 250:
                out.append(col[1].encode())
    return out


def ip_of(i):
    n = (198 << 24) | (18 << 16) | (i + 10)         # 198.18.0.10 up, into 198.19/16
    return struct.pack("!I", n)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4_udp(src, dst, sport, dport, payload, ttl=64):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, ttl, 17, 0, src, dst)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + udp


def eth(dst, src, etype, payload):
    return dst + src + struct.pack("!H", etype) + payload


def arp_announce(mac, ip):
    body = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac, ip, b"\0" * 6, ip)
    return eth(b"\xff" * 6, mac, 0x0806, body)


def dhcp_request(mac, ip, xid, hostname, vendor_class, prl):
    opts = bytes([53, 1, 3])
    opts += bytes([61, 7, 1]) + mac
    opts += bytes([50, 4]) + ip
    opts += bytes([57, 2]) + struct.pack("!H", 1500)
    opts += bytes([12, len(hostname)]) + hostname
    opts += bytes([60, len(vendor_class)]) + vendor_class
    opts += bytes([55, len(prl)]) + bytes(prl)
    opts += b"\xff"
    bootp = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, xid, 0, 0x8000, b"\0" * 4,
                        b"\0" * 4, b"\0" * 4, b"\0" * 4, mac + b"\0" * 10, b"", b"")
    bootp += b"\x63\x82\x53\x63" + opts
    return eth(b"\xff" * 6, mac, 0x0800,
               ipv4_udp(b"\0" * 4, b"\xff" * 4, 68, 67, bootp))


def tlv(t, value):
    return struct.pack("!H", (t << 9) | len(value)) + value


def lldpdu(mac, ip, name, descr):
    d = tlv(1, b"\x04" + mac)                      # chassis id: MAC address
    d += tlv(2, b"\x05" + b"ge-0/0/1")              # port id: interface name
    d += tlv(3, struct.pack("!H", 120))
    d += tlv(4, b"uplink to core")
    d += tlv(5, name)
    d += tlv(6, descr)
    d += tlv(7, struct.pack("!HH", 0x14, 0x14))    # bridge, router
    d += tlv(8, bytes([5, 1]) + ip + bytes([2]) + struct.pack("!I", 1) + b"\0")
    d += tlv(0, b"")
    return eth(b"\x01\x80\xc2\x00\x00\x0e", mac, 0x88CC, d)


def dns_name(*labels):
    return b"".join(bytes([len(x)]) + x for x in labels) + b"\0"


def mdns_response(mac, ip, host, txt):
    svc = dns_name(b"_device-info", b"_tcp", b"local")
    inst = dns_name(host, b"_device-info", b"_tcp", b"local")
    target = dns_name(host, b"local")
    rr = b""
    rr += svc + struct.pack("!HHIH", 12, 1, 4500, len(inst)) + inst
    srv = struct.pack("!HHH", 0, 0, 0) + target
    rr += inst + struct.pack("!HHIH", 33, 0x8001, 120, len(srv)) + srv
    t = bytes([len(txt)]) + txt
    rr += inst + struct.pack("!HHIH", 16, 0x8001, 4500, len(t)) + t
    msg = struct.pack("!HHHHHH", 0, 0x8400, 0, 3, 0, 0) + rr
    return eth(b"\x01\x00\x5e\x00\x00\xfb", mac, 0x0800,
               ipv4_udp(ip, bytes([224, 0, 0, 251]), 5353, 5353, msg, ttl=255))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 65536
    vcs = strings("dhcp.vendor_class")
    descrs = strings("lldp.system_description") + strings("snmp.sys_descr")
    txts = [t.split(b" ", 1)[1] for t in strings("mdns.txt")
            if t.startswith(b"_device-info._tcp.local ")]
    prls = [[1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252],
            [1, 121, 3, 6, 12, 15, 26, 28, 33, 51, 54, 58, 59, 119],
            [1, 3, 6, 12, 15, 28, 42]]
    with open(sys.argv[1], "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        usec = 1_700_000_000 * 1_000_000
        for i in range(n):
            mac = bytes([0x02, 0x69, 0x64, (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF])
            ip = ip_of(i)
            host = b"host-%05d" % i
            frames = [arp_announce(mac, ip),
                      dhcp_request(mac, ip, 0x10000000 + i, host, vcs[i % len(vcs)],
                                   prls[i % len(prls)]),
                      lldpdu(mac, ip, host, descrs[i % len(descrs)]),
                      mdns_response(mac, ip, host, txts[i % len(txts)])]
            for fr in frames:
                usec += 50
                out.write(struct.pack("<IIII", usec // 1_000_000, usec % 1_000_000,
                                      len(fr), len(fr)))
                out.write(fr)
    print(f"gen-identify: {n} devices, {4 * n} frames -> {sys.argv[1]} "
          f"({len(vcs)} vendor classes, {len(descrs)} system descriptions, {len(txts)} TXT strings)")


if __name__ == "__main__":
    main()
