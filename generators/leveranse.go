package generators

import (
	"fmt"
	"strconv"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/ident"
)

// Config says what to generate. The zero value of every field but Seed has
// a sensible default; the same Config always gives the same data.
type Config struct {
	Seed uint64
	// Inntektsaar of every leveranse; default 2025.
	Inntektsaar int
	// Oppgavegiver is the reporting organisation's organisasjonsnummer;
	// default a synthetic one derived from Seed.
	Oppgavegiver string
	// Oppgaver per leveranse; default 1. Leveranse k holds oppgaver
	// k·Oppgaver … (k+1)·Oppgaver−1.
	Oppgaver int
	// MaxFinansprodukter per konto (1..10); default 3.
	MaxFinansprodukter int
	// Defects to build into every body (see Defects); default none.
	Defects []string
	// Kildesystem names the sending system; default "finprod generate".
	Kildesystem string
}

// Generator produces oppgaver and leveranser for one Config. It is
// immutable and safe for concurrent use.
type Generator struct {
	cfg     Config
	defects []defect
	// What every leveranse's header shares, made once.
	referansePrefix, epost string
}

// New checks cfg, fills in defaults and returns a Generator.
func New(cfg Config) (*Generator, error) {
	if cfg.Inntektsaar == 0 {
		cfg.Inntektsaar = 2025
	}
	if cfg.Inntektsaar < 1000 || cfg.Inntektsaar > 9998 {
		return nil, fmt.Errorf("inntektsaar %d is outside 1000–9998", cfg.Inntektsaar)
	}
	if cfg.Oppgaver == 0 {
		cfg.Oppgaver = 1
	}
	if cfg.Oppgaver < 0 {
		return nil, fmt.Errorf("oppgaver per leveranse must be at least 1, got %d", cfg.Oppgaver)
	}
	if cfg.MaxFinansprodukter == 0 {
		cfg.MaxFinansprodukter = 3
	}
	if cfg.MaxFinansprodukter < 1 || cfg.MaxFinansprodukter > maxProdukter {
		return nil, fmt.Errorf("max finansprodukter per konto must be 1–%d, got %d", maxProdukter, cfg.MaxFinansprodukter)
	}
	if cfg.Kildesystem == "" {
		cfg.Kildesystem = "finprod generate"
	}
	if cfg.Oppgavegiver == "" {
		cfg.Oppgavegiver = NewOrganisasjonsnummer(newDraw(cfg.Seed, streamDefault, 0).Rand)
	} else if err := ident.ValidateOrganisasjonsnummer(cfg.Oppgavegiver); err != nil {
		return nil, fmt.Errorf("oppgavegiver: %w", err)
	}
	ds, err := lookupDefects(cfg.Defects)
	if err != nil {
		return nil, err
	}
	cfg.Defects = append([]string(nil), cfg.Defects...)
	return &Generator{cfg: cfg, defects: ds,
		referansePrefix: fmt.Sprintf("finprod-%016x-", cfg.Seed),
		epost:           "kontakt." + cfg.Oppgavegiver + "@finprod.example",
	}, nil
}

// Config returns the configuration with defaults filled in.
func (g *Generator) Config() Config {
	c := g.cfg
	c.Defects = append([]string(nil), c.Defects...)
	return c
}

// Oppgave returns oppgave i (0-based, counted over the whole run), drawn
// from its own PRNG: it does not depend on any other oppgave.
func (g *Generator) Oppgave(i int64) contract.Oppgave {
	o, _ := g.oppgave(i)
	return o
}

func (g *Generator) oppgave(i int64) (contract.Oppgave, sums) {
	d := newDraw(g.cfg.Seed, streamOppgave, uint64(i))
	var s sums
	o := contract.Oppgave{Oppgaveeier: newOppgaveeier(d)}
	n := 1 + d.IntN(g.cfg.MaxFinansprodukter)
	o.Konto.Finansprodukt = make([]contract.Finansprodukt, n)
	for j := range o.Konto.Finansprodukt {
		o.Konto.Finansprodukt[j] = newFinansprodukt(d, velgProdukttype(d), &s)
	}
	o.Konto.Kontonummer, o.Konto.Kontonummertype = newKonto(d, o.Konto.Finansprodukt)
	return o, s
}

func newKonto(d draw, produkter []contract.Finansprodukt) (nummer, typ string) {
	switch n := d.IntN(20); {
	case n < 3 && len(produkter) == 1 && produkter[0].ISIN != "":
		// A fund or share held directly is reported on its ISIN, as in
		// the service page's example.
		return produkter[0].ISIN, contract.KontonummertypeISIN
	case n < 7:
		return ident.IBAN(NewKontonummer(d.Rand)), contract.KontonummertypeIBAN
	case n == 7:
		return "DEPOT-" + strconv.FormatInt(1_000_000_000+d.Int64N(9_000_000_000), 10), contract.KontonummertypeAnnet
	}
	return NewKontonummer(d.Rand), contract.KontonummertypeKontonummer
}

