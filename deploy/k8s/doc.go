// Package k8s holds no code: its test decodes the Kubernetes manifests of
// this directory (train-sites.yaml, an Indexed Job running labelcode
// train-site, and assemble.yaml) strictly into the Kubernetes API types and
// checks the fields labelcode relies on. It is a module of its own so that
// the library's go.mod does not require k8s.io/api. No cluster is needed.
package k8s
