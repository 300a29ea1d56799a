// Package reports turns what a run wrote into what people and CI systems
// read: one self-contained HTML file, JUnit XML, a GLD coverage matrix, the
// status of finprod's assumptions, the drift between two runs, and a
// history of runs in SQLite.
//
// It reads only files, through documented, versioned formats (see
// docs/reports.md): the Cucumber JSON godog writes (with the steps' HTTP
// exchanges attached, format finprod.exchange/v1), acceptance.json
// (finprod.acceptance/v1), run.json (finprod.run/v1) and the load
// summary. It never imports the code that ran, so a report can be rebuilt
// from an old run's folder by a newer finprod.
package reports
