package dialogporten

import (
	"encoding/json"
	"fmt"
	"net/url"
	"time"

	"github.com/google/uuid"
)

// The schema's custom scalars, for graphql-go: each checks its input, as
// Dialogporten's server would, and writes itself as a JSON string.

type uuidScalar string

func (uuidScalar) ImplementsGraphQLType(name string) bool { return name == "UUID" }

func (u *uuidScalar) UnmarshalGraphQL(input any) error {
	s, ok := input.(string)
	if !ok {
		return fmt.Errorf("UUID must be a string, not %T", input)
	}
	id, err := uuid.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a UUID", s)
	}
	*u = uuidScalar(id.String())
	return nil
}

func (u uuidScalar) MarshalJSON() ([]byte, error) { return json.Marshal(string(u)) }

type dateTime struct{ time.Time }

func (dateTime) ImplementsGraphQLType(name string) bool { return name == "DateTime" }

func (d *dateTime) UnmarshalGraphQL(input any) error {
	s, ok := input.(string)
	if !ok {
		return fmt.Errorf("DateTime must be a string, not %T", input)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("%q is not an RFC 3339 date and time", s)
	}
	d.Time = t
	return nil
}

func (d dateTime) MarshalJSON() ([]byte, error) {
	return json.Marshal(d.UTC().Format(time.RFC3339Nano))
}

type urlScalar string

func (urlScalar) ImplementsGraphQLType(name string) bool { return name == "URL" }

func (u *urlScalar) UnmarshalGraphQL(input any) error {
	s, ok := input.(string)
	if !ok {
		return fmt.Errorf("URL must be a string, not %T", input)
	}
	if _, err := url.Parse(s); err != nil {
		return fmt.Errorf("%q is not a URL", s)
	}
	*u = urlScalar(s)
	return nil
}

func (u urlScalar) MarshalJSON() ([]byte, error) { return json.Marshal(string(u)) }
