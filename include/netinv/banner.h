/* banner.h - parsers for the answers active probes get, and the requests
 * the probes send.
 *
 * The probes open ordinary TCP sockets (SSH, HTTP, SMB2) or UDP sockets
 * (SNMP) to a device and hand what came back to these parsers; NBNS answers
 * arrive through the capture like any frame (dissect_nbns in dissect.h).
 * Every parser has the dissector shape of dissect.h: the cursor covers the
 * bytes received (the start of the TCP stream, or one UDP payload), ctx->
 * src_mac names the device the answer is about (the caller fills it; for a
 * socket answer nothing else in ctx is read), observations go to the sink.
 * Pure: no I/O, no globals, no heap. A response cut short is TRUNCATED (the
 * caller may read more and call again), never MALFORMED.
 *
 * The request builders are pure too: they write one complete request into
 * the caller's buffer and return its length, or -ENOSPC when it does not fit
 * (nothing useful is left in the buffer then).
 */
#ifndef NETINV_BANNER_H
#define NETINV_BANNER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "netinv/dissect.h"

/* ---- answers ---- */

/* SSH identification string (RFC 4253 §4.2): the server's first bytes.
 * ssh.banner, ssh.protocol, ssh.software, ssh.comment. */
enum dissect_res parse_ssh(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s);

/* An HTTP/1.x response (RFC 9112): status line, header fields, and when a
 * body follows the empty line, its <title> (parse_http_title on the body).
 * http.status, http.server, http.powered_by, http.www_authenticate,
 * http.location, http.title. */
enum dissect_res parse_http(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s);
/* The <title> of an HTML body (the first HTTP_TITLE_SCAN bytes of it):
 * OK with http.title, IGNORED when there is no <title, TRUNCATED when the
 * title is not closed in what is there. */
enum dissect_res parse_http_title(struct cursor *c, const struct frame_ctx *ctx,
                                  struct obs_sink *s);

/* SMB2 responses as they come off port 445: NetBIOS session service
 * framing (RFC 1002 §4.3.1, MS-SMB2 §2.1), one or more messages. NEGOTIATE
 * gives smb.dialect, smb.signing, smb.server_guid; SESSION_SETUP with an
 * SPNEGO-wrapped NTLMSSP CHALLENGE gives the ntlm.* keys. */
enum dissect_res parse_smb2(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s);

/* An NTLMSSP CHALLENGE message (MS-NLMP §2.2.1.2), the cursor starting at
 * its "NTLMSSP\0" signature; observations carry source `src` (PROTO_SMB,
 * PROTO_RDP). ntlm.os_version, ntlm.netbios_computer, ntlm.netbios_domain,
 * ntlm.dns_computer, ntlm.dns_domain, ntlm.dns_tree. */
enum dissect_res ntlmssp_challenge(struct cursor *c, const struct frame_ctx *ctx,
                                   struct obs_sink *s, enum proto src);
/* The same with the dissector shape, source PROTO_SMB. */
enum dissect_res parse_ntlmssp(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s);
/* The server's first CredSSP TSRequest of RDP NLA (MS-CSSP §2.2.1), as it
 * comes out of TLS: rdp.credssp_version, and the ntlm.* keys of the
 * CHALLENGE in its negoTokens, source PROTO_RDP. */
enum dissect_res parse_rdp_credssp(struct cursor *c, const struct frame_ctx *ctx,
                                   struct obs_sink *s);

/* The X.224 Connection Confirm of RDP (MS-RDPBCGR §2.2.1.2) in its TPKT:
 * the selectedProtocol (PROTOCOL_RDP 0, _SSL 1, _HYBRID 2 = NLA, _RDSTLS 4,
 * _HYBRID_EX 8) or the failureCode; the other written 0. For the prober,
 * which goes on with TLS (and parse_rdp_credssp) when HYBRID was chosen. */
enum dissect_res rdp_x224_confirm(struct cursor *c, uint32_t *ret_protocol,
                                  uint32_t *ret_failure);
/* The same as observations: rdp.protocol or rdp.neg_failure. */
enum dissect_res parse_rdp_x224(struct cursor *c, const struct frame_ctx *ctx,
                                struct obs_sink *s);

/* An SNMP v1/v2c GetResponse (RFC 3416 §3, BER per X.690) in one UDP
 * payload. snmp.version, snmp.sys_descr, snmp.sys_object_id, snmp.sys_name.
 * The community is never recorded. */
enum dissect_res parse_snmp(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s);

/* A UPnP device description (UPnP Device Architecture 2.0 §2.3, XML), the
 * body the probe fetched from an SSDP LOCATION. The root device's
 * upnp.device_type, upnp.friendly_name, upnp.manufacturer, upnp.model_name,
 * upnp.model_number, upnp.model_description, upnp.firmware (vendor
 * firmwareVersion / softwareVersion / displayVersion), upnp.udn,
 * upnp.presentation_url, and upnp.device_type of each embedded device
 * (at most UPNP_EMBEDDED_MAX). Serial numbers are never recorded. OK when
 * the root device's element closed, TRUNCATED when the body ends first,
 * IGNORED when it is not a description (its first element is not <root>). */
