package k8s

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

func arg(args []string, flag string) (string, bool) {
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, flag+"="); ok {
			return v, true
		}
	}
	return "", false
}

func TestTheManifestsDecodeStrictlyAndAgree(t *testing.T) {
	m, err := Load()
	require.NoError(t, err)
	j := m.Job
	require.NotNil(t, j.Spec.CompletionMode)
	assert.Equal(t, batchv1.IndexedCompletion, *j.Spec.CompletionMode)
	require.NotNil(t, j.Spec.Completions)
	require.NotNil(t, j.Spec.Parallelism)
	n := *j.Spec.Completions
	assert.Equal(t, n, *j.Spec.Parallelism, "every shard runs at once, or the rate is not the run's")
	require.NotNil(t, j.Spec.BackoffLimit)
	assert.Zero(t, *j.Spec.BackoffLimit, "a shard must never run twice: it would send its leveranser again")
	assert.Equal(t, corev1.RestartPolicyNever, j.Spec.Template.Spec.RestartPolicy)

	require.Len(t, j.Spec.Template.Spec.Containers, 1)
	c := j.Spec.Template.Spec.Containers[0]
	assert.Equal(t, "load", c.Args[0])
	shard, ok := arg(c.Args, "--shard")
	require.True(t, ok)
	assert.Equal(t, "auto/"+itoa(n), shard, "--shard auto/n must name the Job's completions")
	_, ok = arg(c.Args, "--seed")
	assert.True(t, ok, "the shards must share a seed")
	out, ok := arg(c.Args, "--out")
	require.True(t, ok)
	assert.Contains(t, out, "$(SHARD_INDEX)", "each shard writes its own folder")
	i := slices.IndexFunc(c.Env, func(e corev1.EnvVar) bool { return e.Name == "SHARD_INDEX" })
	require.GreaterOrEqual(t, i, 0)
	require.NotNil(t, c.Env[i].ValueFrom)
	assert.Equal(t, "metadata.annotations['batch.kubernetes.io/job-completion-index']", c.Env[i].ValueFrom.FieldRef.FieldPath)

	volumes := map[string]corev1.Volume{}
	for _, v := range j.Spec.Template.Spec.Volumes {
		volumes[v.Name] = v
	}
	for _, vm := range c.VolumeMounts {
		assert.Contains(t, volumes, vm.Name, "mount %s has a volume", vm.Name)
	}
	require.NotNil(t, volumes["results"].PersistentVolumeClaim)
	assert.Equal(t, m.Results.Name, volumes["results"].PersistentVolumeClaim.ClaimName)
	assert.True(t, strings.HasPrefix(out, mountPath(c, "results")), "the outputs land on the shared volume")
	target, _ := arg(c.Args, "--target")
	assert.True(t, strings.HasPrefix(target, mountPath(c, "profile")), "the profile comes from the secret")
	assert.Contains(t, m.Results.Spec.AccessModes, corev1.ReadWriteMany, "all shards write at once")

	col := m.Collector.Spec
	require.Len(t, col.Volumes, 1)
	assert.Equal(t, m.Results.Name, col.Volumes[0].PersistentVolumeClaim.ClaimName, "the collector reads the same volume")
}

func mountPath(c corev1.Container, volume string) string {
	for _, vm := range c.VolumeMounts {
		if vm.Name == volume {
			return vm.MountPath
		}
	}
	return "\x00"
}

func itoa(n int32) string { return strconv.Itoa(int(n)) }

func TestATypoFailsTheStrictDecode(t *testing.T) {
	for _, typo := range [][2]string{
		{"completionMode: Indexed", "completionMod: Indexed"},
		{"restartPolicy: Never", "restartpolicy: Never"},
		{"mountPath: /results", "mountpath: /results"},
		{"claimName: finprod-load-results", "claim: finprod-load-results"},
		{"completions: 4", "completions: four"},
	} {
		bad := bytes.Replace(loadJob, []byte(typo[0]), []byte(typo[1]), 1)
		require.NotEqual(t, loadJob, bad, typo[0])
		_, err := Decode(bad, "load-job.yaml")
		assert.Error(t, err, "%s → %s", typo[0], typo[1])
	}
	_, err := Decode([]byte("apiVersion: apps/v1\nkind: Deployment\n"), "x.yaml")
	assert.ErrorContains(t, err, "unexpected apps/v1 Deployment")
}
