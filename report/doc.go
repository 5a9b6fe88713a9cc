// Package report renders a run's summary as one self-contained HTML file,
// report.html: a header (target, profile, version, seed, date, verdict and
// counts), what to do next, charts (cases and findings per family, the
// status-code mix, latency percentiles), the per-rule matrix by family with
// each rule's provenance, every finding with its diff, request, minimal case
// and a copyable reproduction line, and what was not exercised and why.
//
// The file needs no network: styles, the little script (filters, copy
// buttons) and the charts (inline SVG drawn here) are all in it, so it works
// from file:// and can be mailed or attached to a bundle.
//
// Entry points: Write (a Summary to a file) and Render (to a writer).
package report
