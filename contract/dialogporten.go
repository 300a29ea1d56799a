package contract

// ServiceResource is the Dialogporten service resource of this API's
// dialogs (ASSUMPTION A-DP-RESSURS).
const ServiceResource = "urn:altinn:resource:skatteetaten-innrapportering-finansprodukter"

// Transmission types finprod follows, as Dialogporten spells them: the
// submission, and Skatteetaten's feedback on it.
const (
	TransmissionSubmission = "SUBMISSION"
	TransmissionAcceptance = "ACCEPTANCE"
	TransmissionRejection  = "REJECTION"
)
