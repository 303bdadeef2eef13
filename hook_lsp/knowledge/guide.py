"""Links into hook-lsp's own documentation: the hook guide and the rule pages.

Every fact names the guide sections it is explained in (`Fact.section`, e.g. ``"#deletion"``);
hovers link those sections, diagnostics link their rule's entry in ``docs/rules.md``
(``codeDescription.href``, SARIF ``helpUri``). The base URL is configurable
(``hookLsp.docsBaseUrl``, ``docs-base-url`` in ``.hook-lsp.toml``); `DEFAULT_DOCS_BASE_URL` is
the one default. A test checks that every section named anywhere is a heading of the guide.
"""

from __future__ import annotations

import re

#: Where ``docs/`` is published; configurable, this is the only default.
DEFAULT_DOCS_BASE_URL = "https://github.com/hook-lsp/hook-lsp/blob/main/docs/"
#: The guide, relative to ``docs/``.
GUIDE = "helm-hooks.md"
#: The rule documentation, relative to ``docs/``.
RULES = "rules.md"

#: Guide sections by anchor (GitHub's slug of the heading), with the title shown in links.
SECTIONS: dict[str, str] = {
    "versions": "Versions this guide follows",
    "parsing": "How Helm reads `helm.sh/hook`",
    "weights": "Hook weights",
    "order": "The order hooks run in",
    "running": "How one hook runs",
    "server-side-apply": "Server-side apply (Helm 4)",
    "waiting": "What Helm waits for",
    "timeout": "Timeout",
    "delete-policies": "Delete policies",
    "deletion": "When hook objects are deleted",
    "deletion-wait": "Whether Helm waits for a deletion",
    "output-logs": "Output logs",
    "failures": "What a failure leaves behind",
    "interrupted": "An interrupted helm command",
    "lifecycle": "Hook objects and the release",
    "shared-names": "Two releases in one namespace",
    "helm-test": "helm test",
    "post-renderers": "Post-renderers (Helm 4)",
    "subcharts-and-crds": "Subcharts and CRDs",
    "helm-lint": "helm lint",
    "helm-3-vs-4": "Helm 3 and Helm 4",
    "kubernetes": "What Kubernetes does, not Helm",
}

_ANCHOR = re.compile(r"#([a-z0-9-]+)")


def anchors(section: str) -> list[str]:
    """The guide anchors a citation names ("#order, #waiting; Kubernetes" -> order, waiting)."""
    return _ANCHOR.findall(section)


def base(url: str | None) -> str:
    url = (url or DEFAULT_DOCS_BASE_URL).strip()
    return url if url.endswith("/") else url + "/"


def section_url(anchor: str, base_url: str | None = None) -> str:
    if anchor not in SECTIONS:
        raise KeyError(f"no guide section #{anchor}")
    return f"{base(base_url)}{GUIDE}#{anchor}"


def rule_anchor(code: str, name: str) -> str:
    """The anchor of a rule's heading ``## HK101 unknown-hook-event`` in ``docs/rules.md``."""
    return f"{code.lower()}-{name}"


def rule_url(code: str, name: str, base_url: str | None = None) -> str:
    return f"{base(base_url)}{RULES}#{rule_anchor(code, name)}"
