package harness

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
)

// pyError is an error response: one of the protocol's error types
// (section 5), with the errno and message the kit rebuilds the exception from.
type pyError struct {
	Type    string `json:"type"`
	Errno   *int   `json:"errno,omitempty"`
	Message string `json:"message"`
	Name    string `json:"name,omitempty"`
}

func (e *pyError) Error() string { return e.Type + ": " + e.Message }

func newError(kind, format string, args ...any) *pyError {
	return &pyError{Type: kind, Message: fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...any) *pyError {
	return newError("BadRequest", format, args...)
}

func unsupported(format string, args ...any) *pyError {
	return newError("Unsupported", format, args...)
}

func typeError(format string, args ...any) *pyError {
	return newError("TypeError", format, args...)
}

// withErrno is an OSError, gaierror or herror carrying a number.
func withErrno(kind string, number int, message, name string) *pyError {
	return &pyError{Type: kind, Errno: &number, Message: message, Name: name}
}

// osError is the OSError of a system error number, worded as glibc's
// strerror: Go's own table holds the same texts, without the capital.
func osError(errno syscall.Errno) *pyError {
	text := errno.Error()
	if text != "" {
		text = strings.ToUpper(text[:1]) + text[1:]
	}
	return withErrno("OSError", int(errno), text, "")
}

// glibc's EAI_* numbers and gai_strerror texts, which CPython's gaierror carries.
var (
	eaiNoName = withErrno("gaierror", -2, "Name or service not known", "EAI_NONAME")
	eaiAgain  = withErrno("gaierror", -3, "Temporary failure in name resolution", "EAI_AGAIN")
)

// translate turns an error of Go's net package into the exception the
// Python socket API raises for the same condition.  reverse says the call
// was an address-to-name lookup, whose failures CPython raises as herror.
func translate(err error, reverse bool) *pyError {
	var pe *pyError
	var dns *net.DNSError
	var errno syscall.Errno
	var ne net.Error
	switch {
	case errors.As(err, &pe):
		return pe
	case errors.As(err, &dns):
		return translateDNS(dns, reverse)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return &pyError{Type: "TimeoutError", Message: "timed out"}
	case errors.Is(err, net.ErrClosed):
		// Go refuses I/O on a closed socket itself, before any system call.
		return osError(syscall.EBADF)
	case errors.As(err, &errno):
		return osError(errno)
	case errors.As(err, &ne) && ne.Timeout():
		return &pyError{Type: "TimeoutError", Message: "timed out"}
	}
	var addr *net.AddrError
	var parse *net.ParseError
	if errors.As(err, &addr) || errors.As(err, &parse) {
		// Go rejects the address or service itself: no errno, as CPython's
		// OSError for an unknown service has none.
		return &pyError{Type: "OSError", Message: err.Error()}
	}
	return &pyError{Type: "OtherError", Message: err.Error(), Name: fmt.Sprintf("%T", err)}
}

func translateDNS(err *net.DNSError, reverse bool) *pyError {
	switch {
	case err.IsNotFound && reverse:
		return withErrno("herror", 1, "Unknown host", "HOST_NOT_FOUND")
	case err.IsNotFound:
		return eaiNoName
	case err.IsTimeout || err.IsTemporary:
		if reverse {
			return withErrno("herror", 2, "Host name lookup failure", "TRY_AGAIN")
		}
		return eaiAgain
	}
	// Anything else Go's resolver refuses (an unrecognised address, say).
	return &pyError{Type: "OSError", Message: err.Error()}
}
