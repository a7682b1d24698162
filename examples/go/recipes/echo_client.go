package recipes

import (
	"errors"
	"io"
	"strings"
	"unicode/utf8"
)

// readSize is the most one read asks for.
const readSize = 64 * 1024

// echoClient sends --message and waits for exactly as many bytes back.
func echoClient(args []string) int {
	opts := newOptions("echo-client")
	p := peer{timeout: 2}
	opts.Var(&p.port, "port", "server port")
	opts.StringVar(&p.host, "host", "127.0.0.1", "server host")
	message := opts.String("message", "", "text to send")
	encoding := opts.String("encoding", "utf-8", "text encoding on the wire (utf-8 only)")
	opts.Var(&p.timeout, "timeout", "seconds each socket operation may take")
	opts.require("port", "message")
	if !opts.parse(args) {
		return exitUsage
	}
	if !strings.EqualFold(*encoding, "utf-8") {
		// Go's standard library has UTF-8 only; GBK is in golang.org/x/text.
		return fail(exitUsage, "echo-client: error: --encoding %s: Go's standard library has no codec for it (utf-8 only)", *encoding)
	}
	payload := []byte(*message)
	say("Connecting to %s port %d", p.host, p.port)
	conn, err := p.dial("tcp")
	if err != nil {
		return p.failure(connecting, err)
	}
	defer conn.Close()
	say("Sending: %s", *message)
	if err := conn.SetWriteDeadline(p.deadline()); err != nil {
		return p.failure(sending, err)
	}
	if _, err := conn.Write(payload); err != nil {
		return p.failure(sending, err)
	}
	reply := make([]byte, 0, len(payload))
	for len(reply) < len(payload) {
		if err := conn.SetReadDeadline(p.deadline()); err != nil {
			return p.failure(receiving, err)
		}
		chunk := make([]byte, min(readSize, len(payload)-len(reply)))
		n, err := conn.Read(chunk)
		reply = append(reply, chunk[:n]...)
		if n == 0 && err != nil {
			if errors.Is(err, io.EOF) {
				return fail(exitReceive, "Connection closed by server after %d of %d bytes from %s", len(reply), len(payload), p)
			}
			return p.failure(receiving, err)
		}
	}
	say("Received: %s", strings.ToValidUTF8(string(reply), string(utf8.RuneError)))
	return exitOK
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}
