// Package loadfile is the files finprod load writes: summary.json
// (finprod.load.summary/v1), timeline.json (finprod.load.timeline/v1) and
// latency.hdr, as Go types with their readers and writers. `finprod load`
// writes through it and the reports read through it, so the two cannot
// drift apart while the reports still build on nothing of load's. Every
// field is documented in docs/load.md; a reader refuses a format version
// it does not know.
package loadfile
