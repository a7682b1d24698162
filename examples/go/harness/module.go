package harness

import (
	"context"
	"encoding/binary"
	"net"
	"os"
	"strings"
	"unsafe"
)

// function is one module-level function of the socket API.
type function func(h *Harness, c *call) (any, error)

// functions are the module functions Go has a counterpart for.  Left out,
// and so UNSUPPORTED: getservbyport, getaddrinfo, getdefaulttimeout,
// setdefaulttimeout, socketpair, create_connection, fromfd (see README.md).
var functions = map[string]function{
	"htonl":            func(_ *Harness, c *call) (any, error) { return reorder(c, 32) },
	"ntohl":            func(_ *Harness, c *call) (any, error) { return reorder(c, 32) },
	"htons":            func(_ *Harness, c *call) (any, error) { return reorder(c, 16) },
	"ntohs":            func(_ *Harness, c *call) (any, error) { return reorder(c, 16) },
	"inet_aton":        inetAton,
	"inet_ntoa":        inetNtoa,
	"gethostname":      gethostname,
	"gethostbyname":    gethostbyname,
	"gethostbyname_ex": gethostbynameEx,
	"gethostbyaddr":    gethostbyaddr,
	"getservbyname":    getservbyname,
	"socket":           newSocket,
}

// hostOrder is this machine's byte order, read from memory (Go 1.19 has no
// binary.NativeEndian).
var hostOrder binary.ByteOrder = func() binary.ByteOrder {
	one := uint16(1)
	if *(*byte)(unsafe.Pointer(&one)) == 1 {
		return binary.LittleEndian
	}
	return binary.BigEndian
}()

// reorder swaps between host and network (big-endian) order with
// encoding/binary: the value is laid out big-endian and read in host order,
// which is its own inverse, as hton and ntoh are.
func reorder(c *call, bits uint) (any, error) {
	x, err := c.required(0, "x")
	if err != nil {
		return nil, err
	}
	v, err := unsigned(x, bits)
	if err != nil {
		return nil, err
	}
	if bits == 16 {
		return int(hostOrder.Uint16(binary.BigEndian.AppendUint16(nil, uint16(v)))), nil
	}
	return int(hostOrder.Uint32(binary.BigEndian.AppendUint32(nil, uint32(v)))), nil
}

// inetAton is net.ParseIP, kept to its 4-byte form.
func inetAton(_ *Harness, c *call) (any, error) {
	arg, err := c.required(0, "ip_addr")
	if err != nil {
		return nil, err
	}
	s, err := text(arg, "inet_aton")
	if err != nil {
		return nil, err
	}
	ip := net.ParseIP(s).To4()
	if ip == nil {
		return nil, newError("OSError", "illegal IP address string passed to inet_aton")
	}
	return []byte(ip), nil
}

// inetNtoa is net.IP.String, whatever the length of the bytes.
func inetNtoa(_ *Harness, c *call) (any, error) {
	arg, err := c.required(0, "packed_ip")
	if err != nil {
		return nil, err
	}
	packed, ok := arg.([]byte)
	if !ok {
		return nil, typeError("a bytes-like object is required, not '%s'", typeName(arg))
	}
	return net.IP(packed).String(), nil
}

func gethostname(_ *Harness, c *call) (any, error) {
	if err := c.atMost(0); err != nil {
		return nil, err
	}
	name, err := os.Hostname()
	if err != nil {
		return nil, translate(err, false)
	}
	return name, nil
}

// lookupIPv4 is the resolver's IPv4 addresses of name (a literal is its own).
func lookupIPv4(name string) ([]string, error) {
	ips, err := net.DefaultResolver.LookupIP(context.Background(), "ip4", name)
	if err != nil {
		return nil, translate(err, false)
	}
	out := make([]string, len(ips))
	for i, ip := range ips {
		out[i] = ip.String()
	}
	return out, nil
}

func hostArg(c *call, name string) (string, error) {
	arg, err := c.required(0, name)
	if err != nil {
		return "", err
	}
	return text(arg, c.fn)
}

// lookedUp is the hostname argument of c and its IPv4 addresses.
func lookedUp(c *call) (string, []string, error) {
	name, err := hostArg(c, "hostname")
	if err != nil {
		return "", nil, err
	}
	addrs, err := lookupIPv4(name)
	return name, addrs, err
}

func gethostbyname(_ *Harness, c *call) (any, error) {
	_, addrs, err := lookedUp(c)
	if err != nil {
		return nil, err
	}
	return addrs[0], nil
}

// gethostbynameEx answers only for an address literal.  For a name, Go's
// resolver gives the addresses (LookupIP) or the canonical name
// (LookupCNAME) but never the aliases; the lookup still runs, so that its
// failure is reported as it happened.
func gethostbynameEx(_ *Harness, c *call) (any, error) {
	name, addrs, err := lookedUp(c)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(name); ip != nil && ip.To4() != nil {
		return tuple{name, []any{}, []any{addrs[0]}}, nil
	}
	return nil, unsupported("Go's resolver has no call that gives a name's aliases")
}

// gethostbyaddr is net.LookupAddr; Go writes a name from DNS rooted (with
// a trailing dot), which a hostent leaves out.
func gethostbyaddr(_ *Harness, c *call) (any, error) {
	addr, err := hostArg(c, "ip_address")
	if err != nil {
		return nil, err
	}
	names, err := net.DefaultResolver.LookupAddr(context.Background(), addr)
	if err != nil {
		return nil, translate(err, true)
	}
	if len(names) == 0 {
		return nil, withErrno("herror", 1, "Unknown host", "HOST_NOT_FOUND")
	}
	aliases := []any{}
	for _, name := range names[1:] {
		aliases = append(aliases, strings.TrimSuffix(name, "."))
	}
	return tuple{strings.TrimSuffix(names[0], "."), aliases, []any{addr}}, nil
}

// getservbyname is net.LookupPort; a missing protocol is Go's network "".
func getservbyname(_ *Harness, c *call) (any, error) {
	if err := c.atMost(2); err != nil {
		return nil, err
	}
	arg, err := c.required(0, "servicename")
	if err != nil {
		return nil, err
	}
	service, err := text(arg, "getservbyname")
	if err != nil {
		return nil, err
	}
	network := ""
	if proto := c.arg(1, "protocolname", nil); proto != nil {
		if network, err = text(proto, "getservbyname"); err != nil {
			return nil, err
		}
	}
	port, err := net.DefaultResolver.LookupPort(context.Background(), network, service)
	if err != nil {
		return nil, translate(err, false)
	}
	return port, nil
}
