// Package templates holds the files netdoctor's HTML report is rendered
// from, embedded at build time: report.html.tmpl (the page, for
// html/template), pictures.svg.tmpl (the inline SVG pictures, laid out by
// package report), losses.html.tmpl (the "Where packets died" section)
// and report.css (inlined into the page's <style>); summary.html.tmpl and
// diff.html.tmpl, the pages of `netdoctor summary` and `netdoctor diff`
// (package fleet), which share report.css.
//
// It is a package of its own because //go:embed cannot reach a parent
// folder. The files are trusted code: they hold no external reference, and
// the page they make loads nothing and runs no script.
package templates

import "embed"

// FS holds the templates and report.css.
//
//go:embed report.html.tmpl pictures.svg.tmpl report.css losses.html.tmpl summary.html.tmpl diff.html.tmpl
var FS embed.FS
