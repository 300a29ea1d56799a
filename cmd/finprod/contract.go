package main

import (
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/finprod/finprod/contract"
	"github.com/spf13/cobra"
)

func newContractCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "contract",
		Short: "Show the contract finprod tests against",
		Long: `Show the contract finprod tests against: the embedded OpenAPI document (with the JSON
Schema of a leveranse), the GLD error catalogue, and the documented example payload.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "openapi",
		Short: "Print the embedded OpenAPI document (YAML)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := cmd.OutOrStdout().Write(contract.OpenAPI())
			return err
		},
	}, &cobra.Command{
		Use:   "codes",
		Short: "List the GLD error codes with HTTP status and Norwegian text",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "KODE\tSTATUS\tUNDER\tFEILOMRÅDE")
			for _, e := range contract.Catalogue() {
				fmt.Fprintf(w, "%s\t%d\t%s\t%s\n", e.Kode, e.Status, e.Hovedkode, e.Omraade)
			}
			return w.Flush()
		},
	}, &cobra.Command{
		Use:   "example",
		Short: "Print the service page's example submission",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := cmd.OutOrStdout().Write(contract.Eksempel())
			return err
		},
	}, &cobra.Command{
		Use:   "validate FILE",
		Short: "Validate a submission file against the contract's schema",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			body, err := os.ReadFile(args[0])
			if err != nil {
				return usageErr("cannot read %s: %v", args[0], err)
			}
			doc, err := contract.DecodeJSON(body)
			if err != nil {
				return failedErr("%s is not valid JSON (GLD_008): %v", args[0], err)
			}
			vs := contract.Default().ValidateInnsending(doc)
			for _, v := range vs {
				fmt.Fprintf(cmd.OutOrStdout(), "%s: %s (given %q)\n", v.Sti, v.Melding, v.AngittVerdi)
			}
			if len(vs) > 0 {
				return failedErr("%s has %d schema violation(s) (GLD_010)", args[0], len(vs))
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s is valid against %s\n", args[0], contract.Default().Source())
			return nil
		},
	})
	return cmd
}
