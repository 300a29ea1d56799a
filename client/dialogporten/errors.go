package dialogporten

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinels for the payload errors a caller branches on; test with errors.Is.
var (
	// ErrDialogNotFound: no dialog with that id, or one the caller may not
	// see (Dialogporten does not tell the two apart).
	ErrDialogNotFound = errors.New("dialog not found")
	// ErrDialogForbidden: the caller may not read the dialog.
	ErrDialogForbidden = errors.New("access to dialog forbidden")
	// ErrNoSubmission: the dialog has no transmission for the forsendelse.
	ErrNoSubmission = errors.New("no transmission for this forsendelse")
)

// PayloadError is one entry of a payload's "errors" list, e.g.
// DialogByIdNotFound or SearchDialogValidationError.
type PayloadError struct {
	Operation string
	Type      string
	Message   string
}

func (e *PayloadError) Error() string {
	return fmt.Sprintf("dialogporten %s: %s: %s", e.Operation, e.Type, e.Message)
}

// Is maps Dialogporten's error types onto the sentinels.
func (e *PayloadError) Is(target error) bool {
	switch target {
	case ErrDialogNotFound:
		return e.Type == "DialogByIdNotFound" || e.Type == "DialogByIdDeleted"
	case ErrDialogForbidden:
		return strings.HasSuffix(e.Type, "Forbidden") || e.Type == "DialogByIdForbiddenAuthLevelTooLow"
	}
	return false
}

// GraphQLError is a GraphQL "errors" response, or an HTTP failure of the
// endpoint. Messages are the server's, never the request's token.
type GraphQLError struct {
	Status   int
	Messages []string
}

func (e *GraphQLError) Error() string {
	msg := strings.Join(e.Messages, "; ")
	if msg == "" {
		msg = "no error message"
	}
	return fmt.Sprintf("dialogporten GraphQL (HTTP %d): %s", e.Status, msg)
}

// Unauthorized reports whether the endpoint refused the token (HTTP 401/403).
func (e *GraphQLError) Unauthorized() bool { return e.Status == 401 || e.Status == 403 }
