package steps

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/finprod/finprod/target"
)

func TestEffectiveTags(t *testing.T) {
	local := &target.Target{Controls: fakeControls{}}
	remote := &target.Target{}
	assert.Equal(t, "", EffectiveTags(local, ""))
	assert.Equal(t, "@auth", EffectiveTags(local, "@auth"))
	assert.Equal(t, "@tt02", EffectiveTags(remote, ""))
	assert.Equal(t, "@tt02 && @auth,@tt02 && @idempotens && ~@A-PATH", EffectiveTags(remote, "@auth, @idempotens && ~@A-PATH"))
}

type fakeControls struct{ target.Controls }
