package generators

import (
	"math/rand/v2"
	"strings"
	"sync"
)

// Common Norwegian first and last names, written for finprod. Common names
// on their own identify nobody; combined with synthetic numbers they are
// plainly test data.
var nameTables = sync.OnceValue(func() (t struct{ female, male, last []string }) {
	t.female = strings.Fields(`Anne Inger Kari Marit Ingrid Liv Eva Berit Astrid Bjørg Hilde Anna
		Solveig Marianne Randi Ida Nina Maria Elisabeth Kristin Bente Heidi Silje Hanne Gerd Linda
		Tone Tove Elin Anita Wenche Ragnhild Camilla Ellen Karin Hege Ann Monica Turid Julie Nora
		Emma Sara Thea Ingeborg Sofie Maja Emilie Sigrid Frida Tiril Vilde Marte Guro Synnøve`)
	t.male = strings.Fields(`Jan Per Bjørn Ole Lars Kjell Knut Arne Svein Thomas Hans Geir Tor
		Morten Terje Odd Erik Martin Andreas Rune John Trond Anders Harald Tore Jon Øyvind Gunnar
		Rolf Leif Espen Stein Jørgen Kristian Einar Magnus Håkon Sindre Jonas Henrik Fredrik Nils
		Sverre Eirik Olav Halvor Kristoffer Sander Emil Jakob Aksel Tobias Mathias Vegard Ivar`)
	t.last = strings.Fields(`Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen
		Jensen Karlsen Johnsen Pettersen Eriksen Berg Haugen Hagen Johannessen Andreassen Jacobsen
		Dahl Jørgensen Halvorsen Henriksen Lund Sørensen Jakobsen Moen Gundersen Iversen Strand
		Solberg Svendsen Eide Knutsen Martinsen Paulsen Bakken Kristoffersen Mathisen Lie Amundsen
		Nguyen Rasmussen Ali Lunde Solheim Berge Moe Nygård Bakke Kristensen Fredriksen Holm Lien
		Hauge Christensen Andresen Nielsen Knudsen Evensen Sæther Aas Myhre Hanssen Ahmed Haugland
		Thomassen Sivertsen Simonsen Danielsen Berntsen Sandvik Rønning Arnesen Antonsen Næss`)
	return t
})

// NewNavn draws a Norwegian-looking first and last name.
func NewNavn(r *rand.Rand) (fornavn, etternavn string) {
	t := nameTables()
	names := t.female
	if r.IntN(2) == 0 {
		names = t.male
	}
	fornavn = pick(r, names)
	if r.IntN(8) == 0 {
		// Double first names are common in Norway.
		if second := pick(r, names); second != fornavn {
			fornavn += " " + second
		}
	}
	return fornavn, pick(r, t.last)
}

var companyWords = sync.OnceValue(func() (t struct{ stem, stemLower, trade, forvalter, region, fondstype []string }) {
	t.stem = strings.Fields(`Fjord Nord Vest Øst Sør Berg Fjell Havbris Nordlys Polar Viking Skog
		Kyst Bølge Midnattsol Stein Furu Bjørk Elv Dal Tinde Vidde Storm Isbre Hav Lyng`)
	t.trade = strings.Fields(`Invest Eiendom Holding Kapital Shipping Energi Sjømat Bygg Teknologi
		Handel Transport Kraft Data Marine Industri Forvaltning Utvikling Media Helse`)
	t.forvalter = strings.Fields(`Fjordkapital Nordvind Polarfond Kystspar Tindefond Vidde Havbruk
		Nordlys Stormkast Bjørkeli`)
	t.region = strings.Fields(`Norge Norden Global Europa USA Asia Fremvoksende Verden`)
	t.fondstype = strings.Fields(`Indeks Aksje Utbytte Bærekraft Teknologi Småselskap Verdi Vekst`)
	for _, w := range t.stem {
		t.stemLower = append(t.stemLower, strings.ToLower(w))
	}
	return t
})

// NewSelskapsnavn draws a plausible Norwegian company name, such as
// "Fjordkyst Invest AS".
func NewSelskapsnavn(r *rand.Rand) string {
	suffix := "AS"
	if r.IntN(6) == 0 {
		suffix = "ASA"
	}
	return selskapsnavn(r, suffix)
}

// selskapsnavn draws the name NewSelskapsnavn does after its suffix.
func selskapsnavn(r *rand.Rand, suffix string) string {
	t := companyWords()
	return pick(r, t.stem) + pick(r, t.stemLower) + " " + pick(r, t.trade) + " " + suffix
}

// NewFondsnavn draws a plausible fund name for the finansprodukttype, such
// as "Nordvind Global Indeks" or "Kystspar Rente Kort".
func NewFondsnavn(r *rand.Rand, finansprodukttype string) string {
	t := companyWords()
	switch finansprodukttype {
	case "rentefond":
		return pick(r, t.forvalter) + " " + pick(r, []string{"Rente", "Obligasjon", "Pengemarked", "Kreditt"}) + " " +
			pick(r, []string{"Kort", "Lang", "Norge", "Global", "Høyrente"})
	case "kombinasjonsfond":
		return pick(r, t.forvalter) + " " + pick(r, []string{"Balansert", "Kombinasjon", "Forsiktig", "Offensiv"}) + " " + pick(r, t.region)
	}
	return pick(r, t.forvalter) + " " + pick(r, t.region) + " " + pick(r, t.fondstype)
}
