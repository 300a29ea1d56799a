// Package access decides which systembruker organisations may report for which
// oppgavegivere, as Altinn's access packages would. The reporting API asks it
// before accepting a leveranse (GLD_1015); the Dialogporten stand-in uses the
// same rules for its party filter, so both agree on who sees what.
package access

import (
	"errors"
	"fmt"
	"slices"
	"sync/atomic"

	"github.com/finprod/finprod/contract"
)

// Tilgangspakke names one of the access packages the API accepts (FACTS §3),
// without the "urn:altinn:accesspackage:" prefix.
type Tilgangspakke string

// The access packages that give the right to report.
const (
	RegnskapsforerMedSigneringsrettighet Tilgangspakke = "regnskapsforer-med-signeringsrettighet"
	AnsvarligRevisor                     Tilgangspakke = "ansvarlig-revisor"
	Skattegrunnlag                       Tilgangspakke = "skattegrunnlag"
)

// Tilgangspakker returns the access packages that give the right to report.
func Tilgangspakker() []Tilgangspakke {
	return []Tilgangspakke{RegnskapsforerMedSigneringsrettighet, AnsvarligRevisor, Skattegrunnlag}
}

// Any, as an oppgavegiver, lets a systembruker report for every organisation.
const Any = "*"

// Relationship lets one systembruker organisation report for some oppgavegivere
// through one access package.
type Relationship struct {
	Systembruker  string        `json:"systembruker" yaml:"systembruker"`
	Tilgangspakke Tilgangspakke `json:"tilgangspakke" yaml:"tilgangspakke"`
	// Oppgavegivere are organisasjonsnumre, or "*" for any.
	Oppgavegivere []string `json:"oppgavegivere" yaml:"oppgavegivere"`
}

// Config is the set of relationships. An organisation may always report for
// itself; that needs no entry.
type Config struct {
	Relationships []Relationship `json:"relationships" yaml:"relationships"`
}

// Validate reports every problem of the configuration in one error.
func (c Config) Validate() error {
	var errs []error
	for i, r := range c.Relationships {
		where := fmt.Sprintf("relationships[%d]", i)
		if !contract.IsOrgnrShape(r.Systembruker) {
			errs = append(errs, fmt.Errorf("%s.systembruker %q is not a 9-digit organisasjonsnummer", where, r.Systembruker))
		}
		if !slices.Contains(Tilgangspakker(), r.Tilgangspakke) {
			errs = append(errs, fmt.Errorf("%s.tilgangspakke %q is not one of %v", where, r.Tilgangspakke, Tilgangspakker()))
		}
		if len(r.Oppgavegivere) == 0 {
			errs = append(errs, fmt.Errorf("%s.oppgavegivere is empty (list organisasjonsnumre or \"*\")", where))
		}
		for j, o := range r.Oppgavegivere {
			if o != Any && !contract.IsOrgnrShape(o) {
				errs = append(errs, fmt.Errorf("%s.oppgavegivere[%d] %q is neither a 9-digit organisasjonsnummer nor \"*\"", where, j, o))
			}
		}
	}
	return errors.Join(errs...)
}

// index is an immutable lookup table built from a Config, swapped whole so
// that readers on the hot path never take a lock.
type index struct {
	cfg      Config
	any      map[string]bool
	explicit map[string]map[string]bool
}

func build(c Config) *index {
	ix := &index{cfg: cloneConfig(c), any: map[string]bool{}, explicit: map[string]map[string]bool{}}
	for _, r := range c.Relationships {
		for _, o := range r.Oppgavegivere {
			if o == Any {
				ix.any[r.Systembruker] = true
				continue
			}
			m := ix.explicit[r.Systembruker]
			if m == nil {
				m = map[string]bool{}
				ix.explicit[r.Systembruker] = m
			}
			m[o] = true
		}
	}
	return ix
}

func cloneConfig(c Config) Config {
	out := Config{Relationships: make([]Relationship, len(c.Relationships))}
	for i, r := range c.Relationships {
		r.Oppgavegivere = slices.Clone(r.Oppgavegivere)
		out.Relationships[i] = r
	}
	return out
}

// Rules is safe for concurrent use; Set replaces the rules atomically.
type Rules struct {
	ix atomic.Pointer[index]
}

// New validates the configuration and returns its rules.
func New(c Config) (*Rules, error) {
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("access rules: %w", err)
	}
	r := &Rules{}
	r.ix.Store(build(c))
	return r, nil
}

// MayReport reports whether the systembruker organisation may report for the
// oppgavegiver: its own organisation always, others through a relationship.
func (r *Rules) MayReport(systembruker, oppgavegiver string) bool {
	if systembruker == "" || oppgavegiver == "" {
		return false
	}
	if systembruker == oppgavegiver {
		return true
	}
	ix := r.ix.Load()
	return ix.any[systembruker] || ix.explicit[systembruker][oppgavegiver]
}

// Set replaces the rules; on error the old rules stay.
func (r *Rules) Set(c Config) error {
	if err := c.Validate(); err != nil {
		return fmt.Errorf("access rules: %w", err)
	}
	r.ix.Store(build(c))
	return nil
}

// Config returns a copy of the current rules.
func (r *Rules) Config() Config { return cloneConfig(r.ix.Load().cfg) }
