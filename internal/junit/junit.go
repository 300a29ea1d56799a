// Package junit is JUnit XML as Jenkins, GitLab and GitHub's test reporters
// read it (the Ant/Surefire dialect; reports/junit.xsd is finprod's own
// schema of it, and the tests of its writers hold their output to it). The
// reports of a run (package reports) and of `finprod check` are written
// with it.
package junit

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Suites is the document.
type Suites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Name     string   `xml:"name,attr"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Time     string   `xml:"time,attr"`
	Stamp    string   `xml:"timestamp,attr,omitempty"`
	Suites   []Suite  `xml:"testsuite"`
}

// Suite is one testsuite.
type Suite struct {
	Name       string      `xml:"name,attr"`
	Tests      int         `xml:"tests,attr"`
	Failures   int         `xml:"failures,attr"`
	Errors     int         `xml:"errors,attr"`
	Skipped    int         `xml:"skipped,attr"`
	Time       string      `xml:"time,attr"`
	Stamp      string      `xml:"timestamp,attr,omitempty"`
	File       string      `xml:"file,attr,omitempty"`
	Properties *Properties `xml:"properties,omitempty"`
	Cases      []Case      `xml:"testcase"`
}

// Properties are a suite's or a case's name-value pairs.
type Properties struct {
	List []Property `xml:"property"`
}

// Property is one of them.
type Property struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// Case is one testcase.
type Case struct {
	Name       string      `xml:"name,attr"`
	Classname  string      `xml:"classname,attr"`
	File       string      `xml:"file,attr,omitempty"`
	Line       int         `xml:"line,attr,omitempty"`
	Time       string      `xml:"time,attr"`
	Properties *Properties `xml:"properties,omitempty"`
	Skipped    *Skipped    `xml:"skipped,omitempty"`
	Error      *Problem    `xml:"error,omitempty"`
	Failure    *Problem    `xml:"failure,omitempty"`
	SystemOut  *Text       `xml:"system-out,omitempty"`
}

// Text is character data written as CDATA, so the raw file reads like
// the console (newlines and quotes as they are).
type Text struct {
	Text string `xml:",cdata"`
}

// Skipped marks a case that did not run.
type Skipped struct {
	Message string `xml:"message,attr,omitempty"`
}

// Problem is a failure or an error: a one-line message, a type, and the
// whole story as text.
type Problem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// Seconds is a duration as JUnit's time attributes write it.
func Seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }

// Write encodes doc, with the XML header, indented, in one write.
func Write(w io.Writer, doc Suites) error {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("encode JUnit XML: %w", err)
	}
	buf.WriteString("\n")
	_, err := w.Write(buf.Bytes())
	return err
}
