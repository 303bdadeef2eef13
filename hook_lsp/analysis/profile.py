"""The lifecycle profile: which deployer runs the chart's hooks, and with which Helm.

One `Profile` (deployer × version) is what rules, hovers, completion and the timeline consult
instead of a bare Helm version. Facts that differ by deployer live in `knowledge.deployers` and
`knowledge.argocd`; this module holds the few behaviours built on them, so that adding a deployer
means adding its data and, where its lifecycle differs, a branch here — not editing every rule.

Configuration spells a profile ``helm`` (the default), ``argocd``, ``flux`` or ``fleet``,
optionally with the deployer's version: ``argocd@3.5``. Under the helm CLI the Helm version is
the ``helmVersion`` setting; the other deployers embed their own Helm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..knowledge import deployers as D

DEPLOYER_NAMES: tuple[str, ...] = tuple(D.DEPLOYERS)
_SPEC = re.compile(r"^\s*([A-Za-z-]+)\s*(?:@\s*v?([0-9]+(?:\.[0-9]+){0,2})\s*)?$")
#: Helm events that run again after the first install (an upgrade, a rollback, a test).
_HELM_RECURRING = ("pre-upgrade", "post-upgrade", "pre-rollback", "post-rollback", "test")


@dataclass(frozen=True)
class TemplateConstants:
    """What a deployer renders the same on every deployment (Argo CD: `helm template`)."""

    #: Template fields that never change (``.Release.Revision`` is always 1 under `helm template`).
    fields: frozenset[str] = frozenset()
    #: ``.Release.IsInstall`` is always true.
    always_install: bool = False
    #: HK211's message when `.Release.Revision` cannot help (None: Helm's text and quick fix).
    message: str | None = None


class DeployerError(ValueError):
    """A deployer setting that cannot be read."""


def parse_deployer(value) -> str:
    """The canonical spelling of a deployer setting (``"argocd@3.5"``), or DeployerError."""
    m = _SPEC.match(str(value))
    name = m.group(1).lower().replace("-", "") if m else ""
    name = {"argo": D.ARGOCD, "fluxcd": D.FLUX, "helmcontroller": D.FLUX}.get(name, name)
    if not m or name not in D.DEPLOYERS:
        raise DeployerError(
            f"deployer must be one of {', '.join(DEPLOYER_NAMES)} (optionally name@version), not {value!r}"
        )
    version = m.group(2)
    if version and name == D.HELM:
        raise DeployerError("deployer: give the helm CLI's version with helmVersion, not helm@version")
    return f"{name}@{version}" if version else name


@dataclass(frozen=True)
class Profile:
    """A deployer, its version, and the Helm whose code runs the chart."""

    deployer: str = D.HELM
    #: The deployer's version ("" = the version its facts were read from).
    version: str = ""
    #: Helm's version, a major ("4") or a minor ("3.17").
    helm_version: str = "4"

    @classmethod
    def of(cls, deployer: str = D.HELM, helm_version: str = "4") -> "Profile":
        """The profile for a (validated) deployer setting and the ``helmVersion`` setting."""
        spec = parse_deployer(deployer or D.HELM)
        name, _, version = spec.partition("@")
        facts = D.DEPLOYERS[name]
        return cls(name, version or facts.version, facts.embedded_helm or str(helm_version))

    # -- identity --------------------------------------------------------------------------

    @property
    def facts(self) -> D.Deployer:
        return D.DEPLOYERS[self.deployer]

    @property
    def helm_major(self) -> str:
        """"3" or "4": selects Helm's version-specific facts (kind order, SSA, waiting)."""
        return str(self.helm_version).split(".")[0]

    @property
    def helm3(self) -> bool:
        return self.helm_major == "3"

    @property
    def is_helm(self) -> bool:
        return self.deployer == D.HELM

    @property
    def is_argocd(self) -> bool:
        return self.deployer == D.ARGOCD

    @property
    def label(self) -> str:
        """How messages name the profile: ``Helm 4``, ``Argo CD 3.5``."""
        if self.is_helm:
            return f"Helm {self.helm_version}"
        return f"{self.facts.label} {self.version}"

    @property
    def hook_runner(self) -> str:
        """Who creates, waits for and deletes hooks: Argo CD itself, else Helm's code."""
        return self.facts.label if self.is_argocd else "Helm"

    @property
    def default_policy_despite_unknown(self) -> bool:
        """Whether the default delete policy still applies when only unknown policies are given."""
        # gitops-engine `DeletePolicies` keeps the valid ones and defaults when none is left;
        # Helm stores every part and defaults only when the annotation is absent.
        return self.is_argocd

    @property
    def spec(self) -> str:
        """The setting that selects this profile (``helm``, ``argocd@3.5``)."""
        return self.deployer if self.is_helm else f"{self.deployer}@{self.version}"

    # -- rules -----------------------------------------------------------------------------

    def excluded_reason(self, code: str) -> str | None:
        """Why rule ``code`` does not apply under this profile (None when it does)."""
        return self.facts.excluded_rules.get(code)

    def applies(self, code: str, deployers: tuple[str, ...] | None = None) -> bool:
        """Whether rule ``code`` (registered for ``deployers``, None = all) runs under this profile."""
        if deployers is not None and self.deployer not in deployers:
            return False
        return self.excluded_reason(code) is None

    def recurring_events(self) -> tuple[str, ...]:
        """Helm events whose hooks run again after the first deployment under this deployer."""
        if self.is_argocd:
            # Every sync runs the PreSync and PostSync hooks again, pre-install included.
            return ("pre-install", "pre-upgrade", "post-install", "post-upgrade")
        return _HELM_RECURRING

    def deletes_before_creation(self, res) -> bool:
        """Whether the previous object of hook ``res`` is deleted just before it is created again."""
        if self.is_argocd:
            from .argocd_model import read

            policies = read(res, self.version).delete_policies
            return policies is not None and "BeforeHookCreation" in policies
        policies = res.hook.effective_delete_policies if res.hook is not None else None
        return policies is not None and "before-hook-creation" in policies

    def leftover_hook_consequence(self, kind: str) -> str | None:
        """What the next run meets when a hook object was left behind (None: Helm's own text)."""
        if self.is_argocd:
            from ..knowledge.argocd import LEFTOVER_HOOK

            return LEFTOVER_HOOK.format(kind=kind)
        return None

    def rerun_every_deploy(self, res) -> str | None:
        """A sentence when the deployer runs hook ``res`` on every deployment (Argo CD: every sync)."""
        if not self.is_argocd:
            return None
        from ..knowledge.argocd import RERUN_EVERY_SYNC, SYNC_PHASES
        from .argocd_model import read

        phases = [p for p in read(res, self.version).phases or () if p in SYNC_PHASES]
        return RERUN_EVERY_SYNC.format(phases=", ".join(phases)) if phases else None

    def unbounded_job_message(self) -> str | None:
        """HK209's message when the deployer has no hook timeout (None: Helm's `--timeout` text)."""
        if self.is_argocd:
            from ..knowledge.argocd import UNBOUNDED_JOB

            return UNBOUNDED_JOB
        return None

    def is_own_hook(self, res) -> bool:
        """A hook by the deployer's own annotation (Argo CD's), which Helm's model does not see."""
        if not self.is_argocd:
            return False
        from .argocd_model import read

        return read(res, self.version).is_hook

    def template_constants(self) -> TemplateConstants:
        if not self.is_argocd:
            return TemplateConstants()
        from ..knowledge.argocd import FIXED_NAME_JOB

        return TemplateConstants(frozenset({".Release.Revision"}), True, FIXED_NAME_JOB)

    def rerun_phrase(self, event: str) -> str:
        """What makes a hook of ``event`` run again: "every upgrade", "every sync"."""
        if self.is_argocd:
            return "every sync"
        return f"every {'upgrade' if 'upgrade' in event else event.split('-')[-1]}"


HELM = Profile()


def coverage(code: str, deployers: tuple[str, ...] | None) -> tuple[list[str], dict[str, str]]:
    """The deployers rule ``code`` applies under, and why it does not under the others it names."""
    applies, excluded = [], {}
    for name in DEPLOYER_NAMES:
        if deployers is not None and name not in deployers:
            continue
        reason = Profile.of(name).excluded_reason(code)
        if reason is None:
            applies.append(name)
        else:
            excluded[name] = reason
    return applies, excluded
