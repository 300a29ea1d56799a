package dialogschema

// The values finprod relies on in Dialogporten's schema and around it, which
// the client and the mock must spell alike.

// ServiceResource is the Dialogporten service resource of the reporting
// API's dialogs (ASSUMPTION A-DP-RESSURS).
const ServiceResource = "urn:altinn:resource:skatteetaten-innrapportering-finansprodukter"

// Transmission types finprod follows, as Dialogporten spells them: the
// submission, and Skatteetaten's feedback on it.
const (
	TransmissionSubmission = "SUBMISSION"
	TransmissionAcceptance = "ACCEPTANCE"
	TransmissionRejection  = "REJECTION"
)

// Scope is the Maskinporten scope Dialogporten accepts a systembruker token
// with.
const Scope = "digdir:dialogporten"

// PartyOrgPrefix precedes an organisasjonsnummer in an Altinn party URN, as
// Dialogporten names a dialog's party.
const PartyOrgPrefix = "urn:altinn:organization:identifier-no:"

// PartyURN names an organisation as a Dialogporten party.
func PartyURN(orgnr string) string { return PartyOrgPrefix + orgnr }
