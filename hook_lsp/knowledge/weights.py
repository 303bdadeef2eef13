"""How Helm reads `helm.sh/hook-weight` and orders hooks, and the phrases that describe a hook's
place in that order."""

from __future__ import annotations

from .facts import Fact

ATOI = Fact(
    "Read with Go's `strconv.Atoi`: an optional sign and digits, no spaces. Anything else (empty, `1.5`, "
    "`\" 5\"`, out of range) silently counts as 0.",
    "#weights",
)
ORDER = Fact(
    "Hooks of one event run one at a time: lowest weight first, then by `metadata.name`, then by kind. "
    "Subcharts' hooks are sorted together with the parent's.",
    "#order, #running, #subcharts-and-crds",
)
ONE_WEIGHT = Fact("One weight applies to every event the hook lists.", "#parsing")
UNQUOTED = Fact(
    "Unquoted, the number passes `helm template` and `helm lint`, but the hook fails when it runs: Kubernetes "
    "only takes strings as annotation values. Quote it.",
    "#weights",
)
TEMPLATED = Fact("Set by a template action: the order is known only after rendering.", "#weights")

#: `{value}` is replaced by the weight as written.
NOT_AN_INTEGER = "`{value}` is not an integer for `Atoi`: Helm uses 0."

# Order phrases (hover on a weight). `{name}` is a hook's metadata.name, `{weight}` its weight.
# `{events}` is one event or several with the same position, e.g. "`post-install` / `post-upgrade`".
POSITION = "{ordinal} of {count} {events} hooks"
ONLY_HOOK = "the only {events} hook"
EVENTS_SEPARATOR = " / "
AFTER = "after `{name}` ({weight})"
BEFORE = "before `{name}` ({weight})"
AFTER_BY_NAME = "after `{name}` ({weight}, same weight: its name sorts first)"
BEFORE_BY_NAME = "before `{name}` ({weight}, same weight: its name sorts later)"
AFTER_BY_KIND = "after `{name}` ({weight}, same weight and name: kind order)"
BEFORE_BY_KIND = "before `{name}` ({weight}, same weight and name: kind order)"
UNKNOWN_AGAINST = "order against `{name}` ({weight}) unknown until rendered"
#: How the hover names the hook when its ``metadata.name`` is templated.
RENDERED_NAME = "name as Helm renders it: `{name}`"
RENDERED_NAME_RELEASE = "name as Helm renders it: `{name}` (for release `{release}`; set `hookLsp.releaseName`)"
UNKNOWN_NAME = "name not known before Helm runs: {why}"
UNCERTAIN = "order not certain: {why}"

# Weight completion details: where a suggested weight puts the hook.
SUGGEST_BEFORE = "before {name} ({weight})"
SUGGEST_BETWEEN = "after {after} ({after_weight}), before {before} ({before_weight})"
SUGGEST_AFTER = "after {name} ({weight})"
SUGGEST_ALONE = "default weight; no other {events} hooks in the chart"
SUGGEST_DEFAULT = "default weight"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, 21st."""
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
