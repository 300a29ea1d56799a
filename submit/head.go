package submit

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/finprod/finprod/internal/jsonstream"
	"github.com/finprod/finprod/internal/jsontree"
)

// head is what a delivery needs to know of a leveranse before it sends it.
type head struct {
	inntektsaar  int
	yearText     string
	oppgavegiver string
	referanse    string
}

// readHead walks the top of a body for its income year, oppgavegiver and
// reference, without decoding its oppgaver. A body of another shape gives
// what could be found; the API says the rest.
func readHead(body []byte) head {
	var h head
	r := jsonstream.NewReader(bytes.NewReader(body))
	var scratch []byte
	object(r, &scratch, func(key string) bool {
		if key != "leveranse" {
			return false
		}
		object(r, &scratch, func(key string) bool {
			switch key {
			case "inntektsaar", "oppgavegiversLeveranseReferanse":
				v := decode(r, &scratch)
				if key == "oppgavegiversLeveranseReferanse" {
					h.referanse, _ = v.(string)
					return true
				}
				switch y := v.(type) {
				case json.Number:
					h.yearText = y.String()
				case string:
					h.yearText = y
				}
				// A year the path can carry: four digits, as written.
				if y, err := strconv.Atoi(h.yearText); err == nil && strconv.Itoa(y) == h.yearText {
					h.inntektsaar = y
				}
				return true
			case "oppgavegiver":
				object(r, &scratch, func(key string) bool {
					if key != "organisasjonsnummer" {
						return false
					}
					h.oppgavegiver, _ = decode(r, &scratch).(string)
					return true
				})
				return true
			}
			return false
		})
		return true
	})
	return h
}

// object walks an object if one comes next, handing each key to member,
// which reads the value itself (true) or leaves it to be skipped.
func object(r *jsonstream.Reader, scratch *[]byte, member func(string) bool) {
	if c, err := r.Peek(); err != nil || c != '{' {
		*scratch, _ = r.Value((*scratch)[:0])
		return
	}
	if r.Expect('{', "an object") != nil {
		return
	}
	if empty, err := r.Empty('}'); err != nil || empty {
		return
	}
	for {
		key, kb, err := r.Key((*scratch)[:0])
		*scratch = kb
		if err != nil {
			return
		}
		if !member(key) {
			if *scratch, err = r.Value((*scratch)[:0]); err != nil {
				return
			}
		}
		if more, err := r.More('}'); err != nil || !more {
			return
		}
	}
}

func decode(r *jsonstream.Reader, scratch *[]byte) any {
	raw, err := r.Value((*scratch)[:0])
	*scratch = raw
	if err != nil {
		return nil
	}
	v, _ := jsontree.Decode(raw)
	return v
}
