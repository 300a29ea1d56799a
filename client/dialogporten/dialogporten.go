// Package dialogporten is the client of Dialogporten's end-user GraphQL
// API: it finds a submission's dialog, waits for its transmissions (the
// submission, then Skatteetaten's feedback), and hands out the attachment
// URLs meant for systems. The queries it sends are embedded from queries/.
package dialogporten

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/finprod/finprod/client"
	"github.com/finprod/finprod/contract/dialogschema"
)

// Client is a client of Dialogporten's end-user GraphQL API. Its token
// must carry the scope digdir:dialogporten.
type Client struct {
	endpoint string
	tokens   client.TokenSource
	http     *http.Client
	pageSize int
}

// New returns a client for the GraphQL endpoint, e.g.
// https://platform.tt02.altinn.no/dialogporten/graphql. hc may be nil.
func New(endpoint string, tokens client.TokenSource, hc *http.Client) *Client {
	if hc == nil {
		hc = &http.Client{Timeout: client.DefaultTimeout}
	}
	return &Client{endpoint: endpoint, tokens: tokens, http: hc, pageSize: pageSize}
}

type gqlRequest struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName,omitempty"`
	Variables     map[string]any `json:"variables,omitempty"`
}

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message string `json:"message"`
	} `json:"errors"`
}

// maxResponse caps what is read from the endpoint; a dialog is small.
const maxResponse = 16 << 20