func newOppgaveeier(d draw) contract.Oppgaveeier {
	var e contract.Oppgaveeier
	switch n := d.IntN(100); {
	case n < 78:
		fnr, born := NewFoedselsnummer(d.Rand, FoedselsnummerOptions{})
		fornavn, etternavn := NewNavn(d.Rand)
		e.Person = &contract.Person{Foedselsnummer: fnr, Fornavn: fornavn, Etternavn: etternavn, Foedselsdato: formatDate(born)}
		if d.IntN(10) != 0 {
			e.Adresse = norskAdresse(d)
		}
	case n < 84:
		// Foreign residents get a D-nummer, a foreign address and their
		// home country's TIN.
		l := pick(d.Rand, utland())
		dnr, born := NewFoedselsnummer(d.Rand, FoedselsnummerOptions{DNummer: true})
		f := d.fake()
		fornavn, etternavn := f.FirstName(), f.LastName()
		e.Person = &contract.Person{Foedselsnummer: dnr, Fornavn: fornavn, Etternavn: etternavn, Foedselsdato: formatDate(born)}
		e.InternasjonalIdentifikator = &contract.InternasjonalIdentifikator{
			Identifikator: newTIN(d, l.tin), Identifikatortype: "TIN", UtstedtAvLand: l.kode,
		}
		e.Adresse = utenlandskAdresse(d, l)
	default:
		e.Organisasjon = &contract.Organisasjon{Organisasjonsnummer: NewOrganisasjonsnummer(d.Rand), Navn: NewSelskapsnavn(d.Rand)}
		e.Adresse = norskAdresse(d)
	}
	if d.IntN(10) == 0 {
		e.AlternativIdentifikator = "KUNDE-" + strconv.Itoa(10_000_000+d.IntN(90_000_000))
	}
	return e
}

// header returns leveranse k without oppgaver and with a zero summary.
func (g *Generator) header(k int64) contract.Leveranse {
	d := newDraw(g.cfg.Seed, streamLeveranse, uint64(k))
	fornavn, etternavn := NewNavn(d.Rand)
	tlf := "+47 " + strconv.Itoa(40_000_000+d.IntN(10_000_000))
	return contract.Leveranse{
		Kildesystem: g.cfg.Kildesystem,
		Oppgavegiver: contract.Oppgavegiver{
			Organisasjonsnummer: g.cfg.Oppgavegiver,
			Kontaktinformasjon: &contract.Kontaktinformasjon{
				Navn:                 fornavn + " " + etternavn,
				Telefonnummer:        tlf,
				VarselEpostadresse:   g.epost,
				VarselSmsMobilnummer: tlf,
			},
		},
		Inntektsaar: g.cfg.Inntektsaar,
		// Unique per (seed, k), so load runs with different seeds never
		// collide on a reference.
		OppgavegiversLeveranseReferanse: g.referansePrefix + strconv.FormatInt(k, 10),
		Leveransetype:                   contract.LeveransetypeOrdinaer,
	}
}

// Leveranse returns leveranse k as it is before any defect: its header,
// oppgaver k·Oppgaver … (k+1)·Oppgaver−1 and their exact oppgaveoppsummering.
// It needs no other leveranse to be generated first.
func (g *Generator) Leveranse(k int64) contract.Leveranse {
	l := g.header(k)
	n := int64(g.cfg.Oppgaver)
	l.Oppgave = make([]contract.Oppgave, n)
	var total sums
	for j := range n {
		o, s := g.oppgave(k*n + j)
		l.Oppgave[j] = o
		total.add(s)
	}
	l.Oppgaveoppsummering = total.oppsummering(int(n))
	return l
}

// Body returns leveranse k as the request body, with the Config's defects
// built in. Without defects it is byte-identical to
// json.Marshal(contract.Innsending{Leveranse: g.Leveranse(k)}).
func (g *Generator) Body(k int64) []byte {
	l := g.Leveranse(k)
	return encodeLeveranse(make([]byte, 0, sizeHeaderAndTail+sizePerOppgave*len(l.Oppgave)), l, g.defects)
}

func (s sums) oppsummering(antall int) contract.Oppgaveoppsummering {
	return contract.Oppgaveoppsummering{
		AntallOppgaver:                 antall,
		SumFormuesverdi:                itoa(s[iFormuesverdi]),
		SumSkattepliktigUtbytte:        itoa(s[iSkattepliktigUtbytte]),
		SumRenteinntekt:                itoa(s[iRenteinntekt]),
		SumAnnenInntektEllerUtbetaling: itoa(s[iAnnenInntekt]),
		SumGevinst:                     itoa(s[iGevinst]),
		SumTap:                         itoa(s[iTap]),
		SumAnvendtSkjerming:            itoa(s[iAnvendtSkjerming]),
		SumUtdeltUtbytte:               itoa(s[iUtdeltUtbytte]),
		SumSalgsvederlag:               itoa(s[iSalgsvederlag]),
	}
}
