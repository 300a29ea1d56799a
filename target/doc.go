// Package target is everything the acceptance suite needs to reach one
// environment: base URLs of the API and Dialogporten, credentials, the
// identities to report as, and a safety policy. A local target starts the
// mock in-process on loopback; a profile target (TT02) is read from a YAML
// profile and the environment. Features and steps do not know which one they
// talk to, except through Policy.
package target
