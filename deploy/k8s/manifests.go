// Package k8s holds the Kubernetes manifests that run `finprod load` as
// shards of an Indexed Job, and decodes them strictly into k8s.io/api
// types, so a typo in a field name fails a test instead of a cluster run.
package k8s

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

//go:embed load-job.yaml
var loadJob []byte

//go:embed collect-pod.yaml
var collectPod []byte

// Manifests are the decoded objects.
type Manifests struct {
	Results   *corev1.PersistentVolumeClaim
	Job       *batchv1.Job
	Collector *corev1.Pod
}

// Load decodes the embedded manifests.
func Load() (*Manifests, error) {
	m := &Manifests{}
	if err := decodeInto(loadJob, "load-job.yaml", m); err != nil {
		return nil, err
	}
	if err := decodeInto(collectPod, "collect-pod.yaml", m); err != nil {
		return nil, err
	}
	if m.Results == nil || m.Job == nil || m.Collector == nil {
		return nil, fmt.Errorf("the manifests must hold a PersistentVolumeClaim, a Job and a Pod")
	}
	return m, nil
}

// Decode reads a multi-document YAML file strictly: every document's kind
// must be one of the manifests', and every field must exist in its type.
func Decode(data []byte, name string) (*Manifests, error) {
	m := &Manifests{}
	return m, decodeInto(data, name, m)
}

func decodeInto(data []byte, name string, m *Manifests) error {
	for i, doc := range bytes.Split(data, []byte("\n---")) {
		if len(bytes.TrimSpace(stripComments(doc))) == 0 {
			continue
		}
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
		}
		if err := yaml.Unmarshal(doc, &head); err != nil {
			return fmt.Errorf("%s, document %d: %w", name, i+1, err)
		}
		var into any
		switch head.APIVersion + " " + head.Kind {
		case "v1 PersistentVolumeClaim":
			m.Results = &corev1.PersistentVolumeClaim{}
			into = m.Results
		case "batch/v1 Job":
			m.Job = &batchv1.Job{}
			into = m.Job
		case "v1 Pod":
			m.Collector = &corev1.Pod{}
			into = m.Collector
		default:
			return fmt.Errorf("%s, document %d: unexpected %s %s", name, i+1, head.APIVersion, head.Kind)
		}
		if err := strict(doc, into); err != nil {
			return fmt.Errorf("%s, document %d (%s): %w", name, i+1, head.Kind, err)
		}
	}
	return nil
}

// strict decodes as the API server does (sigs.k8s.io/json): field names
// match case-sensitively, and unknown or duplicated fields are errors.
func strict(doc []byte, into any) error {
	js, err := yaml.YAMLToJSON(doc)
	if err != nil {
		return err
	}
	problems, err := kjson.UnmarshalStrict(js, into, kjson.DisallowDuplicateFields, kjson.DisallowUnknownFields)
	if err != nil {
		return err
	}
	return errors.Join(problems...)
}

func stripComments(doc []byte) []byte {
	var b bytes.Buffer
	for _, line := range strings.Split(string(doc), "\n") {
		if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
			b.WriteString(line + "\n")
		}
	}
	return b.Bytes()
}
