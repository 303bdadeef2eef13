"""How Argo CD reads a resource (argocd_model), and its annotations in hover and completion."""

from __future__ import annotations

from hook_lsp.analysis import argocd_model
from hook_lsp.analysis.completions import complete
from hook_lsp.analysis.hook_model import analyse_template
from hook_lsp.analysis.hovers import hover
from hook_lsp.analysis.profile import HELM, Profile

ARGO = Profile.of("argocd")


def _res(annotations: str, kind: str = "Job"):
    text = f"apiVersion: v1\nkind: {kind}\nmetadata:\n  name: x\n  annotations:\n{annotations}"
    return analyse_template(text, "/c/templates/x.yaml").resources[0]


def test_helm_events_map_to_phases_as_written():
    view = argocd_model.read(_res("    helm.sh/hook: pre-install,post-upgrade,test\n"))
    assert view.phases == ("PreSync", "PostSync") and view.ignored_helm_events == ("test",)
    assert argocd_model.read(_res("    helm.sh/hook: Pre-Install\n")).phases == ()
    assert argocd_model.read(_res("    helm.sh/hook: post-delete\n")).phases == ("PostDelete",)
    # crd-install is not a hook for Argo CD: a plain resource of the Sync phase.
    crd = argocd_model.read(_res("    helm.sh/hook: crd-install\n"))
    assert crd.phases == ("Sync",) and not crd.is_hook


def test_argocd_annotations_win_over_helms():
    view = argocd_model.read(
        _res(
            "    helm.sh/hook: pre-install\n"
            "    argocd.argoproj.io/hook: PostSync\n"
            '    helm.sh/hook-weight: "5"\n'
            '    argocd.argoproj.io/sync-wave: "-1"\n'
            "    argocd.argoproj.io/hook-delete-policy: HookFailed\n"
            "    helm.sh/hook-delete-policy: hook-succeeded\n"
        )
    )
    assert view.phases == ("PostSync",) and view.helm_hook_overridden
    assert view.wave == -1
    # Delete policies of both keys add up (gitops-engine DeletePolicies).
    assert view.delete_policies == ("HookFailed", "HookSucceeded")
    # An invalid Argo CD hook value falls back to helm.sh/hook; an invalid wave to the weight.
    fallback = argocd_model.read(
        _res('    argocd.argoproj.io/hook: presync\n    helm.sh/hook: pre-upgrade\n    helm.sh/hook-weight: "3"\n'
             '    argocd.argoproj.io/sync-wave: "x"\n')
    )
    assert fallback.phases == ("PreSync",) and fallback.wave == 3


def test_defaults_and_plain_resources():
    hook = argocd_model.read(_res("    helm.sh/hook: pre-upgrade\n    helm.sh/hook-delete-policy: hook-succeded\n"))
    assert hook.delete_policies == ("BeforeHookCreation",)
    plain = argocd_model.read(_res('    argocd.argoproj.io/sync-wave: "2"\n', kind="Deployment"))
    assert plain.phases == ("Sync",) and not plain.is_hook and plain.wave == 2
    skipped = argocd_model.read(_res("    argocd.argoproj.io/hook: Skip\n"))
    assert skipped.phases == ()
    templated = argocd_model.read(_res("    helm.sh/hook: {{ .Values.events | quote }}\n"))
    assert templated.phases is None


TEXT = (
    "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: x\n  annotations:\n"
    "    helm.sh/hook: Pre-Install,pre-upgrade\n"
    "    argocd.argoproj.io/hook: PreSync\n"
    "    argocd.argoproj.io/hook-delete-policy: Hook\n"
)


