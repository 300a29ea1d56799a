package reports

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/finprod/finprod/internal/exchange"
)

// The Cucumber JSON that godog writes (its "cucumber" formatter): the
// de-facto format of cucumber-jvm's JSON reporter, which many CI plug-ins
// read. Only the members the reports use are named.
type cukeFeature struct {
	URI         string        `json:"uri"`
	ID          string        `json:"id"`
	Name        string        `json:"name"`
	Description string        `json:"description"`
	Line        int           `json:"line"`
	Tags        []cukeTag     `json:"tags"`
	Elements    []cukeElement `json:"elements"`
}

type cukeTag struct {
	Name string `json:"name"`
}

type cukeElement struct {
	ID      string     `json:"id"`
	Keyword string     `json:"keyword"`
	Name    string     `json:"name"`
	Line    int        `json:"line"`
	Type    string     `json:"type"`
	Tags    []cukeTag  `json:"tags"`
	Steps   []cukeStep `json:"steps"`
}

type cukeStep struct {
	Keyword   string `json:"keyword"`
	Name      string `json:"name"`
	Line      int    `json:"line"`
	DocString *struct {
		Value string `json:"value"`
	} `json:"doc_string"`
	Result struct {
		Status   string `json:"status"`
		Error    string `json:"error_message"`
		Duration *int64 `json:"duration"`
	} `json:"result"`
	Embeddings []struct {
		Name     string `json:"name"`
		MimeType string `json:"mime_type"`
		Data     string `json:"data"`
	} `json:"embeddings"`
}

// ParseCucumber reads Cucumber JSON into features. featuresDir, when not
// empty, is put in front of each feature's URI.
func ParseCucumber(b []byte, featuresDir string) ([]Feature, error) {
	var cf []cukeFeature
	if err := json.Unmarshal(b, &cf); err != nil {
		return nil, fmt.Errorf("not Cucumber JSON (an array of features): %v", err)
	}
	out := make([]Feature, 0, len(cf))
	for _, f := range cf {
		if f.Name == "" && f.URI == "" {
			return nil, fmt.Errorf("not Cucumber JSON: a feature without uri and name")
		}
		uri := f.URI
		if featuresDir != "" && uri != "" && !strings.HasPrefix(uri, featuresDir+"/") {
			uri = path.Join(featuresDir, uri)
		}
		ft := Feature{URI: uri, Name: f.Name, Description: strings.TrimSpace(f.Description), Line: f.Line, Tags: tagNames(f.Tags)}
		for _, e := range f.Elements {
			if e.Type == "background" {
				continue
			}
			sc, err := scenarioOf(e, ft.Tags)
			if err != nil {
				return nil, fmt.Errorf("%s: scenario %q: %v", f.URI, e.Name, err)
			}
			ft.Scenarios = append(ft.Scenarios, sc)
		}
		out = append(out, ft)
	}
	return out, nil
}

func tagNames(ts []cukeTag) []string {
	var out []string
	for _, t := range ts {
		if t.Name != "" && !slices.Contains(out, t.Name) {
			out = append(out, t.Name)
		}
	}
	return out
}

func scenarioOf(e cukeElement, featureTags []string) (Scenario, error) {
	sc := Scenario{ID: e.ID, Keyword: e.Keyword, Name: e.Name, Line: e.Line}
	sc.Tags = slices.Clone(featureTags)
	for _, t := range tagNames(e.Tags) {
		if !slices.Contains(sc.Tags, t) {
			sc.Tags = append(sc.Tags, t)
		}
	}
	for _, s := range e.Steps {
		st := Step{Keyword: s.Keyword, Text: s.Name, Line: s.Line, Status: Status(s.Result.Status), Error: exchange.Text(s.Result.Error)}
		if s.Result.Duration != nil {
			st.Duration = time.Duration(*s.Result.Duration)
		}
		if s.DocString != nil {
			st.DocString = s.DocString.Value
		}
		for _, em := range s.Embeddings {
			if em.MimeType != exchange.MediaType {
				continue
			}
			raw, err := base64.StdEncoding.DecodeString(em.Data)
			if err != nil {
				return sc, fmt.Errorf("step %q: attachment %s is not base64: %v", s.Name, em.Name, err)
			}
			xs, err := exchange.Decode(raw)
			if err != nil {
				return sc, fmt.Errorf("step %q: attachment %s is not %s: %v", s.Name, em.Name, exchange.Format, err)
			}
			st.Exchanges = append(st.Exchanges, xs...)
		}
		sc.Duration += st.Duration
		sc.Steps = append(sc.Steps, st)
	}
	sc.Status = scenarioStatus(sc.Steps)
	return sc, nil
}

// scenarioStatus: the first step that neither passed nor was skipped
// decides; a scenario whose steps were all skipped was skipped; one
// without steps did not run.
func scenarioStatus(steps []Step) Status {
	if len(steps) == 0 {
		return Skipped
	}
	skipped := false
	for _, s := range steps {
		switch s.Status {
		case Passed:
		case Skipped:
			skipped = true
		case "":
			return Undefined
		default:
			return s.Status
		}
	}
	if skipped {
		return Skipped
	}
	return Passed
}
