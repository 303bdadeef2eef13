"""Hook model extraction: what Helm would read from each document.

`EVENT_CASES` rows are (annotation value as written in YAML, Helm's parsed tokens, skipped?):
the value goes through Helm's split/trim/lower.
`WEIGHT_CASES` rows are (weight as written, Helm's weight or None when templated) (#weights).
"""

from __future__ import annotations

import pytest

from hook_lsp.analysis.hook_model import analyse_template

JOB = """apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
  annotations:
    {annotations}
spec:
  backoffLimit: 2
  template:
    metadata:
      annotations:
        helm.sh/hook-weight: "3"
    spec:
      restartPolicy: Never
      serviceAccountName: migrator
      containers:
        - name: main
          image: busybox
          command: ["sh", "-c", "echo hi"]
          envFrom:
            - secretRef:
                name: {{{{ .Release.Name }}}}-db
          env:
            - name: A
              valueFrom:
                configMapKeyRef:
                  name: settings
                  key: a
                  optional: true
      volumes:
        - name: data
          persistentVolumeClaim:
            claimName: scratch
"""


def job(annotations: str, name: str = "migrate") -> str:
    return JOB.format(annotations=annotations, name=name)


EVENT_CASES = [
    ('"helm.sh/hook": pre-install', ["pre-install"], False),
    ('helm.sh/hook: " Pre-Install ,POST-UPGRADE "', ["pre-install", "post-upgrade"], False),
    ("helm.sh/hook: test-success", ["test-success"], False),
    ("helm.sh/hook: pre-install,", ["pre-install", ""], True),
    ("helm.sh/hook: crd-install", ["crd-install"], True),
    ("helm.sh/hook: pre-install;post-install", ["pre-install;post-install"], True),
    ("helm.sh/hook:", [""], True),
    ("helm.sh/hook: pre-install,pre-install", ["pre-install", "pre-install"], False),
]


@pytest.mark.parametrize(("annotation", "tokens", "skipped"), EVENT_CASES)
def test_events_parsed_like_helm(annotation, tokens, skipped):
    res = analyse_template(job(annotation)).resources[0]
    assert res.hook is not None
    assert [t.value for t in res.hook.event_tokens] == tokens
    assert res.hook.skipped is skipped


def test_event_token_spans_are_exact():
    text = job('"helm.sh/hook": " pre-install , post-upgrade"')
    res = analyse_template(text).resources[0]
    spans = [text[t.span.start : t.span.end] for t in res.hook.event_tokens]
    assert spans == ["pre-install", "post-upgrade"]


WEIGHT_CASES = [
    ('"5"', 5),
    ('"-5"', -5),
    ('"+5"', 5),
    ('"007"', 7),
    ('" 5"', 0),  # no TrimSpace for weights
    ('"1.5"', 0),
    ('"99999999999999999999"', 0),  # out of int64 range
    ("010", 8),  # unquoted YAML 1.1 octal
    ("0x10", 16),
    ("1e3", 1000),
    ("true", 0),
    ("{{ .Values.weight | quote }}", None),
]


@pytest.mark.parametrize(("written", "weight"), WEIGHT_CASES)
def test_weight_is_atoi_of_helm_string(written, weight):
    res = analyse_template(job(f"helm.sh/hook: pre-install\n    helm.sh/hook-weight: {written}")).resources[0]
    assert res.hook.weight_value == weight


def test_unquoted_and_templated_values_are_recorded():
    res = analyse_template(job("helm.sh/hook: pre-install\n    helm.sh/hook-weight: 5")).resources[0]
    weight = res.hook.weight
    assert weight.style is None and weight.yaml_type == "int" and not weight.templated
    res = analyse_template(job('helm.sh/hook: {{ .Values.hook }}')).resources[0]
    assert res.hook.annotation.templated and not res.hook.known
    assert res.hook.event_tokens == [] and not res.hook.skipped


