package harness

import (
	"math/big"
	"net"
	"strconv"
	"syscall"
	"time"
)

// Go's net package has no socket that exists before it is used: net.Listen
// makes, binds and listens in one call, net.Dial makes and connects,
// net.ListenUDP makes and binds.  A pySocket therefore records what Python
// asks for (family, kind, local address, timeout) and makes the Go object
// at the call that Go has a counterpart for: listen, connect, or bind (UDP).
type pySocket struct {
	family  int
	kind    int
	timeout *float64 // seconds; nil is None (no deadline)
	closed  bool
	bound   string // "host:port" recorded by bind, for a TCP socket

	listener *net.TCPListener
	conn     *net.TCPConn
	packet   *net.UDPConn
}

// method is one socket method of the socket API.
type method func(s *pySocket, c *call) (any, error)

var methods = map[string]method{
	"accept":      (*pySocket).accept,
	"bind":        (*pySocket).bind,
	"close":       (*pySocket).close,
	"connect":     (*pySocket).connect,
	"getpeername": (*pySocket).getpeername,
	"getsockname": (*pySocket).getsockname,
	"gettimeout":  (*pySocket).gettimeout,
	"listen":      (*pySocket).listen,
	"recv":        (*pySocket).recv,
	"recvfrom":    (*pySocket).recvfrom,
	"send":        (*pySocket).send,
	"sendall":     (*pySocket).sendall,
	"sendto":      (*pySocket).sendto,
	"settimeout":  (*pySocket).settimeout,
	"shutdown":    (*pySocket).shutdown,
}

func newSocket(_ *Harness, c *call) (any, error) {
	family, err := intArg(c, 0, "family", syscall.AF_INET)
	if err != nil {
		return nil, err
	}
	kind, err := intArg(c, 1, "type", syscall.SOCK_STREAM)
	if err != nil {
		return nil, err
	}
	proto, err := intArg(c, 2, "proto", 0)
	if err != nil {
		return nil, err
	}
	if c.arg(3, "fileno", nil) != nil {
		return nil, unsupported("Go's net package cannot adopt a file descriptor as a socket of this kind")
	}
	if family != syscall.AF_INET && family != syscall.AF_INET6 {
		return nil, unsupported("Go's net package names no address family %d", family)
	}
	if kind != syscall.SOCK_STREAM && kind != syscall.SOCK_DGRAM {
		return nil, unsupported("Go's net package offers TCP and UDP sockets only")
	}
	if proto != 0 {
		return nil, unsupported("Go's net package picks the protocol from the network name")
	}
	return &pySocket{family: family, kind: kind}, nil
}

func intArg(c *call, i int, name string, fallback int) (int, error) {
	v := c.arg(i, name, big.NewInt(int64(fallback)))
	n, err := integer(v)
	if err != nil {
		return 0, err
	}
	return int(n.Int64()), nil
}

// network is Go's name for the socket's family and kind, e.g. "tcp4".
func (s *pySocket) network() string {
	name := "tcp"
	if s.kind == syscall.SOCK_DGRAM {
		name = "udp"
	}
	if s.family == syscall.AF_INET6 {
		return name + "6"
	}
	return name + "4"
}

// addressArg is argument i of c, a Python address tuple, as Go's "host:port".
func (s *pySocket) addressArg(c *call, i int) (string, error) {
	arg, err := c.required(i, "address")
	if err != nil {
		return "", err
	}
	return s.hostPort(arg)
}

// hostPort is a Python address tuple as Go's "host:port".
func (s *pySocket) hostPort(v any) (string, error) {
	t, ok := v.(tuple)
	want := 2
	if s.family == syscall.AF_INET6 {
		want = 4
	}
	if !ok || len(t) < 2 || len(t) > want {
		return "", typeError("%s address must be a tuple of %d items", s.network(), want)
	}
	host, err := text(t[0], "address")
	if err != nil {
		return "", err
	}
	port, err := unsigned(t[1], 16)
	if err != nil {
		return "", newError("OverflowError", "port must be 0-65535.")
	}
	return net.JoinHostPort(host, strconv.FormatUint(port, 10)), nil
}

// address is a Go address as the Python tuple: (host, port), or
// (host, port, flowinfo, scope_id) for IPv6.
func (s *pySocket) address(addr net.Addr) any {
	var ip net.IP
	var port int
	var zone string
	switch a := addr.(type) {
	case *net.TCPAddr:
		ip, port, zone = a.IP, a.Port, a.Zone
	case *net.UDPAddr:
		ip, port, zone = a.IP, a.Port, a.Zone
	default:
		return addr.String()
	}
	if s.family == syscall.AF_INET6 {
		scope := 0
		if iface, err := net.InterfaceByName(zone); err == nil {
			scope = iface.Index
		}
		return tuple{ip.String(), port, 0, scope}
	}
	return tuple{ip.String(), port}
}

