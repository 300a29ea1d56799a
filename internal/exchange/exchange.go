// Package exchange records HTTP exchanges for reports, with secrets taken
// out before anything is kept. The acceptance steps attach what they record
// to each step (godog attachments, so they travel in the Cucumber JSON), and
// the reports read them back; both use the one Exchange type here, which is
// the documented format finprod.exchange/v1 (docs/reports.md).
package exchange

import (
	"encoding/json"
	"time"
)

// MediaType marks an attachment that holds a JSON array of Exchange.
const MediaType = "application/vnd.finprod.exchange+json"

// Format names the version of the attachment's shape.
const Format = "finprod.exchange/v1"

// MaxBody is how much of each body is kept; the rest is counted, not kept,
// so a near-10 MB leveranse does not end up in every report.
const MaxBody = 2048

// Exchange is one request and its answer, redacted.
type Exchange struct {
	Format string `json:"format"`
	// Method and URL of the request; the URL without userinfo, and with
	// secret-looking query values replaced.
	Method string `json:"method"`
	URL    string `json:"url"`
	// RequestHeader holds the request's headers, secrets replaced.
	RequestHeader map[string][]string `json:"requestHeader,omitempty"`
	// RequestBody is the start of the request body, RequestBytes its size.
	RequestBody  string `json:"requestBody,omitempty"`
	RequestBytes int64  `json:"requestBytes"`
	// Status is the HTTP status, 0 when no answer came (Error says why).
	Status         int                 `json:"status"`
	ResponseHeader map[string][]string `json:"responseHeader,omitempty"`
	ResponseBody   string              `json:"responseBody,omitempty"`
	ResponseBytes  int64               `json:"responseBytes"`
	Error          string              `json:"error,omitempty"`
	// Koder and Stier are the GLD codes and JSONPaths the answer carried
	// (an error body's kode and feilspesifisering, a feedback's funn),
	// read from the whole body before it was cut.
	Koder []string `json:"koder,omitempty"`
	Stier []string `json:"stier,omitempty"`
	// Started is when the request was sent; DurationMS how long it took.
	Started    time.Time `json:"started"`
	DurationMS float64   `json:"durationMs"`
}

// Encode is the attachment body for a list of exchanges.
func Encode(xs []Exchange) ([]byte, error) { return json.Marshal(xs) }

// Decode reads an attachment body written by Encode, redacting it again:
// a report must not show a secret even from a file finprod did not write.
func Decode(b []byte) ([]Exchange, error) {
	var xs []Exchange
	if err := json.Unmarshal(b, &xs); err != nil {
		return nil, err
	}
	for i := range xs {
		xs[i] = xs[i].Redacted()
	}
	return xs, nil
}
