package mock

import (
	"github.com/finprod/finprod/mock/internal/access"
	"github.com/finprod/finprod/mock/internal/api"
	"github.com/finprod/finprod/mock/internal/dialogporten"
	"github.com/finprod/finprod/mock/internal/maskinporten"
)

// The types a user of the mock must name to configure it, as aliases of
// its parts' own, so that the parts can stay internal.
type (
	// APIConfig is the reporting API's behaviour (Config.API).
	APIConfig = api.Config
	// Faults are injected on the API endpoints (APIConfig.Faults, SetFaults).
	Faults = api.Faults
	// Duration is a time.Duration that reads "150ms" from JSON and YAML.
	Duration = api.Duration
	// YearRange is the income years that may be reported (APIConfig.OpenYears).
	YearRange = api.YearRange

	// AccessConfig says which systembruker may report for which
	// oppgavegiver (Config.Access, SetAccess).
	AccessConfig = access.Config
	// Relationship lets one systembruker report for some oppgavegivere.
	Relationship = access.Relationship
	// Tilgangspakke is an access package that gives the right to report.
	Tilgangspakke = access.Tilgangspakke

	// MaskinportenConfig registers the local Maskinporten's clients
	// (Config.Maskinporten).
	MaskinportenConfig = maskinporten.Config
	// MaskinportenClient is one registered client (RegisterClient).
	MaskinportenClient = maskinporten.ClientConfig
	// MaskinportenKey is a public key registered on a client.
	MaskinportenKey = maskinporten.KeyConfig
	// MaskinportenCertificate is a CA or business certificate registered
	// on a client.
	MaskinportenCertificate = maskinporten.CertConfig
	// Systembruker is a systembruker approved for a client's system.
	Systembruker = maskinporten.SystembrukerConfig
	// DefaultClient is the client the mock makes when none is configured.
	DefaultClient = maskinporten.DefaultClient

	// DialogportenConfig shapes the local Dialogporten (Config.Dialogporten).
	DialogportenConfig = dialogporten.Config
)

// Values a user of the mock may need.
const (
	// Any, as an oppgavegiver of a Relationship, is every organisation.
	Any = access.Any
	// The access packages that give the right to report.
	RegnskapsforerMedSigneringsrettighet = access.RegnskapsforerMedSigneringsrettighet
	AnsvarligRevisor                     = access.AnsvarligRevisor
	Skattegrunnlag                       = access.Skattegrunnlag
	// SystembrukerRequired and SystembrukerOptional are the answers to a
	// token without a systembruker (APIConfig.Systembruker).
	SystembrukerRequired = api.SystembrukerRequired
	SystembrukerOptional = api.SystembrukerOptional
	// DefaultSystembrukerOrg is the default client's systembruker.
	DefaultSystembrukerOrg = maskinporten.DefaultSystembrukerOrg
	// DefaultFeedbackDelay is `finprod mock`'s time until the feedback.
	DefaultFeedbackDelay = dialogporten.DefaultFeedbackDelay
	// DialogportenGraphQLPath is the path of the local Dialogporten's
	// GraphQL endpoint.
	DialogportenGraphQLPath = dialogporten.GraphQLPath
)

// ParseYearRange reads FROM-TO (or one year) as `finprod mock --open-years`
// takes it.
func ParseYearRange(s string) (YearRange, error) { return api.ParseYearRange(s) }
