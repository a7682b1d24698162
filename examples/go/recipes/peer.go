package recipes

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"syscall"
	"time"
)

// peer is the server a client recipe talks to, with the timeout each
// socket operation may take.
type peer struct {
	host    string
	port    port
	timeout seconds
}

func (p peer) String() string { return net.JoinHostPort(p.host, strconv.Itoa(int(p.port))) }

// deadline is when an operation starting now must end.
func (p peer) deadline() time.Time {
	return time.Now().Add(time.Duration(float64(p.timeout) * float64(time.Second)))
}

// The steps of a client exchange, each with its message prefix and exit code.
type step struct {
	prefix string
	code   int
}

var (
	connecting = step{"Connection error", exitConnection}
	sending    = step{"Error sending data", exitSend}
	receiving  = step{"Error receiving data", exitReceive}
)

// failure prints what went wrong in one step and returns its exit code:
// a name that did not resolve, a timeout and a refusal are told apart from
// the rest, whatever the step.
func (p peer) failure(s step, err error) int {
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns):
		return fail(exitAddress, "Address-related error connecting to server: %s: %v", p, err)
	case errors.Is(err, os.ErrDeadlineExceeded) || isTimeout(err):
		return fail(exitTimeout, "Timed out after %g s talking to %s", float64(p.timeout), p)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fail(exitConnection, "%s: %s: %v", connecting.prefix, p, err)
	}
	return fail(s.code, "%s: %s: %v", s.prefix, p, err)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// dial connects to the peer over network ("tcp" or "udp").
func (p peer) dial(network string) (net.Conn, error) {
	d := net.Dialer{Timeout: time.Duration(float64(p.timeout) * float64(time.Second))}
	return d.Dial(network, p.String())
}

// pyAddress is an address as Python prints a tuple: ('127.0.0.1', 123).
func pyAddress(addr net.Addr) string {
	host, portText, err := net.SplitHostPort(addr.String())
	if err != nil {
		return fmt.Sprintf("'%s'", addr)
	}
	if ip := net.ParseIP(host); ip != nil && ip.To4() == nil {
		return fmt.Sprintf("('%s', %s, 0, 0)", host, portText)
	}
	return fmt.Sprintf("('%s', %s)", host, portText)
}
