package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/finprod/finprod/client"
	"github.com/finprod/finprod/client/api"
	"github.com/finprod/finprod/client/dialogporten"
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/contract/dialogschema"
	"github.com/google/uuid"
	"github.com/spf13/cobra"
)

type fetchOptions struct {
	endpoint        string
	dialogID        string
	forsendelseID   string
	party           string
	serviceResource string
	out             string
	tokenFile       string
	apiTokenFile    string
	list            bool
}

func newFetchCmd() *cobra.Command {
	var o fetchOptions
	cmd := &cobra.Command{
		Use:   "fetch (--dialog ID | --forsendelse ID --party ORGNR) --dialogporten URL",
		Short: "Show a submission's transmissions in Dialogporten and download their documents",
		Long: `Find a dialog in Dialogporten, by its dialogId or by a forsendelseId and the oppgavegiver's
organisasjonsnummer, show its transmissions (type, time, title, attachments) and download every
attachment through its consumerType API URL to <out>/<dialogId>/<transmissionId>-<TYPE>/.

The token (--token-file, else $FINPROD_TOKEN) must carry the scope digdir:dialogporten; documents
are fetched from the reporting API with --api-token-file (else $FINPROD_API_TOKEN, else the same
token), which needs skatteetaten:innrapporteringfinansprodukter. Tokens are never printed.`,
		Example: `  FINPROD_TOKEN=$(cat token) finprod fetch --dialogporten http://127.0.0.1:8080/dialogporten/graphql --dialog 0193b5cd-...
  finprod fetch --dialogporten https://platform.tt02.altinn.no/dialogporten/graphql \
      --forsendelse 0193b5cd-... --party 310000000 --token-file token --list`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runFetch(cmd, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.endpoint, "dialogporten", "", "Dialogporten GraphQL URL (…/dialogporten/graphql; …/dialogporten is completed)")
	f.StringVar(&o.dialogID, "dialog", "", "dialogId from the API's receipt")
	f.StringVar(&o.forsendelseID, "forsendelse", "", "forsendelseId from the API's receipt")
	f.StringVar(&o.party, "party", "", "oppgavegiver's organisasjonsnummer (needed with --forsendelse alone)")
	f.StringVar(&o.serviceResource, "service-resource", dialogschema.ServiceResource, "service resource to search when only a forsendelse is given")
	f.StringVar(&o.out, "out", filepath.Join("out", "fetch"), "folder for downloaded documents")
	f.StringVar(&o.tokenFile, "token-file", "", "file with a Dialogporten bearer token (else $"+tokenEnv+")")
	f.StringVar(&o.apiTokenFile, "api-token-file", "", "file with a bearer token for the documents (else $FINPROD_API_TOKEN, else the Dialogporten token)")
	f.BoolVar(&o.list, "list", false, "only show the transmissions, download nothing")
	return cmd
}

func graphQLURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", usageErr("--dialogporten %q is not an http(s) URL", s)
	}
	if !strings.HasSuffix(u.Path, "/graphql") {
		u.Path = strings.TrimRight(u.Path, "/") + "/graphql"
	}
	return u.String(), nil
}

