package retry_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"time"

	"github.com/finprod/finprod/client/retry"
)

// A submission whose first answer is lost to a 503 is sent again with the
// same idempotencyKey and body, and the counts say what happened.
func Example() {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		fmt.Println("attempt", calls.Load(), "key", r.Header.Get("idempotencyKey"))
	}))
	defer srv.Close()

	rt := retry.New(http.DefaultTransport, retry.Policy{MaxRetries: 3, Base: time.Millisecond, Cap: 10 * time.Millisecond})
	c := &http.Client{Transport: rt}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/2025", strings.NewReader(`{"leveranse":{}}`))
	req.Header.Set("idempotencyKey", "0193b5cd-cb85-7320-9f0e-000000000001")
	resp, err := c.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = resp.Body.Close()
	st := rt.Stats()
	fmt.Println(resp.StatusCode, "first try:", st.FirstTry, "recovered:", st.Recovered, "retries:", st.Retries, "by reason:", st.Reasons)
	// Output:
	// attempt 2 key 0193b5cd-cb85-7320-9f0e-000000000001
	// 200 first try: 0 recovered: 1 retries: 1 by reason: map[503:1]
}
