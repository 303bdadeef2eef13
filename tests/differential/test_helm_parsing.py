"""Helm's reading of rendered hooks (hook_lsp.render.hooks), Helm 4 and Helm 3, on small renders.
Ground truth from Helm v4.2.4 pkg/release/v1/util and v3.21.4 pkg/releaseutil + pkg/action/hooks.go."""

from hook_lsp.render.hooks import atoi_weight, helm_order, read_hooks, split_manifests


def _doc(kind, name, hook, weight=None):
    w = f'\n    "helm.sh/hook-weight": "{weight}"' if weight is not None else ""
    return f'apiVersion: v1\nkind: {kind}\nmetadata:\n  name: {name}\n  annotations:\n    "helm.sh/hook": {hook}{w}\n'


def test_events_trimmed_lowercased_aliases_and_unknown_dropped():
    files = {
        "c/templates/a.yaml": _doc("Job", "a", '" Pre-Install ,POST-UPGRADE"')
        + "---\n" + _doc("Pod", "t", "test-success")
        + "---\n" + _doc("Job", "gone", "pre-install,crd-install")
        + "---\n" + _doc("Job", "trailing", '"pre-install,"'),
        "c/templates/_helpers.tpl": _doc("Job", "partial", "pre-install"),
    }
    r = read_hooks(files)
    assert [(h.name, h.events) for h in r.hooks] == [("a", ["pre-install", "post-upgrade"]), ("t", ["test"])]
    assert [raw for _, raw in r.skipped] == ["pre-install,crd-install", "pre-install,"]


def test_weight_is_atoi_without_trim():
    assert [atoi_weight(v) for v in ["5", "-5", "+5", "007", " 5", "1.5", "", "99999999999999999999"]] == [
        5, -5, 5, 7, 0, 0, 0, 0
    ]


def test_order_weight_then_name_then_kind_unknown_kinds_last():
    files = {
        "c/templates/x.yaml": "---\n".join([
            _doc("Job", "same", "pre-install"),
            _doc("CiliumNetworkPolicy", "same", "pre-install"),
            _doc("ServiceAccount", "same", "pre-install"),
            _doc("ConfigMap", "a", "pre-install", 1),
            _doc("Secret", "b", "pre-install", -1),
            _doc("ValidatingWebhookConfiguration", "same", "pre-install"),
        ])
    }
    hooks = read_hooks(files).hooks
    h4 = [(h.kind, h.name) for h in helm_order(hooks, "pre-install", "4")]
    assert h4 == [
        ("Secret", "b"), ("ServiceAccount", "same"), ("Job", "same"), ("ValidatingWebhookConfiguration", "same"),
        ("CiliumNetworkPolicy", "same"), ("ConfigMap", "a"),
    ]
    # Helm 3's InstallOrder has no webhook configurations: unknown kinds, sorted by kind name.
    h3 = [(h.kind, h.name) for h in helm_order(read_hooks(files, "3").hooks, "pre-install", "3")]
    assert h3[1:5] == [
        ("ServiceAccount", "same"), ("Job", "same"), ("CiliumNetworkPolicy", "same"), ("ValidatingWebhookConfiguration", "same")
    ]


def test_separators_differ_between_helm_3_and_4():
    text = "a: 1\n---   \nb: 2\n  ---\nc: 3\n"
    # An indented `---` separates nothing in either; Helm 4 trims only leading space.
    assert split_manifests(text, "4") == ["a: 1\n", "b: 2\n  ---\nc: 3\n"]
    assert split_manifests(text, "3") == ["a: 1", "b: 2\n  ---\nc: 3"]
    # `---` glued to text still splits (both), a document of blanks is dropped.
    assert split_manifests("---apiVersion: v1\n--- \n  \n", "4") == ["apiVersion: v1\n"]
    assert split_manifests("---apiVersion: v1\n--- \n  \n", "3") == ["apiVersion: v1"]


def test_duplicate_event_runs_twice():
    hooks = read_hooks({"c/templates/a.yaml": _doc("Job", "a", "test,test-success")}).hooks
    assert len(helm_order(hooks, "test")) == 2
