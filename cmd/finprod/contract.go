package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/finprod/finprod/contract"
	"github.com/spf13/cobra"
)

func newContractCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "contract",
		Short: "Show the contract finprod tests against",
		Long: `Show the contract finprod tests against: the embedded OpenAPI document (with the JSON
Schema of a leveranse), the GLD error catalogue, and the documented example payload; validate
checks files against it (the same command as finprod check).`,
		Example: `  finprod contract codes
  finprod contract openapi > finprod-openapi.yaml
  finprod contract example > eksempel.json && finprod contract validate eksempel.json`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "openapi",
		Short: "Print the embedded OpenAPI document (YAML)",
		Example: `  finprod contract openapi > finprod-openapi.yaml
  finprod mock --openapi finprod-openapi.yaml   # the mock validates against a document you can edit`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := cmd.OutOrStdout().Write(contract.OpenAPI())
			return err
		},
	}, &cobra.Command{
		Use:   "codes",
		Short: "List the GLD error codes with HTTP status and Norwegian text",
		Example: `  finprod contract codes
  finprod contract codes | grep GLD_1052`,
		Args: cobra.NoArgs,
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
		Example: `  finprod contract example > eksempel.json
  finprod check eksempel.json   # its three known defects: a sum and two check digits`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := cmd.OutOrStdout().Write(contract.Eksempel())
			return err
		},
	}, newCheckCmd("validate", "finprod contract validate", "Check submission files as the service does (the same as finprod check)"))
	return cmd
}
