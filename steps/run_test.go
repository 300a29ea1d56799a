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

// Only files of a format without colours bypass godog's stripping.
func TestPlainFiles(t *testing.T) {
	for format, plain := range map[string]bool{
		"progress": true, "pretty,cucumber:out/c.json": true, "progress,junit:j.xml,cucumber:c.json": true,
		"pretty:out/pretty.txt": false, "cucumber:c.json,progress:p.txt": false,
	} {
		assert.Equal(t, plain, plainFiles(format), format)
	}
}
