package harness

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"regexp"
)

// The Python values a request can carry, as Go values:
//
//	None -> nil, bool -> bool, str -> string, int -> *big.Int,
//	float -> pyFloat, bytes -> []byte, tuple -> tuple, list -> []any,
//	socket -> *pySocket.
type (
	pyFloat float64
	tuple   []any
)

// maxSafe is the largest integer every JSON reader holds exactly (2**53 - 1).
var maxSafe = big.NewInt(1<<53 - 1)

var decimal = regexp.MustCompile(`^-?[0-9]+$`)

// decodeValue turns one wire value (section 4 of the protocol), as
// encoding/json decoded it with UseNumber, into a Go value.  The request is
// parsed once, whole: a payload of megabytes is scanned only that once.
func (h *Harness) decodeValue(v any) (any, error) {
	switch v := v.(type) {
	case nil, bool, string:
		return v, nil
	case json.Number:
		return decodeInt(string(v), true)
	case []any:
		return h.decodeList(v)
	case map[string]any:
		return h.decodeTagged(v)
	}
	return nil, badRequest("not a protocol value: %v", v)
}

func (h *Harness) decodeList(items []any) ([]any, error) {
	out := make([]any, len(items))
	for i, item := range items {
		v, err := h.decodeValue(item)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// decodeInt reads a decimal integer; a bare one must be within 2**53 - 1.
func decodeInt(text string, bare bool) (*big.Int, error) {
	if !decimal.MatchString(text) {
		return nil, badRequest("not an integer (floats are tagged): %.40s", text)
	}
	n, _ := new(big.Int).SetString(text, 10)
	if bare && n.CmpAbs(maxSafe) > 0 {
		return nil, badRequest("a bare integer beyond 2**53 - 1 must be tagged $int: %.40s", text)
	}
	return n, nil
}

func (h *Harness) decodeTagged(obj map[string]any) (any, error) {
	if len(obj) != 1 {
		return nil, badRequest("a tagged value has exactly one key, not %d", len(obj))
	}
	var tag string
	var body any
	for tag, body = range obj {
	}
	text, isText := body.(string)
	switch tag {
	case "$bytes":
		if !isText {
			return nil, badRequest("$bytes holds no string")
		}
		b, err := base64.StdEncoding.Strict().DecodeString(text)
		return b, wrapBad(err)
	case "$tuple":
		items, ok := body.([]any)
		if !ok {
			return nil, badRequest("$tuple holds no array")
		}
		list, err := h.decodeList(items)
		return tuple(list), err
	case "$float":
		return decodeFloat(body)
	case "$int":
		if !isText {
			return nil, badRequest("$int holds no decimal string")
		}
		return decodeInt(text, false)
	case "$handle":
		n, ok := body.(json.Number)
		id, err := n.Int64()
		if !ok || err != nil {
			return nil, badRequest("$handle holds no integer")
		}
		return h.socketOf(int(id))
	}
	return nil, badRequest("unknown tag %q", tag)
}

func decodeFloat(body any) (any, error) {
	switch body {
	case "nan":
		return pyFloat(math.NaN()), nil
	case "inf":
		return pyFloat(math.Inf(1)), nil
	case "-inf":
		return pyFloat(math.Inf(-1)), nil
	}
	if n, ok := body.(json.Number); ok {
		if f, err := n.Float64(); err == nil {
			return pyFloat(f), nil
		}
	}
	return nil, badRequest("$float holds no number: %v", body)
}

// encodeValue turns a result into its wire form, ready for encoding/json.
func (h *Harness) encodeValue(v any) (any, error) {
	switch v := v.(type) {
	case nil, bool, string:
		return v, nil
	case int:
		return h.encodeValue(big.NewInt(int64(v)))
	case *big.Int:
		if v.CmpAbs(maxSafe) > 0 {
			return map[string]any{"$int": v.String()}, nil
		}
		return v.Int64(), nil
	case pyFloat:
		f := float64(v)
		switch {
		case math.IsNaN(f):
			return map[string]any{"$float": "nan"}, nil
		case math.IsInf(f, 1):
			return map[string]any{"$float": "inf"}, nil
		case math.IsInf(f, -1):
			return map[string]any{"$float": "-inf"}, nil
		}
		return map[string]any{"$float": f}, nil
	case []byte:
		return map[string]any{"$bytes": base64.StdEncoding.EncodeToString(v)}, nil
	case tuple:
		items, err := h.encodeList(v)
		return map[string]any{"$tuple": items}, err
	case []any:
		return h.encodeList(v)
	case []string:
		items := make([]any, len(v))
		for i, s := range v {
			items[i] = s
		}
		return items, nil
	case *pySocket:
		return map[string]any{"$handle": h.handleOf(v)}, nil
	}
	return nil, &pyError{Type: "HarnessError", Message: fmt.Sprintf("a %T cannot travel over the protocol", v)}
}

func (h *Harness) encodeList(list []any) ([]any, error) {
	out := make([]any, len(list))
	for i, item := range list {
		v, err := h.encodeValue(item)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// wrapBad makes a decoding failure a BadRequest.
func wrapBad(err error) error {
	if err == nil {
		return nil
	}
	return badRequest("%v", err)
}