enum dissect_res parse_upnp(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s);

/* BER/DER (X.690 §8.1): one TLV with a single-byte tag and a definite
 * length of at most BER_LEN_BYTES_MAX length bytes. On success *ret_tag is
 * the tag byte and *ret_val a sub-cursor over the contents, the parent
 * advanced past them. DISSECT_OK, DISSECT_TRUNCATED (the TLV runs past the
 * window) or DISSECT_MALFORMED (high tag number form, indefinite or
 * over-long length). */
enum dissect_res ber_tlv(struct cursor *c, uint8_t *ret_tag, struct cursor *ret_val);

/* ---- requests ---- */

/* SMB2 NEGOTIATE request (MS-SMB2 §2.2.3) in a NetBIOS session message,
 * dialects 2.0.2 .. 3.1.1, with the preauth-integrity (SHA-512, `salt`),
 * encryption, signing and netname (`server`, ASCII, the name or address
 * dialled; at most SMB2_NETNAME_MAX bytes) contexts; laid out as smbclient
 * 4.17 lays it out. */
ssize_t smb2_negotiate_request(uint8_t *buf, size_t cap, const uint8_t client_guid[16],
                               const uint8_t salt[32], const char *server);
/* SMB2 SESSION_SETUP request (MS-SMB2 §2.2.5), message id `message_id`,
 * carrying an SPNEGO NegTokenInit (RFC 4178 §4.2.1) around an NTLMSSP
 * NEGOTIATE message: the server answers with its CHALLENGE. */
ssize_t smb2_session_setup_ntlm_negotiate(uint8_t *buf, size_t cap, uint64_t message_id);
/* NTLMSSP NEGOTIATE message (MS-NLMP §2.2.1.1), no domain or workstation. */
ssize_t ntlmssp_negotiate(uint8_t *buf, size_t cap);

/* RDP X.224 Connection Request with RDP_NEG_REQ asking for `protocols`
 * (MS-RDPBCGR §2.2.1.1; 3 = SSL | HYBRID), 19 bytes. */
ssize_t rdp_x224_request(uint8_t *buf, size_t cap, uint32_t protocols);
/* The client's first CredSSP TSRequest (MS-CSSP §2.2.1), version 6, carrying
 * ntlmssp_negotiate(); sent inside TLS. 57 bytes. */
ssize_t rdp_credssp_negotiate(uint8_t *buf, size_t cap);

/* SNMP v2c GetRequest (RFC 3416 §4.2.1) for `n_oids` OIDs, each given as
 * `oid_len[i]` arcs in `oids[i]` (at most SNMP_OID_ARCS_MAX arcs, the first
 * two 0..2 and 0..39 per X.690 §8.19). The community is copied as is (at
 * most SNMP_COMMUNITY_MAX bytes). -EINVAL for a bad OID or too many. */
ssize_t snmp_get_request(uint8_t *buf, size_t cap, const char *community, int32_t request_id,
                         const uint32_t *const oids[], const size_t oid_len[], size_t n_oids);

/* NBNS NODE STATUS REQUEST (RFC 1002 §4.2.17) for "*", transaction `txid`. */
ssize_t nbns_node_status_request(uint8_t *buf, size_t cap, uint16_t txid);

/* SSDP M-SEARCH (UPnP Device Architecture 2.0 §1.3.2) to 239.255.255.250:1900
 * for search target `st`, waiting at most `mx` seconds (1..5), with the
 * given USER-AGENT ("OS/version UPnP/2.0 product/version"). -EINVAL when
 * mx is out of range or a string holds CR or LF. */
ssize_t ssdp_msearch_request(uint8_t *buf, size_t cap, unsigned mx, const char *st,
                             const char *user_agent);

/* An SSDP LOCATION (UDA 2.0 §1.3.3, `len` bytes, not NUL-terminated) that
 * the ssdp probe may fetch: "http://" (any case), a dotted-quad IPv4 host
 * (no name, no user info, no IPv6 literal), an optional port (1..65535,
 * default 80) and a path of printable ASCII without blanks. On success the
 * address (host order) and port, and the URL rebuilt as
 * "http://a.b.c.d:port/path" in url (NUL-terminated). 0, -EINVAL, or
 * -ENOSPC when the URL does not fit in cap. */
int ssdp_location_url(const char *loc, size_t len, uint32_t *ret_ip, uint16_t *ret_port,
                      char *url, size_t cap);

/* Caps the builders and parsers share. */
#define SMB2_NETNAME_MAX        255u    /* a DNS name or an address literal */
#define SNMP_COMMUNITY_MAX      255u
#define SNMP_OID_ARCS_MAX       128u    /* RFC 2578 §3.5: at most 128 sub-identifiers */
#define SNMP_GET_OIDS_MAX       16u
#define BER_LEN_BYTES_MAX       4u      /* long-form lengths beyond 2^32 are refused */
#define HTTP_TITLE_SCAN         16384u  /* body bytes searched for <title> */
#define UPNP_EMBEDDED_MAX       16u     /* embedded devices' deviceType kept */

#endif
