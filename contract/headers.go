package contract

// Header names as the API spells them.
const (
	// HeaderIdempotencyKey carries the submission's idempotency key (a UUID).
	HeaderIdempotencyKey = "idempotencyKey"
	// HeaderKorrelasjonsid carries an answer's korrelasjonsid, so a caller
	// can quote it even when it cannot read the body.
	HeaderKorrelasjonsid = "Korrelasjonsid"
)
