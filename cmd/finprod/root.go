package main

import (
	"github.com/spf13/cobra"
)

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "finprod",
		Short: "Contract and load test harness for Skatteetaten's Innrapportering finansprodukter API (RF-1301)",
		Long: `finprod tests reporting software against Skatteetaten's "Innrapportering finansprodukter"
API (form RF-1301), the API through which banks and brokers report their customers' shares,
funds, gains, losses and wealth for an income year (inntektsår).

It carries its own faithful local stand-ins for the API, Maskinporten and Dialogporten, so
everything runs on this machine without credentials or network; the same checks run against
the TT02 test environment with your own Maskinporten client and systembruker.

Start here:
  finprod run                  the main job: the example, every acceptance feature against the embedded mock, the report
  finprod test                 run the acceptance features against the local mock or TT02 (--target, --tags)
  finprod report               the HTML report and JUnit of a run folder, its history; drift between two runs
  finprod load                 open-model load with unique leveranser, honest latency, SLO gates (capacity, merge)
  finprod mock                 serve the local API, Maskinporten and Dialogporten on loopback
  finprod generate             write Tenor-synthetic leveranser, reproducible by seed, with named defects
  finprod check                check your own leveranser offline as the service does (schema, year, sums, check digits)
  finprod submit               deliver your own leveranser to the mock or TT02, never twice, and follow them to their feedback
  finprod token                get a Maskinporten token with your client and show its claims
  finprod fetch                follow a submission into Dialogporten and download its documents
  finprod dialogporten         check finprod's Dialogporten queries against a fresh schema
  finprod contract             show the contract: OpenAPI document, GLD codes, the example, validate a file

Exit codes: 0 ok, 1 checks failed, 2 bad usage or input, 3 target or credentials unreachable,
4 an SLO gate failed (finprod load), 130 interrupted.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageErr("%v (see %s --help)", err, c.CommandPath())
	})
	root.AddCommand(
		newCheckCmd("check", "finprod check", "Check leveranser offline as the service does: schema, year, sums, counts, check digits"),
		newSubmitCmd(),
		newContractCmd(),
		newGenerateCmd(),
		newTokenCmd(),
		newMockCmd(),
		newRunCmd(),
		newDialogportenCmd(),
		newFetchCmd(),
		newTestCmd(),
		newReportCmd(),
		newLoadCmd(),
	)
	groupsRefuseUnknown(root)
	return root
}

// groupsRefuseUnknown makes a command that only groups others (contract,
// dialogporten) show its help when called alone, and refuse anything else
// as a usage error: cobra otherwise shows the help for a mistyped
// subcommand too, and exits 0.
func groupsRefuseUnknown(c *cobra.Command) {
	for _, sub := range c.Commands() {
		groupsRefuseUnknown(sub)
	}
	if c.HasParent() && c.HasSubCommands() && c.Run == nil && c.RunE == nil {
		c.Args = cobra.NoArgs
		c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	}
}
