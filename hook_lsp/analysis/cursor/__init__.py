"""Where the cursor is, for completion and hover: pure, and tolerant of half-typed templates.

Completion runs on text that is being typed, so the YAML tree is often broken or missing the
line under the cursor; the cursor is located by reading lines through the template mask, and
hover prefers the hook model's exact spans. Helm reads hook annotations only at
``metadata.annotations`` of a document, so that is the only place that
gets hook keys and values. Who owns what:

- `lines`: the key of a masked line, the key path above it, the cursor's document bounds.
- `flow`: the flow-map scanner (``annotations: {...}``).
- `values`: the hook list token or weight under the cursor (completion and hover share it).
- `contexts`: completion contexts (`completion_context`).
- `targets`: hover targets (`hover_target`).
"""

from __future__ import annotations

from .contexts import Context, KeyContext, ScaffoldContext, completion_context
from .lines import ANNOTATIONS_PATH, KeyLine, parse_key_line
from .targets import KeyTarget, KindTarget, Target, TokenTarget, WeightTarget, hover_target
from .values import LIST_KEYS, VALUE_KEYS, ValueContext

__all__ = [
    "ANNOTATIONS_PATH",
    "LIST_KEYS",
    "VALUE_KEYS",
    "Context",
    "KeyContext",
    "KeyLine",
    "KeyTarget",
    "KindTarget",
    "ScaffoldContext",
    "Target",
    "TokenTarget",
    "ValueContext",
    "WeightTarget",
    "completion_context",
    "hover_target",
    "parse_key_line",
]
