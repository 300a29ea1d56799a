package api

import (
	"net/http"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/mock/internal/store"
)

// BenchmarkSubmitStore is what keeping the state in a file costs a valid
// submission, against the in-memory default, with every document kept (as
// `finprod mock` runs): one submission at a time, where each waits for a
// commit of its own, and many at once, where they share commits. Compare
// the ns/op of memory and file within one run; the machine's other load
// moves both.
func BenchmarkSubmitStore(b *testing.B) {
	body := contract.Eksempel()
	for _, kind := range []string{"memory", "file"} {
		for _, par := range []int{1, 32} {
			b.Run(kind+"/concurrent="+strconv.Itoa(par), func(b *testing.B) {
				st := store.New()
				if kind == "file" {
					var err error
					if st, err = store.Open(b.Context(), filepath.Join(b.TempDir(), "store.db")); err != nil {
						b.Fatal(err)
					}
					defer st.Close()
				}
				h, tok := benchHandlerWith(b, Config{}, st)
				b.ReportAllocs()
				b.SetBytes(int64(len(body)))
				b.SetParallelism(par)
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if w := postSubmission(h, tok, body); w.Code != http.StatusOK {
							b.Errorf("status %d: %s", w.Code, w.Body)
							return
						}
					}
				})
			})
		}
	}
}
