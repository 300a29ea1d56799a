package contract

import "testing"

// BenchmarkValidateInnsending is the schema's share of a mock submission.
func BenchmarkValidateInnsending(b *testing.B) {
	c := Default()
	body := Eksempel()
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		doc, err := DecodeJSON(body)
		if err != nil {
			b.Fatal(err)
		}
		if vs := c.ValidateInnsending(doc); len(vs) > 0 {
			b.Fatal(vs)
		}
	}
}
