"""Which Helm annotation key a misspelt or miscased key was meant to be.

Shared by the key rules (which report the spelling) and the hook model (which records the hook
the author meant, so that other rules do not report the same mistake again as something else).
"""

from __future__ import annotations

import difflib
import re

from ..knowledge import annotations as A

KEY_LIKE = re.compile(r"^\s*helm\.sh/(hook|resource-policy)", re.IGNORECASE)


def key_guess(key: str) -> str | None:
    """The Helm key that ``key`` was probably meant to be; "" for an unknown `helm.sh/hook*` key;
    None when ``key`` is a Helm key already or not hook-like at all."""
    if key in A.KNOWN_HELM_KEYS:
        return None
    folded = key.strip().lower().replace("_", "-").replace(" ", "")
    if folded in A.KNOWN_HELM_KEYS:
        return folded
    prefixed = bool(KEY_LIKE.match(key))
    if folded.startswith(A.HOOK + "-"):
        # `helm.sh/hook-<something>`: compare what follows `hook-` with the longer keys' endings.
        endings = {k[len(A.HOOK) + 1 :]: k for k in A.HOOK_ANNOTATION_KEYS if k != A.HOOK}
        match = difflib.get_close_matches(folded[len(A.HOOK) + 1 :], tuple(endings), n=1, cutoff=0.6)
        return endings[match[0]] if match else ""
    # `helm.sh/hook-<something>` is a try at one of the longer keys, not at `helm.sh/hook`.
    choices = tuple(k for k in A.KNOWN_HELM_KEYS if k != A.HOOK or len(folded) <= len(A.HOOK) + 2)
    match = difflib.get_close_matches(folded, choices, n=1, cutoff=0.75 if prefixed else 0.8)
    if match:
        return match[0]
    return "" if prefixed else None


def meant_key(key: str) -> str | None:
    """The Helm key ``key`` stands for: itself when exact, the guess when misspelt, else None."""
    if key in A.KNOWN_HELM_KEYS:
        return key
    return key_guess(key) or None
