"""Best-effort static resolution of Go templates: helpers, values and the hook annotations they
produce. Pure Python; nothing from a chart is ever executed.

* `parse` — Go template syntax to a small tree (text, actions, blocks, defines).
* `evaluate` — renders that tree over known values; anything else is `UNKNOWN`.
* `unknown` — the value model: `UNKNOWN`, its `MARK` in text, Go's truth and printing.
* `functions` — the Sprig/Helm functions `evaluate` models; `yaml_emit` — ``toYaml`` output.
* `values` — values files and the helper libraries a chart can see; `yaml_data` — their data
  built from libyaml's nodes; `aliases` — alias bombs refused; `shared` — values shared
  read-only by every render.
* `helpers` — `HelperLibrary`, the defines a template can include, parsed on demand.
* `source_map` — `MapWriter`, from rendered text back to the template.
* `enrich` — `Resolver`, the `Chart.enrich` callback adding `ResolvedAnnotation`s to resources.
"""

from .enrich import RenderedDocument, ResolvedAnnotation, ResolvedName, Resolver

__all__ = ["RenderedDocument", "ResolvedAnnotation", "ResolvedName", "Resolver"]