func runFetch(cmd *cobra.Command, o fetchOptions) error {
	if o.endpoint == "" {
		return usageErr("--dialogporten URL is required")
	}
	if o.dialogID == "" && (o.forsendelseID == "" || o.party == "") {
		return usageErr("give --dialog ID, or --forsendelse ID with --party ORGNR")
	}
	for _, id := range []struct{ flag, v string }{{"--dialog", o.dialogID}, {"--forsendelse", o.forsendelseID}} {
		if _, err := uuid.Parse(id.v); id.v != "" && (err != nil || len(id.v) != 36) {
			return usageErr("%s %q is not a UUID: copy the dialogId or forsendelseId from the API's receipt", id.flag, id.v)
		}
	}
	if o.party != "" && !contract.IsOrgnrShape(o.party) {
		return usageErr("--party %q is not a 9-digit organisasjonsnummer", o.party)
	}
	endpoint, err := graphQLURL(o.endpoint)
	if err != nil {
		return err
	}
	token, err := readToken(o.tokenFile, true)
	if err != nil {
		return err
	}
	apiToken := token
	if o.apiTokenFile != "" {
		if apiToken, err = readToken(o.apiTokenFile, true); err != nil {
			return err
		}
	} else if t := strings.TrimSpace(os.Getenv("FINPROD_API_TOKEN")); t != "" {
		apiToken = t
	}

	ctx := cmd.Context()
	dp := dialogporten.New(endpoint, client.StaticToken(token), nil)
	dlg, err := dp.FindSubmission(ctx, dialogporten.Submission{DialogID: o.dialogID, ForsendelseID: o.forsendelseID,
		DialogFilter: dialogporten.DialogFilter{Party: o.party, ServiceResource: o.serviceResource}})
	if err != nil {
		return dialogportenErr(err)
	}
	transmissions := dlg.Transmissions
	if o.forsendelseID != "" {
		transmissions = dlg.TransmissionsFor(o.forsendelseID)
	}

	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "dialog %s  %s  %s  %q\n", dlg.ID, dlg.Party, dlg.Status, dlg.Title.String())
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CREATED\tTYPE\tFORSENDELSE\tTITLE\tATTACHMENTS")
	for _, t := range transmissions {
		names := make([]string, 0, len(t.Attachments))
		for _, a := range t.Attachments {
			names = append(names, a.FileName())
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.CreatedAt.Format(time.RFC3339), t.Type, t.ExternalReference, t.Title.String(), strings.Join(names, ", "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if o.list {
		return nil
	}

	dir := dialogporten.DownloadDir(o.out, dlg)
	docs := &api.Client{Tokens: client.StaticToken(apiToken)}
	written, err := dialogporten.Download(ctx, docs, dir, transmissions, func(s dialogporten.Saved) {
		if s.Path == "" {
			fmt.Fprintf(w, "skipped %s: no API URL the token may follow\n", s.Name)
			return
		}
		fmt.Fprintf(w, "wrote %s (%d bytes)\n", s.Path, s.Bytes)
	})
	if err != nil {
		return downloadErr(err)
	}
	fmt.Fprintf(w, "%d document(s) in %s\n", written, dir)
	return nil
}

// dialogportenErr sorts a client error into finprod's exit codes.
func dialogportenErr(err error) error {
	var ge *dialogporten.GraphQLError
	var ne net.Error
	var ue *url.Error
	switch {
	case errors.As(err, &ge) && ge.Unauthorized():
		return unreachableErr("Dialogporten refused the token: %v", err)
	case errors.As(err, &ge) && ge.Status != http.StatusOK:
		return unreachableErr("Dialogporten did not answer as a GraphQL endpoint: %v", err)
	case errors.As(err, &ne), errors.As(err, &ue):
		return unreachableErr("Dialogporten is unreachable: %v", err)
	}
	// Not found, forbidden, no such forsendelse: the check itself failed.
	return failedErr("%v", err)
}

// downloadErr sorts an error of the downloads into finprod's exit codes: a
// file that cannot be written fails the run; a refused token or an API out
// of reach is a target problem.
func downloadErr(err error) error {
	var we *dialogporten.WriteError
	var se *api.StatusError
	var ne net.Error
	var ue *url.Error
	switch {
	case errors.As(err, &we):
		return failedErr("%v", err)
	case errors.As(err, &se) && (se.Status == http.StatusUnauthorized || se.Status == http.StatusForbidden):
		return unreachableErr("the API refused the token: %v", err)
	case errors.As(err, &ne), errors.As(err, &ue):
		return unreachableErr("%v", err)
	}
	return failedErr("%v", err)
}