// deadline is when an operation starting now must end, from the timeout.
func (s *pySocket) deadline() time.Time {
	if s.timeout == nil {
		return time.Time{}
	}
	return time.Now().Add(time.Duration(*s.timeout * float64(time.Second)))
}

// live is the error of a call on a closed socket, as Python gives it.
func (s *pySocket) live() error {
	if s.closed {
		return osError(syscall.EBADF)
	}
	return nil
}

func (s *pySocket) bind(c *call) (any, error) {
	if err := s.live(); err != nil {
		return nil, err
	}
	addr, err := s.addressArg(c, 0)
	if err != nil {
		return nil, err
	}
	if s.kind == syscall.SOCK_STREAM {
		s.bound = addr
		return nil, nil
	}
	local, err := net.ResolveUDPAddr(s.network(), addr)
	if err != nil {
		return nil, translate(err, false)
	}
	if s.packet, err = net.ListenUDP(s.network(), local); err != nil {
		return nil, translate(err, false)
	}
	return nil, nil
}

func (s *pySocket) listen(c *call) (any, error) {
	if err := s.live(); err != nil {
		return nil, err
	}
	// Go has no backlog: it takes the system's (net.core.somaxconn).
	if _, err := intArg(c, 0, "backlog", 0); err != nil {
		return nil, err
	}
	if s.kind != syscall.SOCK_STREAM {
		return nil, osError(syscall.EOPNOTSUPP)
	}
	addr := s.bound
	if addr == "" {
		addr = ":0"
	}
	ln, err := net.Listen(s.network(), addr)
	if err != nil {
		return nil, translate(err, false)
	}
	s.listener = ln.(*net.TCPListener)
	return nil, nil
}

func (s *pySocket) getsockname(_ *call) (any, error) {
	if err := s.live(); err != nil {
		return nil, err
	}
	switch {
	case s.listener != nil:
		return s.address(s.listener.Addr()), nil
	case s.conn != nil:
		return s.address(s.conn.LocalAddr()), nil
	case s.packet != nil:
		return s.address(s.packet.LocalAddr()), nil
	}
	return nil, unsupported("a Go TCP socket exists only once it listens or connects; before that it has no address")
}

func (s *pySocket) getpeername(_ *call) (any, error) {
	if err := s.live(); err != nil {
		return nil, err
	}
	if s.conn == nil {
		return nil, osError(syscall.ENOTCONN)
	}
	return s.address(s.conn.RemoteAddr()), nil
}

func (s *pySocket) gettimeout(_ *call) (any, error) {
	if s.timeout == nil {
		return nil, nil
	}
	return pyFloat(*s.timeout), nil
}

// settimeout keeps the timeout that every later operation turns into a
// deadline (SetDeadline).  Go has no non-blocking mode, and a deadline is a
// point in time, so there is no Go call for a timeout of 0 or below.
func (s *pySocket) settimeout(c *call) (any, error) {
	arg, err := c.required(0, "value")
	if err != nil {
		return nil, err
	}
	if arg == nil {
		s.timeout = nil
		return nil, nil
	}
	t, err := seconds(arg)
	if err != nil {
		return nil, err
	}
	if !(t > 0) {
		return nil, unsupported("Go has no non-blocking mode and no timeout of %v s: its deadlines are points in time", t)
	}
	s.timeout = &t
	return nil, nil
}

func (s *pySocket) size(c *call) (int, error) {
	arg, err := c.required(0, "bufsize")
	if err != nil {
		return 0, err
	}
	n, err := integer(arg)
	if err != nil {
		return 0, err
	}
	if n.Sign() < 0 || n.BitLen() > 31 {
		return 0, newError("ValueError", "negative buffersize in recv")
	}
	return int(n.Int64()), nil
}

func (s *pySocket) close(_ *call) (any, error) {
	s.closeNow()
	return nil, nil
}

// closeNow releases whatever Go object the socket holds; closing twice is
// harmless, as in Python.
func (s *pySocket) closeNow() {
	s.closed = true
	if s.listener != nil {
		s.listener.Close()
	}
	if s.conn != nil {
		s.conn.Close()
	}
	if s.packet != nil {
		s.packet.Close()
	}
}
