package exchange

import (
	"net/url"
	"regexp"
	"strings"
)

// Redacted is the placeholder that stands where a secret was.
const Redacted = "[redacted]"

var (
	// A JWT, or the start of one (a cut body may hold half of it): the
	// base64url of a JSON header always begins "eyJ".
	jwtRe = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{6,}(\.[A-Za-z0-9_-]*){0,2}`)
	pemRe = regexp.MustCompile(`-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)`)
	// JSON members and form fields whose value is a credential.
	jsonSecretRe = regexp.MustCompile(`(?i)("(?:[a-z_]*token|client_secret|[a-z_]*password|passwd|secret|private_?key|client_assertion|assertion|pin)"\s*:\s*)"(?:[^"\\]|\\.)*"`)
	// A credential's value that a cut body ends inside.
	jsonSecretCutRe = regexp.MustCompile(`(?i)("(?:[a-z_]*token|client_secret|[a-z_]*password|passwd|secret|private_?key|client_assertion|assertion|pin)"\s*:\s*)"(?:[^"\\]|\\.)*$`)
	formSecretRe    = regexp.MustCompile(`(?i)\b((?:[a-z_]*token|client_secret|[a-z_]*password|passwd|secret|client_assertion|assertion)=)[^&\s"]*`)
)

// Text takes secrets out of free text: bodies, URLs, error messages. Each
// pattern needs a word (a credential's name as the end of a JSON member's
// name or before a form field's "=", "-----BEGIN ", "eyJ") that is looked
// for first, so text without one (most headers, most bodies) is not
// scanned by the regular expressions at all. A name must be followed by
// its quote or "=": "pin" alone is in every amount of a leveranse
// (beloepINOK).
func Text(s string) string {
	if strings.Contains(s, "-----BEGIN ") {
		s = pemRe.ReplaceAllString(s, Redacted+" PEM")
	}
	if strings.Contains(s, "eyJ") {
		s = jwtRe.ReplaceAllString(s, Redacted+" JWT")
	}
	if containsFolded(s, `token"`, `secret"`, `password"`, `passwd"`, `private_key"`, `privatekey"`, `assertion"`, `pin"`) {
		s = jsonSecretRe.ReplaceAllString(s, `$1"`+Redacted+`"`)
		s = jsonSecretCutRe.ReplaceAllString(s, `$1"`+Redacted)
	}
	if containsFolded(s, "token=", "secret=", "password=", "passwd=", "assertion=") {
		s = formSecretRe.ReplaceAllString(s, "${1}"+Redacted)
	}
	return s
}

// containsFolded reports whether s holds one of words (lower-case ASCII)
// in any letter case the (?i) patterns match: Go's regexp folds K (U+212A,
// the Kelvin sign) to k and ſ (U+017F, long s) to s as well.
func containsFolded(s string, words ...string) bool {
	f := strings.Map(func(r rune) rune {
		switch {
		case 'A' <= r && r <= 'Z':
			return r + ('a' - 'A')
		case r == '\u212A':
			return 'k'
		case r == '\u017F':
			return 's'
		}
		return r
	}, s)
	for _, w := range words {
		if strings.Contains(f, w) {
			return true
		}
	}
	return false
}

// secretHeader reports whether a header's value is a credential. The
// idempotencyKey is not: it is what a tester needs to find a forsendelse.
func secretHeader(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key", "apikey":
		return true
	}
	for _, w := range []string{"token", "secret", "password", "passwd", "assertion"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// Header returns a copy of h with credential values replaced; an
// Authorization value keeps its scheme ("Bearer [redacted]"), since which
// scheme was sent is often the point of a failure.
func Header(h map[string][]string) map[string][]string {
	if len(h) == 0 {
		return nil
	}
	out := make(map[string][]string, len(h))
	for k, vs := range h {
		c := make([]string, len(vs))
		for i, v := range vs {
			switch {
			case secretHeader(k):
				c[i] = Redacted
				if scheme, _, ok := strings.Cut(v, " "); ok && (strings.EqualFold(k, "authorization") || strings.EqualFold(k, "proxy-authorization")) {
					c[i] = scheme + " " + Redacted
				}
			default:
				c[i] = Text(v)
			}
		}
		out[k] = c
	}
	return out
}

// URL drops userinfo and replaces credential query values.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return Text(raw)
	}
	u.User = nil
	if q := u.Query(); len(q) > 0 {
		changed := false
		for k, vs := range q {
			for i := range vs {
				if secretHeader(k) || strings.EqualFold(k, "code") || strings.EqualFold(k, "sig") {
					vs[i], changed = Redacted, true
				}
			}
		}
		if changed {
			u.RawQuery = q.Encode()
		}
	}
	return Text(u.String())
}

// Redacted returns the exchange with every secret taken out.
func (x Exchange) Redacted() Exchange {
	x.URL = URL(x.URL)
	x.RequestHeader = Header(x.RequestHeader)
	x.ResponseHeader = Header(x.ResponseHeader)
	x.RequestBody = Text(x.RequestBody)
	x.ResponseBody = Text(x.ResponseBody)
	x.Error = Text(x.Error)
	return x
}
