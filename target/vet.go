package target

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/generators"
)

// HeaderVetted carries a body's vetting mark from VetLeveranse to the
// guard, which removes it: it never leaves this machine.
const HeaderVetted = "Finprod-Vetted"

// vetter signs bodies it has checked, so the guard can pass exactly those
// bytes without parsing them again. The key is the target's own, made at
// random: no other code can mark a body as checked.
type vetter struct{ key []byte }

func newVetter() (*vetter, error) {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("vetting key: %w", err)
	}
	return &vetter{key: k}, nil
}

func (v *vetter) mark(body []byte) string {
	m := hmac.New(sha256.New, v.key)
	m.Write(body)
	return base64.RawStdEncoding.EncodeToString(m.Sum(nil))
}

// marked says whether mark is this vetter's for exactly body.
func (v *vetter) marked(body []byte, mark string) bool {
	if v == nil || mark == "" {
		return false
	}
	got, err := base64.RawStdEncoding.DecodeString(mark)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, v.key)
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

// VetLeveranse checks a leveranse against the target's policy and encodes
// it as a request body. For a synthetic-only target it refuses one with
// identities that are not synthetic (ErrNotSynthetic) and returns a mark
// for the HeaderVetted header: the guard in Transport then passes exactly
// these bytes without decoding them again, which is what lets a load run
// send thousands of generated leveranser a second through it. Without a
// guard the mark is empty.
func (t *Target) VetLeveranse(l contract.Leveranse) (body []byte, mark string, err error) {
	if t.Policy.SyntheticOnly {
		if ps := generators.CheckSynthetic(l); len(ps) > 0 {
			return nil, "", notSynthetic(ps)
		}
	}
	body, err = generators.Marshal(l)
	if err != nil {
		return nil, "", err
	}
	if t.Policy.SyntheticOnly && t.vet != nil {
		mark = t.vet.mark(body)
	}
	return body, mark, nil
}
