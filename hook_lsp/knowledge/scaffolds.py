"""Whole hook resources offered as snippets, with defaults that avoid the known traps.

Every scaffold keeps `before-hook-creation` in its delete policy (any explicit policy switches the
default off, #delete-policies; a leftover object breaks the next run, #delete-policies), and every pod has
`restartPolicy: Never` and an `activeDeadlineSeconds`, Jobs a small `backoffLimit`: Helm waits
for Job and Pod hooks up to `--timeout` and never stops them itself (#waiting, #timeout). Snippets use
LSP snippet syntax; `$` in them would need escaping, and none is used.
"""

from __future__ import annotations

from dataclasses import dataclass

from .facts import Fact
from .kinds_text import JOB_DEADLINE_SECONDS


@dataclass(frozen=True)
class Scaffold:
    name: str
    #: The kind the snippet creates (annotation-only snippets are offered on resources of this kind).
    kind: str
    label: str
    detail: str
    facts: tuple[Fact, ...]
    #: The resource's lines before the annotations, as a snippet.
    head: str
    #: The annotation lines (no indentation), as a snippet.
    annotations: tuple[str, ...]
    #: The lines after the annotations.
    tail: str

    def document(self) -> str:
        """The whole resource as a snippet."""
        lines = [self.head, "  annotations:"] + [f"    {a}" for a in self.annotations]
        return "\n".join(lines) + "\n" + self.tail

    def annotation_block(self, indent: str) -> str:
        """The annotation lines, the first one unindented (it goes at the cursor)."""
        return ("\n" + indent).join(self.annotations)


_BOUNDED = Fact(
    f"`restartPolicy: Never`, a small `backoffLimit` and `activeDeadlineSeconds: {JOB_DEADLINE_SECONDS}`, below "
    "the default 5-minute `--timeout`: the Job fails with its own reason before Helm gives up, and Helm never "
    "stops it itself.",
    "#waiting, #timeout",
)
_KEEPS_DEFAULT = Fact(
    "`before-hook-creation` stays in the delete policy: any explicit policy switches the default off.", "#delete-policies"
)

_JOB_TAIL = """spec:
  backoffLimit: ${{3:1}}
  activeDeadlineSeconds: ${{4:{deadline}}}
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: ${{1:{name}}}
          image: ${{5:image}}
          command: [${{6:"sh", "-c", "echo {name}"}}]
"""

SCAFFOLDS: tuple[Scaffold, ...] = (
    Scaffold(
        "pre-upgrade-job",
        "Job",
        "pre-upgrade migration Job",
        "hook Job that runs before an upgrade changes anything",
        (
            Fact(
                "Runs before any resource is updated; if it fails the new revision is `failed`, and nothing is "
                "rolled back unless `--rollback-on-failure` was given.",
                "#failures",
                helm3="Runs before any resource is updated; if it fails the new revision is `failed`, and nothing "
                "is rolled back unless `--atomic` was given.",
                helm3_note="the flag is `--atomic`",
            ),
            _BOUNDED,
            _KEEPS_DEFAULT,
        ),
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}-${1:migrate}",
        (
            '"helm.sh/hook": pre-upgrade',
            '"helm.sh/hook-weight": "${2:0}"',
            '"helm.sh/hook-delete-policy": before-hook-creation,hook-succeeded',
        ),
        _JOB_TAIL.format(name="migrate", deadline=JOB_DEADLINE_SECONDS),
    ),
    Scaffold(
        "post-install-job",
        "Job",
        "post-install Job",
        "hook Job that runs after the chart's resources are created",
        (
            Fact(
                "Starts once the resources are created, before their pods are ready unless `--wait` is given.",
                "#lifecycle",
            ),
            _BOUNDED,
            _KEEPS_DEFAULT,
        ),
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}-${1:setup}",
        (
            '"helm.sh/hook": post-install',
            '"helm.sh/hook-weight": "${2:0}"',
            '"helm.sh/hook-delete-policy": before-hook-creation,hook-succeeded',
        ),
        _JOB_TAIL.format(name="setup", deadline=JOB_DEADLINE_SECONDS),
    ),
    Scaffold(
        "test-pod",
        "Pod",
        "test Pod",
        "`helm test` Pod that must exit 0",
        (
            Fact("Runs only on `helm test`; Helm waits for the Pod to reach `Succeeded`.", "#waiting, #failures"),
            Fact(
                "Only `before-hook-creation`, so the Pod and its logs stay for `helm test --logs` until the next "
                "run (Helm 3 and 4.0 delete a `hook-succeeded` test Pod before `--logs` can read it).",
                "#deletion, #helm-test",
            ),
        ),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}-${1:test}",
        (
            '"helm.sh/hook": test',
            '"helm.sh/hook-delete-policy": before-hook-creation',
        ),
        """spec:
  restartPolicy: Never
  activeDeadlineSeconds: ${2:120}
  containers:
    - name: ${1:test}
      image: ${3:busybox}
      command: [${4:"sh", "-c", "exit 0"}]
""",
    ),
    Scaffold(
        "pre-install-serviceaccount",
        "ServiceAccount",
        "pre-install ServiceAccount for a hook",
        "ServiceAccount that exists before the pre-install hooks that use it",
        (
            Fact(
                "Chart resources do not exist yet when pre-install hooks run: the ServiceAccount of a "
                "pre-install Job must be a hook too, with a lower weight.",
                "#order",
            ),
            Fact(
                "`hook-succeeded` deletes it only after all hooks of the event succeeded, so the Job can use it.",
                "#deletion",
            ),
            _KEEPS_DEFAULT,
        ),
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ .Release.Name }}-${1:hook}",
        (
            '"helm.sh/hook": ${2:pre-install}',
            '"helm.sh/hook-weight": "${3:-10}"',
            '"helm.sh/hook-delete-policy": before-hook-creation,hook-succeeded',
        ),
        "",
    ),
)
