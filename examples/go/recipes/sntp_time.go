package recipes

import (
	"encoding/binary"
	"fmt"
	"strings"
	"time"
)

// Exit codes for a reply that is no valid SNTP answer (docs/programs.md).
const (
	exitShortReply     = 8
	exitWrongMode      = 9
	exitWrongOriginate = 10
	exitZeroTransmit   = 11
	exitUnsynchronised = 12
	exitKissOfDeath    = 13
)

const (
	packetSize = 48
	// ntpToUnix is the seconds from 1900-01-01 (NTP era 0) to 1970-01-01.
	ntpToUnix = 2208988800
)

// sntpTime asks an SNTP server (RFC 4330) for its time over a connected UDP
// socket and prints it as ctime does.
func sntpTime(args []string) int {
	opts := newOptions("sntp-time")
	p := peer{port: 123, timeout: 2}
	opts.StringVar(&p.host, "server", "", "time server host name or address")
	opts.Var(&p.port, "port", "server port")
	opts.Var(&p.timeout, "timeout", "seconds each socket operation may take")
	opts.require("server")
	if !opts.parse(args) {
		return exitUsage
	}
	conn, err := p.dial("udp")
	if err != nil {
		return p.failure(connecting, err)
	}
	defer conn.Close()
	sent := toNTP(time.Now())
	request := make([]byte, packetSize)
	request[0] = 0<<6 | 3<<3 | 3 // leap 0, version 3, mode 3 (client): the tutorial's 0x1b
	binary.BigEndian.PutUint64(request[40:], sent)
	if err := conn.SetWriteDeadline(p.deadline()); err != nil {
		return p.failure(sending, err)
	}
	if _, err := conn.Write(request); err != nil {
		return p.failure(sending, err)
	}
	reply := make([]byte, 1024)
	if err := conn.SetReadDeadline(p.deadline()); err != nil {
		return p.failure(receiving, err)
	}
	n, err := conn.Read(reply)
	if err != nil {
		return p.failure(receiving, err)
	}
	say("Response received from: %s", pyAddress(conn.RemoteAddr()))
	transmit, code, why := check(reply[:n], sent)
	if code != exitOK {
		return fail(code, "Invalid reply from %s: %s", p, why)
	}
	say("\tTime=%s", fromNTP(transmit).Format(time.ANSIC))
	return exitOK
}

// check judges a reply as RFC 4330 section 5 asks a client to; it returns
// the server's transmit timestamp, or an exit code and the reason.
func check(reply []byte, sent uint64) (uint64, int, string) {
	if len(reply) < packetSize {
		return 0, exitShortReply, fmt.Sprintf("reply is %d bytes, shorter than %d", len(reply), packetSize)
	}
	leap, mode, stratum := reply[0]>>6, reply[0]&7, reply[1]
	originate := binary.BigEndian.Uint64(reply[24:])
	transmit := binary.BigEndian.Uint64(reply[40:])
	switch {
	case mode != 4:
		return 0, exitWrongMode, fmt.Sprintf("reply mode is %d, expected 4 (server)", mode)
	case originate != sent:
		return 0, exitWrongOriginate, fmt.Sprintf("reply originate %#016x is not our transmit %#016x", originate, sent)
	case stratum == 0:
		// A Kiss-o'-Death: its reference identifier is the kiss code.
		return 0, exitKissOfDeath, "Kiss-o'-Death, code " + kissCode(reply[12:16])
	case leap == 3:
		return 0, exitUnsynchronised, "server clock is unsynchronised (leap indicator 3)"
	case transmit == 0:
		return 0, exitZeroTransmit, "reply transmit timestamp is zero"
	}
	return transmit, exitOK, ""
}

// kissCode is the code as text, any byte that is not printable ASCII as \xNN.
func kissCode(code []byte) string {
	var b strings.Builder
	for _, c := range []byte(strings.TrimRight(string(code), "\x00")) {
		if c >= 0x20 && c < 0x7f {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "\\x%02x", c)
		}
	}
	return b.String()
}

// toNTP is t as a 64-bit NTP timestamp: seconds since 1900 (modulo the
// 2**32 of an era) and a binary fraction.
func toNTP(t time.Time) uint64 {
	secs := uint64(t.Unix()+ntpToUnix) & 0xffffffff
	frac := uint64(t.Nanosecond()) << 32 / uint64(time.Second)
	return secs<<32 | frac
}

// fromNTP reads a timestamp by RFC 4330's rule: with the top bit of the
// seconds clear, the time is in era 1 (from 2036-02-07 on).
func fromNTP(ts uint64) time.Time {
	secs := int64(ts >> 32)
	if secs < 1<<31 {
		secs += 1 << 32
	}
	nanos := int64((ts & 0xffffffff) * uint64(time.Second) >> 32)
	return time.Unix(secs-ntpToUnix, nanos)
}
