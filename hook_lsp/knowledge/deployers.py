"""What each deployer does with a chart's hooks, as data (the behaviours live in `analysis.profile`).

A chart reaches the cluster through the ``helm`` CLI, or through a tool that renders it and runs
the hooks itself (Argo CD) or embeds Helm as a library with its own defaults (Flux's
helm-controller, Rancher Fleet). Each entry names the version whose source it was read from and
the Helm it embeds; ``excluded_rules`` lists the rules whose premise does not hold under that
deployer, each with the reason shown in the rule documentation.

Sources (read at the tags named):
- Argo CD v3.5.1: ``gitops-engine/pkg/sync/hook/{hook.go,delete_policy.go}``,
  ``gitops-engine/pkg/sync/hook/helm/{type.go,weight.go,delete_policy.go}``,
  ``gitops-engine/pkg/sync/syncwaves/waves.go``, ``gitops-engine/pkg/sync/sync_tasks.go`` (order:
  phase, wave, kind, name), ``gitops-engine/pkg/sync/sync_context.go`` (hook-succeeded deletion only
  when the sync succeeded), ``gitops-engine/pkg/health/health_pod.go`` (restartPolicy Always: healthy
  once Ready), ``controller/hook.go`` (PreDelete/PostDelete from ``helm.sh/hook``),
  ``util/helm/cmd.go`` (renders with ``helm template``), ``go.mod`` (helm.sh/helm/v4 v4.2).
- Flux helm-controller v1.6.3: ``internal/action/{install,upgrade,wait}.go`` (Jobs with a TTL),
  ``api/v2/helmrelease_types.go`` (``spec.timeout`` default 5m, ``disableWait``, ``test.enable``,
  remediation ``retries``; upgrade remediation strategy ``rollback`` by default, install ``uninstall``), ``go.mod`` (helm.sh/helm/v4 v4.2.1).
- Rancher Fleet v0.16.1: ``internal/helmdeployer/{deployer.go,install.go,rollback.go}``,
  ``internal/cmd/agent/controller/drift_controller.go``, ``go.mod`` (helm.sh/helm/v4 v4.2.2); Helm v4.2 ``pkg/kube/statuswait.go`` (a timeout of 0 waits
  ``DefaultStatusWatcherTimeout``, 30 s).
"""

from __future__ import annotations

from dataclasses import dataclass, field

HELM = "helm"
ARGOCD = "argocd"
FLUX = "flux"
FLEET = "fleet"


@dataclass(frozen=True)
class Deployer:
    name: str
    #: How the deployer is called in messages.
    label: str
    #: The version the facts were read from (also the default of ``deployer@version``).
    version: str
    #: The Helm the deployer embeds ("" for the helm CLI: the ``helmVersion`` setting decides).
    embedded_helm: str
    #: Rule code -> why the rule does not apply under this deployer.
    excluded_rules: dict[str, str] = field(default_factory=dict)
    #: One sentence per fact the timeline and the docs state about hooks under this deployer.
    notes: tuple[str, ...] = ()
    #: Helm event -> what this deployer adds to its hover.
    event_notes: dict[str, str] = field(default_factory=dict)


DEPLOYERS: dict[str, Deployer] = {
    HELM: Deployer(HELM, "the helm CLI", "", ""),
    ARGOCD: Deployer(
        ARGOCD,
        "Argo CD",
        "3.5",
        "4.2",
        excluded_rules={
            "HK206": "Argo CD counts a Pod hook with restartPolicy Always as succeeded once it is Ready",
            "HK208": "Argo CD keeps hook objects with its hook finalizer until the phase ends, so the TTL cannot remove the Job first",
            "HK212": "Argo CD names a hook that has only `generateName` itself (the prefix, the revision, the phase and the time) before creating it",
            "HK112": "Argo CD never reads `helm.sh/hook-output-log-policy` (it prints no hook logs)",
            "HK113": "Argo CD never reads `helm.sh/hook-output-log-policy` (it prints no hook logs)",
            "HK114": "Argo CD reads `helm.sh/resource-policy: keep` when the Application is deleted, hooks included",
            # gitops-engine `sync_context.go` (v3.5.1): a hook's result is `getOperationPhase`, the
            # health of the live object of any kind (a Progressing Deployment keeps it running).
            "HK220": "Argo CD waits for a hook of any kind to be healthy before the next wave, and by default re-creates it on every sync",
        },
        notes=(
            "hooks run on every sync, not once per install or upgrade",
            "the chart is rendered with `helm template`: `.Release.IsInstall` is always true and `lookup` returns nothing",
            "hook values are compared as written (not lower-cased)",
            "resources of one phase and wave are applied together; waves run in order",
            "with no valid delete policy a hook is deleted before it is created again (BeforeHookCreation)",
            "HookSucceeded deletion is skipped when the sync fails",
            "hooks have no timeout",
        ),
    ),
    FLUX: Deployer(
        FLUX,
        "Flux helm-controller",
        "1.6",
        "4.2",
        excluded_rules={
            "HK208": "helm-controller counts a Job hook that its TTL removed before the watcher saw it as succeeded",
        },
        notes=(
            "waits for the chart's resources to be ready by default (`disableWait` turns it off)",
            "each hook may take up to `spec.timeout` (5 minutes by default)",
            "with remediation `retries`, a failed upgrade is rolled back (rollback hooks) and a failed install "
            "uninstalled (delete hooks), then the whole action runs again, hooks included",
            "test hooks run only with `spec.test.enable: true`",
            "post-renderers (`spec.postRenderers`) change hook manifests too",
        ),
        event_notes={"test": "runs only when the HelmRelease sets `spec.test.enable: true`"},
    ),
    FLEET: Deployer(
        FLEET,
        "Rancher Fleet",
        "0.16",
        "4.2",
        notes=(
            "hooks cannot be disabled for a bundle",
            "drift correction (`correctDrift.enabled: true`) rolls the release back, which runs the rollback hooks",
            "with no `helm.timeoutSeconds` Fleet passes a timeout of 0, which Helm 4 turns into 30 seconds per hook",
        ),
        event_notes={
            e: "also runs when drift correction (`correctDrift.enabled: true`) rolls the release back"
            for e in ("pre-rollback", "post-rollback")
        },
    ),
}


def deployer(name: str) -> Deployer:
    return DEPLOYERS[name]