def test_hover_argocd_keys_and_values_only_under_argocd():
    analysis = analyse_template(TEXT, "/c/templates/x.yaml")
    at = TEXT.index("argocd.argoproj.io/hook:") + 3
    assert "sync phase" in hover(analysis, at, None, ARGO).markdown
    assert hover(analysis, at, None, HELM) is None
    value = hover(analysis, TEXT.index("PreSync") + 2, None, ARGO)
    assert "runs before the manifests are applied" in value.markdown
    unknown = hover(analysis, TEXT.index(": Hook") + 3, None, ARGO)
    assert "does not know `Hook`" in unknown.markdown
    # Helm's event hover gains what Argo CD makes of the value as written.
    mixed = hover(analysis, TEXT.index("Pre-Install") + 2, None, ARGO).markdown
    assert "maps to no phase" in mixed
    assert "Argo CD" not in hover(analysis, TEXT.index("Pre-Install") + 2, None, HELM).markdown
    assert "`PreSync` hook" in hover(analysis, TEXT.index("pre-upgrade") + 2, None, ARGO).markdown


def test_complete_argocd_keys_and_values():
    head = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: x\n  annotations:\n"
    text = head + "    helm.sh/hook: pre-upgrade\n    \n"
    analysis = analyse_template(text, "/c/templates/x.yaml")
    offset = len(head) + len("    helm.sh/hook: pre-upgrade\n    ")
    labels = [i.label for i in complete(analysis, offset, None, ARGO)]
    assert "argocd.argoproj.io/sync-wave" in labels and "helm.sh/hook-weight" in labels
    assert not any(label.startswith("argocd.") for label in (i.label for i in complete(analysis, offset, None, HELM)))
    text = head + "    argocd.argoproj.io/hook: PreSync,Post\n"
    analysis = analyse_template(text, "/c/templates/x.yaml")
    items = complete(analysis, len(text) - 1, None, ARGO)
    assert [i.label for i in items] == ["PostSync", "PostDelete"]
    assert text[items[0].span.start : items[0].span.end] == "Post"


def test_flux_and_fleet_event_notes_in_hover():
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  annotations:\n    helm.sh/hook: test,pre-rollback\n"
    analysis = analyse_template(text, "/c/templates/x.yaml")
    on_test, on_rollback = text.index("test,") + 1, text.index("pre-rollback") + 2
    assert "spec.test.enable" in hover(analysis, on_test, None, Profile.of("flux")).markdown
    assert "spec.test.enable" not in hover(analysis, on_test, None, HELM).markdown
    assert "drift correction" in hover(analysis, on_rollback, None, Profile.of("fleet")).markdown
    assert "drift correction" not in hover(analysis, on_rollback, None, Profile.of("flux")).markdown


def test_delete_hooks_depend_on_the_argocd_version(tmp_path):
    res = _res("    helm.sh/hook: pre-delete,post-delete\n")
    assert argocd_model.read(res).phases == ("PreDelete", "PostDelete")
    assert argocd_model.read(res, "3.2").phases == ("PostDelete",)
    assert argocd_model.read(res, "2.9").phases == ()
    from hook_lsp.analysis.config import AnalysisConfig
    from hook_lsp.analysis.project import Project

    (tmp_path / "templates").mkdir()
    (tmp_path / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 1.0.0\n")
    hook = tmp_path / "templates" / "cleanup.yaml"
    hook.write_text("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: cleanup\n  annotations:\n    helm.sh/hook: pre-delete\n")
    codes = lambda spec: [v.message for v in Project(AnalysisConfig(deployer=spec)).check(str(hook)).violations if v.code == "HK401"]
    assert codes("argocd") == []
    (old,) = codes("argocd@3.2")
    assert "only since 3.3" in old and "never applied" in old


def test_helm_event_completion_under_argocd():
    head = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: x\n  annotations:\n    helm.sh/hook: "
    analysis = analyse_template(head + "\n", "/c/templates/x.yaml")
    items = {i.label: i for i in complete(analysis, len(head), None, ARGO)}
    assert items["pre-upgrade"].detail == "Argo CD: PreSync"
    assert items["test"].detail == "never run by Argo CD" and items["test"].sort_text.startswith("z")
    helm = {i.label: i for i in complete(analysis, len(head), None, HELM)}
    assert "Argo CD" not in helm["test"].detail
