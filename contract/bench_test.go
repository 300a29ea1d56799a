package contract

import "testing"

// BenchmarkValidateInnsending is the schema's share of a mock submission:
// validation alone, of a body decoded once (the mock decodes with its own
// internal/jsontree, not with DecodeJSON).
func BenchmarkValidateInnsending(b *testing.B) {
	c := Default()
	body := Eksempel()
	doc, err := DecodeJSON(body)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if vs := c.ValidateInnsending(doc); len(vs) > 0 {
			b.Fatal(vs)
		}
	}
}
