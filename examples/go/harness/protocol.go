// Package harness serves Go's net package over the sockspec harness
// protocol, version 1 (docs/harness-protocol.md): one JSON request per line
// on stdin, one JSON response per line on stdout, answered in order.
package harness

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"syscall"
)

const (
	protocolVersion = 1
	maxLine         = 16 * 1024 * 1024
)

// Harness is one session: the sockets handed out, by handle.
type Harness struct {
	sockets map[int]*pySocket
	handles map[*pySocket]int
}

// request is a request line, decoded with UseNumber: values are still
// JSON's (json.Number, map[string]any for a tagged value).
type request struct {
	ID       *json.Number   `json:"id"`
	Op       string         `json:"op"`
	Protocol *int           `json:"protocol"`
	Fn       string         `json:"fn"`
	Args     []any          `json:"args"`
	Kwargs   map[string]any `json:"kwargs"`
	Handle   *int           `json:"handle"`
}

type success struct {
	ID     int64 `json:"id"`
	OK     bool  `json:"ok"`
	Result any   `json:"result"`
}

type failure struct {
	ID    *int64   `json:"id"`
	OK    bool     `json:"ok"`
	Error *pyError `json:"error"`
}

// Serve answers requests from in on out until stop or the end of input,
// and returns the exit status.
func Serve(in io.Reader, out io.Writer) int {
	h := &Harness{sockets: map[int]*pySocket{}, handles: map[*pySocket]int{}}
	defer h.closeAll()
	reader := bufio.NewReaderSize(in, 64*1024)
	writer := bufio.NewWriter(out)
	for {
		line, tooLong, err := readLine(reader)
		if err != nil {
			return 0
		}
		var response any
		stop := false
		if tooLong {
			response = failure{Error: badRequest("line longer than %d bytes", maxLine)}
		} else {
			response, stop = h.answer(line)
		}
		if write(writer, response) != nil || stop {
			return 0
		}
	}
}

// readLine reads one line without its newline; a line over maxLine is
// skipped to its end and reported as tooLong.
func readLine(r *bufio.Reader) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := r.ReadSlice('\n')
		if len(line)+len(chunk) > maxLine+1 {
			tooLong, line = true, nil
		}
		if !tooLong {
			line = append(line, chunk...)
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == nil, len(line) > 0 || tooLong:
			// A last line may come without its newline.
			return bytes.TrimSuffix(line, []byte("\n")), tooLong, nil
		default:
			return nil, false, err
		}
	}
}

// write sends one response line; one longer than a line may be becomes a
// HarnessError, since the gap is the protocol's, not the socket API's.
func write(w *bufio.Writer, response any) error {
	var line bytes.Buffer
	encoder := json.NewEncoder(&line)
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(response); err != nil {
		return err
	}
	if line.Len() > maxLine+1 {
		id := responseID(response)
		return write(w, failure{ID: id, Error: newError("HarnessError", "the result is longer than a line may be")})
	}
	if _, err := w.Write(line.Bytes()); err != nil {
		return err
	}
	return w.Flush()
}

func responseID(response any) *int64 {
	if r, ok := response.(success); ok {
		return &r.ID
	}
	return response.(failure).ID
}

// answer is the response to one line, and whether the session ends.
func (h *Harness) answer(line []byte) (any, bool) {
	var req request
	decoder := json.NewDecoder(bytes.NewReader(line))
	decoder.UseNumber()
	err := decoder.Decode(&req)
	if err == nil {
		if _, end := decoder.Token(); end != io.EOF {
			err = errors.New("text after the request object")
		}
	}
	if err != nil {
		return failure{Error: badRequest("not a request (%v): %.120s", err, line)}, false
	}
	if req.ID == nil {
		return failure{Error: badRequest("a request needs an integer 'id'")}, false
	}
	id, err := req.ID.Int64()
	if err != nil {
		return failure{Error: badRequest("a request needs an integer 'id', got %s", *req.ID)}, false
	}
	result, err := h.serve(&req)
	if err != nil {
		var pe *pyError
		if !errors.As(err, &pe) {
			pe = translate(err, false)
		}
		return failure{ID: &id, Error: pe}, false
	}
	return success{ID: id, OK: true, Result: result}, req.Op == "stop"
}

