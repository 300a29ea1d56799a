package target

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/internal/testkit"
)

// TestMain keeps the tests on loopback: some name the test environments'
// and production's hosts, for the profile checks and the guards to judge.
// Nothing may be sent to them, and a dial to one fails here instead.
func TestMain(m *testing.M) {
	testkit.LoopbackOnly()
	os.Exit(m.Run())
}

// The test environment's hosts in tt02Profile are not called either: a
// profile target's client, cloned from the default transport, is refused
// before any name is looked up.
func TestAProfileTargetInTheseTestsCannotLeaveLoopback(t *testing.T) {
	p, err := LoadProfile(tt02Profile(t, ""))
	require.NoError(t, err)
	tg, err := FromProfile(p)
	require.NoError(t, err)
	defer tg.Close()
	_, err = tg.HTTP.Get(tg.APIURL + "/v1/2024")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "refused: tests send only to servers they start on loopback")
}
