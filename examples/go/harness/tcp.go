package harness

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"
)

// The methods that only a TCP socket has a Go counterpart for: a listener
// (*net.TCPListener) or a connection (*net.TCPConn).

func (s *pySocket) accept(_ *call) (any, error) {
	if err := s.live(); err != nil {
		return nil, err
	}
	if s.listener == nil {
		return nil, osError(syscall.EINVAL)
	}
	if err := s.listener.SetDeadline(s.deadline()); err != nil {
		return nil, translate(err, false)
	}
	conn, err := s.listener.AcceptTCP()
	if err != nil {
		return nil, translate(err, false)
	}
	accepted := &pySocket{family: s.family, kind: s.kind, conn: conn}
	return tuple{accepted, accepted.address(conn.RemoteAddr())}, nil
}

func (s *pySocket) connect(c *call) (any, error) {
	if err := s.live(); err != nil {
		return nil, err
	}
	addr, err := s.addressArg(c, 0)
	if err != nil {
		return nil, err
	}
	if s.kind != syscall.SOCK_STREAM {
		return nil, unsupported("connect on a UDP socket: Go connects one only as it makes it (net.DialUDP)")
	}
	dialer := net.Dialer{Deadline: s.deadline()}
	if s.bound != "" {
		if dialer.LocalAddr, err = net.ResolveTCPAddr(s.network(), s.bound); err != nil {
			return nil, translate(err, false)
		}
	}
	conn, err := dialer.DialContext(context.Background(), s.network(), addr)
	if err != nil {
		return nil, translate(err, false)
	}
	s.conn = conn.(*net.TCPConn)
	return nil, nil
}

func (s *pySocket) recv(c *call) (any, error) {
	if err := s.live(); err != nil {
		return nil, err
	}
	n, err := s.size(c)
	if err != nil {
		return nil, err
	}
	if s.conn == nil {
		return nil, unsupported("recv on a socket that is not a connected TCP socket")
	}
	buf := make([]byte, n)
	if err := s.conn.SetReadDeadline(s.deadline()); err != nil {
		return nil, translate(err, false)
	}
	got, err := s.conn.Read(buf)
	if got == 0 && err != nil && !errors.Is(err, io.EOF) {
		return nil, translate(err, false)
	}
	return buf[:got], nil
}

// send is Write: Go's Write returns only once it has written everything
// or failed, so it never sends part of the data as Python's send may.
func (s *pySocket) send(c *call) (any, error) {
	n, err := s.write(c)
	if err != nil {
		return nil, err
	}
	return n, nil
}

func (s *pySocket) sendall(c *call) (any, error) {
	_, err := s.write(c)
	return nil, err
}

func (s *pySocket) write(c *call) (int, error) {
	if err := s.live(); err != nil {
		return 0, err
	}
	data, err := dataArg(c)
	if err != nil {
		return 0, err
	}
	if s.conn == nil {
		return 0, unsupported("send on a socket that is not a connected TCP socket")
	}
	if err := s.conn.SetWriteDeadline(s.deadline()); err != nil {
		return 0, translate(err, false)
	}
	n, err := s.conn.Write(data)
	if err != nil {
		return 0, translate(err, false)
	}
	return n, nil
}

func dataArg(c *call) ([]byte, error) {
	arg, err := c.required(0, "data")
	if err != nil {
		return nil, err
	}
	data, ok := arg.([]byte)
	if !ok {
		return nil, typeError("a bytes-like object is required, not '%s'", typeName(arg))
	}
	return data, nil
}

// shutdown is CloseRead or CloseWrite; Go has no call that shuts both
// directions at once (Close also releases the socket).
func (s *pySocket) shutdown(c *call) (any, error) {
	if err := s.live(); err != nil {
		return nil, err
	}
	how, err := intArg(c, 0, "how", -1)
	if err != nil {
		return nil, err
	}
	if s.conn == nil {
		return nil, osError(syscall.ENOTCONN)
	}
	switch how {
	case syscall.SHUT_RD:
		err = s.conn.CloseRead()
	case syscall.SHUT_WR:
		err = s.conn.CloseWrite()
	case syscall.SHUT_RDWR:
		return nil, unsupported("Go's TCPConn shuts one direction at a time (CloseRead, CloseWrite)")
	default:
		return nil, osError(syscall.EINVAL)
	}
	if err != nil {
		return nil, translate(err, false)
	}
	return nil, nil
}
