/* limits.h - every cap and default in one place, each with the reason.
 *
 * Everything a sender on the LAN can grow is bounded here; what is dropped
 * because of a cap is counted and reported in the output (scan.dropped).
 */
#ifndef NETINV_LIMITS_H
#define NETINV_LIMITS_H

/* Devices in one inventory. A flood of forged source MACs must not exhaust
 * memory: 65536 devices with full observation lists stay well under 1 GiB,
 * and no real segment has that many stations. --max-devices overrides. */
#define INV_MAX_DEVICES_DEFAULT 65536u

/* Per device. Real hosts have a handful of addresses and names; a device
 * that announces more is either a router (proxy ARP) or hostile. */
#define DEV_MAX_IPV4            16u
#define DEV_MAX_IPV6            16u
#define DEV_MAX_HOSTNAMES       8u
/* Distinct (source, key, value) observations per device. An avahi host with
 * a dozen services produces about 60. */
#define DEV_MAX_OBS             256u

/* Longest value kept for one observation, in bytes (before output escaping).
 * A DNS name is <= 255; an LLDP system description <= 255; SSDP header
 * lines and TXT strings are cut here. */
#define OBS_VALUE_MAX           512u
/* Longest hostname kept (a DNS name in dotted form is <= 253). */
#define HOSTNAME_MAX            255u

/* Observations from one frame. An mDNS response with many records is the
 * worst real case (avahi announces ~20); the sink counts what overflows. */
#define OBS_PER_FRAME_MAX       128u
/* Bytes of decoded strings one frame may produce (the per-frame arena). */
#define OBS_ARENA_SIZE          (64u * 1024u)

/* VLAN tags followed (802.1Q inside 802.1ad inside ...). Two is QinQ; more
 * than four is a malformation. */
#define VLAN_MAX_DEPTH          4u

/* Live capture: a snaplen that holds a full mDNS response or LLDPDU on any
 * Ethernet (jumbo frames included), and the kernel buffer. */
#define CAPTURE_SNAPLEN         65535
#define CAPTURE_BUFFER_BYTES    (4 * 1024 * 1024)
/* poll() tick for live capture, ms: bounds how late --duration ends. */
#define CAPTURE_POLL_MS         200

/* DNS name decoding (RFC 1035 §2.3.4, §4.1.4). */
#define DNS_LABEL_MAX           63u
#define DNS_NAME_MAX            255u
/* Compression pointers followed in one name: each must point strictly
 * before the previous target, so this is only a second guard. */
#define DNS_PTR_HOPS_MAX        64u

/* Push spool (push.h). Documents listed per run: a spool this long means
 * the register has been away for months; the rest waits for the next run. */
#define SPOOL_MAX_DOCS          100000u
/* Default bound of the spool, bytes (push.spool_max_mb). A 10,000-device
 * document is ~20 MiB uncompressed; 256 MiB keeps a week of hourly scans
 * of an office. */
#define SPOOL_MAX_BYTES_DEFAULT (256ull * 1024 * 1024)
/* Response body kept from the register (saved beside a failed document,
 * parsed for an OAuth token). Errors are one JSON line. */
#define PUSH_RESPONSE_MAX       (64u * 1024u)
/* Retry defaults: first backoff, largest backoff, total time spent
 * retrying in one run (a timer run every hour should not overlap). */
#define PUSH_RETRY_INITIAL_MS   1000u
#define PUSH_RETRY_MAX_MS       60000u
#define PUSH_RETRY_TOTAL_MS     300000u
#define PUSH_CONNECT_TIMEOUT_MS 10000u
#define PUSH_TIMEOUT_MS         60000u
/* GLPI: "description" is one line (NOTES: under 255 characters); names are
 * a database varchar(255). */
#define GLPI_STRING_MAX         250u

#endif
