package generators

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/finprod/finprod/contract"
)

type poststed struct{ postnummer, sted string }

var norskeAdresser = sync.OnceValue(func() (t struct {
	gate     []string
	poststed []poststed
}) {
	t.gate = strings.Fields(`Storgata Kirkegata Skolegata Parkveien Strandveien Kongens_gate
		Dronningens_gate Bjørkeveien Granveien Furuveien Solbakken Fjellveien Sjøgata Torggata
		Bekkeveien Lyngveien Eikeveien Havnegata Jernbanegata Nygata Bakkeveien Skogveien Åsveien`)
	for i, g := range t.gate {
		t.gate[i] = strings.ReplaceAll(g, "_", " ")
	}
	for _, p := range strings.Split(`0150 OSLO|0560 OSLO|0968 OSLO|1337 SANDVIKA|1440 DRØBAK|
		2000 LILLESTRØM|2317 HAMAR|2609 LILLEHAMMER|3015 DRAMMEN|3117 TØNSBERG|3616 KONGSBERG|
		4006 STAVANGER|4306 SANDNES|4611 KRISTIANSAND S|5003 BERGEN|5527 HAUGESUND|6002 ÅLESUND|
		6413 MOLDE|7010 TRONDHEIM|7600 LEVANGER|8006 BODØ|8514 NARVIK|9008 TROMSØ|9600 HAMMERFEST`, "|") {
		p = strings.TrimSpace(p)
		t.poststed = append(t.poststed, poststed{p[:4], p[5:]})
	}
	return t
})

func norskAdresse(d draw) *contract.Adresse {
	t := norskeAdresser()
	p := pick(d.Rand, t.poststed)
	return &contract.Adresse{
		Landkode: "NO",
		AdresseStrukturert: &contract.AdresseStrukturert{
			Adresselinje:     pick(d.Rand, t.gate) + " " + strconv.Itoa(1+d.IntN(120)),
			Postnummer:       p.postnummer,
			ByEllerStedsnavn: p.sted,
		},
	}
}

// land is a foreign country an owner may live in, with the shape of its
// taxpayer identification number and its currency.
type land struct {
	kode, valuta string
	// tin is a pattern: 9 becomes a digit, A a capital letter; other
	// characters are kept.
	tin string
}

var utland = sync.OnceValue(func() []land {
	return []land{
		{"SE", "SEK", "999999-9999"},
		{"DK", "DKK", "999999-9999"},
		{"FI", "EUR", "999999-999A"},
		{"DE", "EUR", "99999999999"},
		{"GB", "GBP", "AA999999A"},
		{"US", "USD", "999-99-9999"},
		{"NL", "EUR", "999999999"},
		{"FR", "EUR", "9999999999999"},
		{"ES", "EUR", "99999999A"},
		{"PL", "PLN", "99999999999"},
		{"CH", "CHF", "999.9999.9999.99"},
	}
})

func newTIN(d draw, pattern string) string {
	b := []byte(pattern)
	for i, c := range b {
		switch c {
		case '9':
			b[i] = byte('0' + d.IntN(10))
		case 'A':
			b[i] = byte('A' + d.IntN(26))
		}
	}
	return string(b)
}

// utenlandskAdresse uses gofakeit's (English) streets and cities: foreign
// addresses need only look like addresses, and the country code is what the
// API checks.
func utenlandskAdresse(d draw, l land) *contract.Adresse {
	a := &contract.Adresse{Landkode: l.kode}
	f := d.fake()
	if d.IntN(3) == 0 {
		a.AdresseUstrukturert = []string{f.Street(), fmt.Sprintf("%s %s", f.Zip(), f.City())}
		return a
	}
	a.AdresseStrukturert = &contract.AdresseStrukturert{
		Adresselinje:     f.Street(),
		Postnummer:       f.Zip(),
		ByEllerStedsnavn: f.City(),
	}
	return a
}