def test_delete_policy_default_only_when_absent():
    res = analyse_template(job("helm.sh/hook: pre-install")).resources[0]
    assert res.hook.delete_policies == [] and res.hook.effective_delete_policies == ["before-hook-creation"]
    res = analyse_template(job("helm.sh/hook: pre-install\n    helm.sh/hook-delete-policy: hook-succeded")).resources[0]
    assert res.hook.effective_delete_policies == ["hook-succeded"]


def test_kind_name_and_misplaced_annotations():
    res = analyse_template(job("helm.sh/hook: pre-install")).resources[0]
    assert (res.kind, res.name, res.api_version) == ("Job", "migrate", "batch/v1")
    assert [(where, a.key) for where, a in res.misplaced] == [("spec.template.metadata.annotations", "helm.sh/hook-weight")]


def test_templated_name_keeps_source_text():
    res = analyse_template(job("helm.sh/hook: pre-install", name='{{ include "x.fullname" . }}-migrate')).resources[0]
    assert res.name is None
    assert res.name_raw == '{{ include "x.fullname" . }}-migrate'


def test_workload_limits_and_references():
    res = analyse_template(job("helm.sh/hook: pre-install")).resources[0]
    wl = res.workload
    assert wl.restart_policy.value == "Never" and wl.backoff_limit.value == "2"
    assert wl.active_deadline_seconds is None
    assert [c.name for c in wl.containers] == ["main"]
    refs = [(r.kind, r.name, r.raw, r.via, r.optional) for r in wl.references]
    assert refs == [
        ("ServiceAccount", "migrator", "migrator", "serviceAccountName", False),
        ("ConfigMap", "settings", "settings", "configMapKeyRef", True),
        ("Secret", None, "{{ .Release.Name }}-db", "envFrom.secretRef", False),
        ("PersistentVolumeClaim", "scratch", "scratch", "volume", False),
    ]


def test_dict_literal_annotations_in_actions():
    text = (
        '{{- $default := dict "helm.sh/hook" "pre-upgrade" "helm.sh/hook-delete-policy" "hook-succeeded" }}\n'
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: x\n"
        '  annotations: {{- include "render" (dict "value" $default) | nindent 4 }}\n'
    )
    res = analyse_template(text).resources[0]
    assert res.hook is not None and res.hook.events == ["pre-upgrade"]
    assert res.hook.annotation.origin == "dict"
    tok = res.hook.event_tokens[0]
    assert text[tok.span.start : tok.span.end] == "pre-upgrade"
    assert res.annotations_dynamic


def test_if_else_branches_give_alternatives():
    text = (
        "kind: Job\nmetadata:\n  name: x\n  annotations:\n"
        "    {{- if .Values.upgrade }}\n    helm.sh/hook: pre-upgrade\n"
        "    {{- else }}\n    helm.sh/hook: pre-install\n    {{- end }}\n"
    )
    analysis = analyse_template(text)
    hook = analysis.resources[0].hook
    assert [a.tokens[0].value for a in hook.alternatives] == ["pre-upgrade", "pre-install"]
    first, second = hook.alternatives
    assert analysis.masked.exclusive(first.key_span.start, second.key_span.start)


def test_documents_split_like_helm_and_broken_document_degrades():
    text = (
        "kind: ServiceAccount\nmetadata:\n  name: a\n  annotations:\n    helm.sh/hook: pre-install\n"
        "---\nkind: Job\nmetadata:\n  name: b\n  annotations:\n    helm.sh/hook: pre-install\nspec:\n  x: [unclosed\n"
    )
    analysis = analyse_template(text)
    assert [r.kind for r in analysis.resources] == ["ServiceAccount", "Job"]
    assert analysis.documents[1].problem is not None
    # The text before the error still yields the hook.
    assert analysis.resources[1].hook.events == ["pre-install"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\0\0binary",
        "a: [" * 5000,
        "a: &a [x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n",
        "{{ if }}\n{{",
        "kind: Job\nmetadata: {{ .x }}\n  annotations:\n",
        "\t\tkind: x\n",
    ],
)
def test_bad_input_never_raises(text):
    analysis = analyse_template(text)
    assert len(analysis.masked.text) == len(text)
