package harness

import (
	"net"
	"syscall"
)

// The methods of a UDP socket, a *net.UDPConn made by bind or sendto.

func (s *pySocket) recvfrom(c *call) (any, error) {
	if err := s.live(); err != nil {
		return nil, err
	}
	n, err := s.size(c)
	if err != nil {
		return nil, err
	}
	if s.packet == nil {
		return nil, unsupported("recvfrom on a socket that is not a bound UDP socket")
	}
	if err := s.packet.SetReadDeadline(s.deadline()); err != nil {
		return nil, translate(err, false)
	}
	buf := make([]byte, n)
	got, from, err := s.packet.ReadFromUDP(buf)
	if err != nil {
		return nil, translate(err, false)
	}
	return tuple{buf[:got], s.address(from)}, nil
}

// sendto binds a UDP socket that has no address yet to the wildcard one,
// as the kernel does for Python's unbound socket.
func (s *pySocket) sendto(c *call) (any, error) {
	if err := s.live(); err != nil {
		return nil, err
	}
	data, err := dataArg(c)
	if err != nil {
		return nil, err
	}
	addr, err := s.addressArg(c, 1)
	if err != nil {
		return nil, err
	}
	if s.kind != syscall.SOCK_DGRAM {
		return nil, unsupported("sendto on a TCP socket")
	}
	to, err := net.ResolveUDPAddr(s.network(), addr)
	if err != nil {
		return nil, translate(err, false)
	}
	if s.packet == nil {
		if s.packet, err = net.ListenUDP(s.network(), nil); err != nil {
			return nil, translate(err, false)
		}
	}
	if err := s.packet.SetWriteDeadline(s.deadline()); err != nil {
		return nil, translate(err, false)
	}
	n, err := s.packet.WriteToUDP(data, to)
	if err != nil {
		return nil, translate(err, false)
	}
	return n, nil
}