// Do posts one query and decodes its data into out. GraphQL errors and
// non-200 answers become a *GraphQLError.
func (d *Client) Do(ctx context.Context, query, operation string, variables map[string]any, out any) error {
	body, err := json.Marshal(gqlRequest{Query: query, OperationName: operation, Variables: variables})
	if err != nil {
		return fmt.Errorf("encode %s request: %w", operation, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.endpoint, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("dialogporten %s: %w", operation, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json, application/json")
	req.Header.Set("User-Agent", client.UserAgent)
	if d.tokens != nil {
		tok, err := d.tokens.Token(ctx)
		if err != nil {
			return fmt.Errorf("dialogporten %s: token: %w", operation, err)
		}
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
	}
	resp, err := d.http.Do(req)
	if err != nil {
		return fmt.Errorf("dialogporten %s: %w", operation, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return fmt.Errorf("dialogporten %s: read response: %w", operation, err)
	}
	var gr gqlResponse
	jsonErr := json.Unmarshal(raw, &gr)
	if jsonErr != nil || resp.StatusCode != http.StatusOK || len(gr.Errors) > 0 {
		e := &GraphQLError{Status: resp.StatusCode}
		for _, m := range gr.Errors {
			e.Messages = append(e.Messages, m.Message)
		}
		if len(e.Messages) == 0 {
			e.Messages = []string{fmt.Sprintf("unexpected answer (%s): %s", resp.Header.Get("Content-Type"), snippet(raw))}
		}
		return fmt.Errorf("%s: %w", operation, e)
	}
	if out != nil {
		if err := json.Unmarshal(gr.Data, out); err != nil {
			return fmt.Errorf("dialogporten %s: decode data: %w", operation, err)
		}
	}
	return nil
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	if s == "" {
		s = "empty body"
	}
	return s
}

// wire types: the JSON shape of the queries in queries/.

type wireTexts struct {
	Value Texts `json:"value"`
}

type wireError struct {
	Typename string `json:"__typename"`
	Message  string `json:"message"`
}

type wireSummary struct {
	ID              string    `json:"id"`
	Org             string    `json:"org"`
	Party           string    `json:"party"`
	ServiceResource string    `json:"serviceResource"`
	Status          string    `json:"status"`
	CreatedAt       time.Time `json:"createdAt"`
	UpdatedAt       time.Time `json:"updatedAt"`
	Content         struct {
		Title wireTexts `json:"title"`
	} `json:"content"`
}

func (w wireSummary) summary() DialogSummary {
	return DialogSummary{
		ID: w.ID, Org: w.Org, Party: w.Party, ServiceResource: w.ServiceResource, Status: w.Status,
		CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt, Title: w.Content.Title.Value,
	}
}

type wireDialog struct {
	wireSummary
	Transmissions []struct {
		ID                    string    `json:"id"`
		Type                  string    `json:"type"`
		CreatedAt             time.Time `json:"createdAt"`
		IsAuthorized          bool      `json:"isAuthorized"`
		ExternalReference     *string   `json:"externalReference"`
		RelatedTransmissionID *string   `json:"relatedTransmissionId"`
		Sender                struct {
			ActorType *string `json:"actorType"`
			ActorName *string `json:"actorName"`
		} `json:"sender"`
		Content struct {
			Title   wireTexts  `json:"title"`
			Summary *wireTexts `json:"summary"`
		} `json:"content"`
		Attachments []struct {
			ID          string  `json:"id"`
			Name        *string `json:"name"`
			DisplayName Texts   `json:"displayName"`
			URLs        []struct {
				URL          string  `json:"url"`
				MediaType    *string `json:"mediaType"`
				ConsumerType string  `json:"consumerType"`
			} `json:"urls"`
		} `json:"attachments"`
	} `json:"transmissions"`
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (w wireDialog) dialog() Dialog {
	d := Dialog{DialogSummary: w.summary()}
	for _, wt := range w.Transmissions {
		t := Transmission{
			ID: wt.ID, Type: wt.Type, CreatedAt: wt.CreatedAt, IsAuthorized: wt.IsAuthorized,
			ExternalReference: deref(wt.ExternalReference), RelatedTransmissionID: deref(wt.RelatedTransmissionID),
			SenderType: deref(wt.Sender.ActorType), SenderName: deref(wt.Sender.ActorName),
			Title: wt.Content.Title.Value,
		}
		if wt.Content.Summary != nil {
			t.Summary = wt.Content.Summary.Value
		}
		for _, wa := range wt.Attachments {
			a := Attachment{ID: wa.ID, Name: deref(wa.Name), DisplayName: wa.DisplayName}
			for _, u := range wa.URLs {
				a.URLs = append(a.URLs, AttachmentURL{URL: u.URL, MediaType: deref(u.MediaType), ConsumerType: u.ConsumerType})
			}
			t.Attachments = append(t.Attachments, a)
		}
		d.Transmissions = append(d.Transmissions, t)
	}
	return d
}

// DialogByID fetches one dialog with its transmissions. A dialog that does
// not exist or that the token may not see gives an error matching
// ErrDialogNotFound (or ErrDialogForbidden).
func (d *Client) DialogByID(ctx context.Context, dialogID string) (Dialog, error) {
	var data struct {
		DialogByID struct {
			Dialog *wireDialog `json:"dialog"`
			Errors []wireError `json:"errors"`
		} `json:"dialogById"`
	}
	if err := d.Do(ctx, query(queryDialogByID), queryDialogByID, map[string]any{"dialogId": dialogID}, &data); err != nil {
		return Dialog{}, err
	}
	p := data.DialogByID
	if len(p.Errors) > 0 {
		return Dialog{}, payloadErrors(queryDialogByID+" "+dialogID, p.Errors)
	}
	if p.Dialog == nil {
		return Dialog{}, &PayloadError{Operation: queryDialogByID + " " + dialogID, Type: "DialogByIdNotFound", Message: "no dialog and no error in the answer"}
	}
	return p.Dialog.dialog(), nil
}

func payloadErrors(op string, list []wireError) error {
	errs := make([]error, len(list))
	for i, e := range list {
		errs[i] = &PayloadError{Operation: op, Type: e.Typename, Message: e.Message}
	}
	return errors.Join(errs...)
}

// DialogFilter narrows a search. Empty fields do not filter.
type DialogFilter struct {
	// Party is an organisasjonsnummer (made into a party URN).
	Party           string
	ServiceResource string
	CreatedAfter    time.Time
	UpdatedAfter    time.Time
	// Limit caps the number of dialogs returned over all pages; 0 means 100.
	Limit int
}

// pageSize is what one searchDialogs call asks for; defaultSearchLimit caps
// a search without a Limit.
const (
	pageSize           = 100
	defaultSearchLimit = 100
)

// SearchDialogs lists the dialogs that match, newest change first, following
// continuation tokens until Limit dialogs are found or no page is left.
func (d *Client) SearchDialogs(ctx context.Context, f DialogFilter) ([]DialogSummary, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = defaultSearchLimit
	}
	input := map[string]any{
		"orderBy": []map[string]string{{"updatedAt": "DESC"}},
	}
	if f.Party != "" {
		input["party"] = []string{dialogschema.PartyURN(f.Party)}
	}
	if f.ServiceResource != "" {
		input["serviceResource"] = []string{f.ServiceResource}
	}
	if !f.CreatedAfter.IsZero() {
		input["createdAfter"] = f.CreatedAfter.UTC().Format(time.RFC3339Nano)
	}
	if !f.UpdatedAfter.IsZero() {
		input["updatedAfter"] = f.UpdatedAfter.UTC().Format(time.RFC3339Nano)
	}
	var out []DialogSummary
	for len(out) < limit {
		input["limit"] = min(d.pageSize, limit-len(out))
		var data struct {
			SearchDialogs struct {
				Items             []wireSummary `json:"items"`
				HasNextPage       bool          `json:"hasNextPage"`
				ContinuationToken *string       `json:"continuationToken"`
				Errors            []wireError   `json:"errors"`
			} `json:"searchDialogs"`
		}
		if err := d.Do(ctx, query(querySearchDialogs), querySearchDialogs, map[string]any{"input": input}, &data); err != nil {
			return nil, err
		}
		p := data.SearchDialogs
		if len(p.Errors) > 0 {
			return nil, payloadErrors(querySearchDialogs, p.Errors)
		}
		for _, it := range p.Items {
			out = append(out, it.summary())
		}
		if !p.HasNextPage || p.ContinuationToken == nil || *p.ContinuationToken == "" || len(p.Items) == 0 {
			break
		}
		input["continuationToken"] = *p.ContinuationToken
	}
	return out, nil
}
