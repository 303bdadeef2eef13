"""Labels and headings that frame hover and completion text (no facts of their own).

Kept as data next to the facts so that no prose lives in the analysis or protocol modules.
"""

from __future__ import annotations

EVENT_TITLE = "**`{name}`**: hook event"
ALIAS_TITLE = "**`{name}`**: alias of `{target}`"
REMOVED_TITLE = "**`{name}`**: removed hook event"
UNKNOWN_EVENT_TITLE = "**`{name}`**: unknown hook event"
RUNS = "When"
EXISTS = "What exists"
FAILURE = "If it fails"
INTERRUPTED = "If helm is killed"

DELETE_POLICY_TITLE = "**`{name}`**: delete policy"
UNKNOWN_DELETE_POLICY_TITLE = "**`{name}`**: unknown delete policy"
OUTPUT_LOG_POLICY_TITLE = "**`{name}`**: output-log policy"
UNKNOWN_OUTPUT_LOG_POLICY_TITLE = "**`{name}`**: unknown output-log policy"

KEY_TITLE = "**`{key}`**"
WEIGHT_TITLE = "**Hook weight `{value}`**"
WEIGHT_EMPTY_TITLE = "**Hook weight** (empty)"
KIND_TITLE = "**`{kind}` hook**: what Helm waits for"
#: Heads the list of reasons (`knowledge.reruns`) shown on a line of a hook's script.
SCRIPT_RERUN_TITLE = "**Why this hook's script runs again**"

DOCS_LINK = "[Helm docs: Chart Hooks]({url})"
#: The paragraph of links to the guide sections a hover's sentences come from.
GUIDE_LINKS = "hook-lsp guide: {links}"
GUIDE_LINK = "[{title}]({url})"
LINK_SEPARATOR = " · "
#: Tooltip of a hook's place in its events (inlay hint).
ORDER_TOOLTIP = "Where Helm runs this hook: weight, then name, then kind ([the order hooks run in]({url}))"
TESTS_LINK = "[Helm docs: Chart Tests]({url})"

#: Label of an annotation-block scaffold; `{label}` is the scaffold's label.
ANNOTATIONS_LABEL = "hook annotations: {label}"