// serve carries out one request and returns its encoded result.
func (h *Harness) serve(req *request) (any, error) {
	switch req.Op {
	case "start":
		if req.Protocol == nil || *req.Protocol != protocolVersion {
			return nil, badRequest("this harness speaks protocol %d", protocolVersion)
		}
		return h.metadata(), nil
	case "stop":
		h.closeAll()
		return nil, nil
	case "call":
		return h.call(req)
	}
	return nil, badRequest("unknown op %q; known: call, start, stop", req.Op)
}

func (h *Harness) call(req *request) (any, error) {
	args, err := h.decodeList(req.Args)
	if err != nil {
		return nil, err
	}
	c := &call{fn: req.Fn, args: args, kwargs: map[string]any{}}
	for name, raw := range req.Kwargs {
		if c.kwargs[name], err = h.decodeValue(raw); err != nil {
			return nil, err
		}
	}
	result, err := h.dispatch(req, c)
	if err != nil {
		return nil, err
	}
	return h.encodeValue(result)
}

// dispatch calls the method of a socket (with a handle) or a module function.
func (h *Harness) dispatch(req *request, c *call) (any, error) {
	if req.Handle == nil {
		f, ok := functions[req.Fn]
		if !ok {
			return nil, unsupported("Go's net package offers no function %q", req.Fn)
		}
		return f(h, c)
	}
	sock, err := h.socketOf(*req.Handle)
	if err != nil {
		return nil, err
	}
	m, ok := methods[req.Fn]
	if !ok {
		return nil, unsupported("Go's net package offers no socket method %q", req.Fn)
	}
	return m(sock, c)
}

func (h *Harness) socketOf(handle int) (*pySocket, error) {
	if s, ok := h.sockets[handle]; ok {
		return s, nil
	}
	return nil, badRequest("no socket has handle %d", handle)
}

func (h *Harness) handleOf(s *pySocket) int {
	if id, ok := h.handles[s]; ok {
		return id
	}
	id := len(h.sockets) + 1
	h.sockets[id], h.handles[s] = s, id
	return id
}

func (h *Harness) closeAll() {
	for _, s := range h.sockets {
		s.closeNow()
	}
}

func (h *Harness) metadata() map[string]any {
	var capabilities []string
	for name := range functions {
		capabilities = append(capabilities, name)
	}
	for name := range methods {
		capabilities = append(capabilities, "socket."+name)
	}
	sort.Strings(capabilities)
	return map[string]any{
		"name":         "go",
		"version":      runtime.Version(),
		"language":     "go",
		"runtime":      fmt.Sprintf("%s %s/%s", runtime.Version(), runtime.GOOS, runtime.GOARCH),
		"protocol":     protocolVersion,
		"capabilities": capabilities,
		"constants":    constants(),
		"pid":          os.Getpid(),
	}
}

// constants are this platform's values, from Go's syscall package.
func constants() map[string]any {
	return map[string]any{
		"AF_INET":      syscall.AF_INET,
		"AF_INET6":     syscall.AF_INET6,
		"SOCK_STREAM":  syscall.SOCK_STREAM,
		"SOCK_DGRAM":   syscall.SOCK_DGRAM,
		"IPPROTO_TCP":  syscall.IPPROTO_TCP,
		"IPPROTO_UDP":  syscall.IPPROTO_UDP,
		"SOL_SOCKET":   syscall.SOL_SOCKET,
		"SO_REUSEADDR": syscall.SO_REUSEADDR,
		"SO_RCVBUF":    syscall.SO_RCVBUF,
		"SO_SNDBUF":    syscall.SO_SNDBUF,
		"TCP_NODELAY":  syscall.TCP_NODELAY,
		"SHUT_RD":      syscall.SHUT_RD,
		"SHUT_WR":      syscall.SHUT_WR,
		"SHUT_RDWR":    syscall.SHUT_RDWR,
		"has_ipv6":     true,
	}
}
