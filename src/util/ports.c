/* ports.c - the usual name of a TCP or UDP port, one table for the whole
 * program: the banner probe names the services it talks to with it, and
 * the outputs name the open ports nothing answered on; and the port in an
 * observation's text ("80"). Names follow the
 * IANA service registry where it has one ("microsoft-ds" aside: 445 is
 * called smb, as everyone says). */
#include "netinv/util.h"

#include <stddef.h>

static const struct {
        uint16_t port;
        const char *name;
} names[] = {
        { 21, "ftp" }, { 22, "ssh" }, { 23, "telnet" }, { 25, "smtp" }, { 53, "domain" },
        { 80, "http" }, { 81, "http" }, { 88, "kerberos" }, { 102, "iso-tsap" }, { 110, "pop3" },
        { 135, "msrpc" }, { 137, "netbios-ns" }, { 139, "netbios-ssn" }, { 143, "imap" },
        { 161, "snmp" }, { 389, "ldap" }, { 443, "https" }, { 445, "smb" }, { 502, "modbus" },
        { 515, "printer" }, { 548, "afp" }, { 554, "rtsp" }, { 587, "submission" },
        { 631, "ipp" }, { 636, "ldaps" }, { 993, "imaps" }, { 1883, "mqtt" }, { 1900, "ssdp" },
        { 2222, "ssh" }, { 2404, "iec-104" }, { 3306, "mysql" }, { 3389, "rdp" },
        { 5000, "upnp" }, { 5001, "https-alt" }, { 5353, "mdns" }, { 5432, "postgresql" },
        { 5900, "vnc" }, { 8000, "http-alt" }, { 8008, "http" }, { 8080, "http-alt" },
        { 8081, "http" }, { 8443, "https-alt" }, { 8888, "http" }, { 9100, "jetdirect" },
        { 20000, "dnp3" }, { 44818, "enip" }, { 47808, "bacnet" },
};

const char *port_name(uint16_t port)
{
        if (port >= 9101 && port <= 9107)       /* raw printing, like 9100 */
                return "jetdirect";
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                if (names[i].port == port)
                        return names[i].name;
        return "unknown";
}

uint16_t port_parse(const char *s, size_t n)
{
        uint32_t v = 0;
        if (!s || n == 0 || n > 5)
                return 0;
        for (size_t i = 0; i < n; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return 0;
                v = v * 10 + (uint32_t)(s[i] - '0');
        }
        return v <= 65535 ? (uint16_t)v : 0;
}
