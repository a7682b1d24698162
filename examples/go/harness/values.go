package harness

import (
	"bytes"
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

// decodeValue turns one wire value (section 4 of the protocol) into a Go value.
func (h *Harness) decodeValue(raw json.RawMessage) (any, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, badRequest("missing value")
	}
	switch raw[0] {
	case 'n':
		return nil, nil
	case 't', 'f':
		var b bool
		err := json.Unmarshal(raw, &b)
		return b, wrapBad(err)
	case '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, wrapBad(err)
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, wrapBad(err)
		}
		return h.decodeList(items)
	case '{':
		return h.decodeTagged(raw)
	}
	if !decimal.Match(raw) {
		return nil, badRequest("a bare number must be an integer; floats are tagged: %.40s", raw)
	}
	n, _ := new(big.Int).SetString(string(raw), 10)
	if n.CmpAbs(maxSafe) > 0 {
		return nil, badRequest("a bare integer beyond 2**53 - 1 must be tagged $int: %.40s", raw)
	}
	return n, nil
}

func (h *Harness) decodeList(items []json.RawMessage) ([]any, error) {
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

func (h *Harness) decodeTagged(raw json.RawMessage) (any, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, wrapBad(err)
	}
	if len(obj) != 1 {
		return nil, badRequest("a tagged value has exactly one key: %.60s", raw)
	}
	for tag, body := range obj {
		switch tag {
		case "$bytes":
			var text string
			if err := json.Unmarshal(body, &text); err != nil {
				return nil, wrapBad(err)
			}
			b, err := base64.StdEncoding.Strict().DecodeString(text)
			return b, wrapBad(err)
		case "$tuple":
			var items []json.RawMessage
			if err := json.Unmarshal(body, &items); err != nil {
				return nil, wrapBad(err)
			}
			list, err := h.decodeList(items)
			return tuple(list), err
		case "$float":
			return decodeFloat(body)
		case "$int":
			var text string
			if err := json.Unmarshal(body, &text); err != nil || !decimal.MatchString(text) {
				return nil, badRequest("$int holds no decimal string: %.40s", body)
			}
			n, _ := new(big.Int).SetString(text, 10)
			return n, nil
		case "$handle":
			var id int
			if err := json.Unmarshal(body, &id); err != nil {
				return nil, wrapBad(err)
			}
			return h.socketOf(id)
		}
		return nil, badRequest("unknown tag %q", tag)
	}
	panic("unreachable")
}

func decodeFloat(body json.RawMessage) (any, error) {
	var word string
	if json.Unmarshal(body, &word) == nil {
		switch word {
		case "nan":
			return pyFloat(math.NaN()), nil
		case "inf":
			return pyFloat(math.Inf(1)), nil
		case "-inf":
			return pyFloat(math.Inf(-1)), nil
		}
		return nil, badRequest("$float holds no number: %.40s", body)
	}
	var f float64
	err := json.Unmarshal(body, &f)
	return pyFloat(f), wrapBad(err)
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
