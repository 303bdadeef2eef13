"""The scripts a hook's containers run, found in ``command``/``args`` and in mounted ConfigMaps.

A container runs ``command + args`` (the image's entrypoint when ``command`` is absent, which we
cannot see, so such containers are skipped). When that is a shell with ``-c`` (``sh -c``,
``/bin/bash -ec``, ``env bash -c``...) the next argument is a shell script; when it is a shell
with a file argument (``sh /scripts/run.sh``) the file may come from a ConfigMap of the same
chart mounted into the pod. ``psql -c``/``mysql -e`` used directly as the command carry SQL.

``command:`` and ``args:`` may each be written in both branches of an ``if``/``else`` (bitnami
charts let values override them); every pairing that can render together is considered, and a
pairing with a templated part is skipped, since its text is unknown.
"""

from __future__ import annotations

import posixpath
import weakref
from dataclasses import dataclass, field

from ..hook_model import Resource, TemplateAnalysis
from ..pods import Container
from ..source import Span
from ..yaml_tree import YMap, YNode, YScalar, YSeq, path_get
from .mapped import MappedText, decode_scalar

#: Interpreter basename -> the shell dialect it is read as. `sh`, `ash` and `dash` are POSIX
#: shells (dash is /bin/sh on Debian and Ubuntu images, busybox ash on Alpine).
SHELLS = {"sh": "sh", "ash": "sh", "dash": "sh", "bash": "bash"}
#: SQL clients and the dialect of the SQL they send.
SQL_CLIENTS = {"psql": "postgres", "mysql": "mysql", "mariadb": "mysql"}


@dataclass
class Script:
    """One script a hook container runs, with where its text is in the chart."""

    #: ``shell`` or ``sql``.
    kind: str
    #: Shell: ``sh`` or ``bash``. SQL: ``postgres`` or ``mysql``.
    dialect: str
    text: MappedText
    #: The template holding the text (the hook's file, or a ConfigMap's).
    template: TemplateAnalysis
    #: The hook resource that runs it, and its container.
    resource: Resource
    container: Container
    #: The shell was started with ``-e`` (``sh -ec``, ``bash -o errexit``).
    errexit: bool = False
    #: The interpreter as written (``/bin/sh``), for messages.
    interpreter: str = ""
    #: ``args``/``command``, or ``ConfigMap <name>, key <key>``.
    origin: str = "args"
    #: For SQL: the client that runs it (``psql``...) and whether a failure of that client is
    #: tolerated by the shell around it (``psql ... || true``).
    client: str = ""
    tolerated: bool = False
    #: For text held in a ConfigMap: the hook's own template (where `resource` is written).
    hook_template: TemplateAnalysis | None = None
    #: Run as a program, so the kernel reads its ``#!`` line; for ``sh -c`` text or
    #: ``sh file`` the ``#!`` line is only a comment.
    executed: bool = False


@dataclass
class Argv:
    """``command + args`` of one rendering of a container; None items are templated."""

    items: list[MappedText | None]
    #: The template nodes of the items (for spans of the interpreter).
    nodes: list[YScalar | None] = field(default_factory=list)


def _seq_items(node: YNode | None, template: TemplateAnalysis) -> tuple[list[MappedText | None], list[YScalar | None]] | None:
    """Items of a ``command``/``args`` value; None when template actions may add items."""
    if node is None:
        return [], []
    masked = template.masked
    if isinstance(node, YScalar):
        # `command: {{ toYaml .Values.command | nindent 4 }}` masks to an empty scalar.
        return None
    if not isinstance(node, YSeq):
        return None
    item_spans = [i.span for i in node.items]
    for action in masked.actions_in(node.span):
        if action.kind == "output" and not any(s.start <= action.span.start < s.end for s in item_spans):
            return None  # an action that renders items of its own
    items: list[MappedText | None] = []
    nodes: list[YScalar | None] = []
    for item in node.items:
        if not isinstance(item, YScalar):
            return None
        mapped = decode_scalar(item, masked)
        if mapped is not None and all(mapped.templated(k, k + 1) or ch.isspace() for k, ch in enumerate(mapped.text)):
            mapped = None  # an item that is template output only: any text at all
        items.append(mapped)
        nodes.append(item)
    return items, nodes


def container_argvs(container: Container, template: TemplateAnalysis) -> list[Argv]:
    """Every literal ``command + args`` pairing of a container that can render together."""
    masked = template.masked
    commands = [(k, v) for k, v in container.node.items() if k.value == "command"]
    args = [(k, v) for k, v in container.node.items() if k.value == "args"]
    if not commands:
        return []  # the image's entrypoint runs: unknown to us
    out = []
    for ck, cv in commands:
        for ak, av in args or [(None, None)]:
            if ak is not None and masked.exclusive(ck.span.start, ak.span.start):
                continue
            c = _seq_items(cv, template)
            a = _seq_items(av, template)
            if c is None or a is None or not c[0]:
                continue
            out.append(Argv(c[0] + a[0], c[1] + a[1]))
    return out


@dataclass
class Invocation:
    """How ``argv`` starts a shell: flags, and a ``-c`` script or a script file."""

    dialect: str
    interpreter: str
    errexit: bool
    script: MappedText | None = None
    script_node: YScalar | None = None
    #: ``sh /path/script.sh``: the file's path.
    file: str | None = None
    #: Extracted-text positions of the ``-c`` option, for a ``-ec`` fix.
    flag_item: int | None = None


def shell_invocation(argv: Argv) -> Invocation | None:
    items = argv.items
    if not items or items[0] is None:
        return None
    words = [(m.text if m is not None else None) for m in items]
    i = 0
    name = posixpath.basename(words[0].strip())
    if name == "env":
        i += 1
        while i < len(words) and words[i] is not None and words[i].startswith("-"):
            i += 1
        if i >= len(words) or words[i] is None:
            return None
        name = posixpath.basename(words[i].strip())
    elif name == "busybox" and len(words) > 1 and words[1] in ("sh", "ash"):
        i += 1
        name = "sh"
    dialect = SHELLS.get(name)
    if dialect is None:
        return None
    interpreter = words[i].strip() if words[i] else name
    i += 1
    c_mode = False
    errexit = False
    flag_item = None
    while i < len(words):
        w = words[i]
        if w is None:
            return None  # a templated option: unknown interpreter state
        if w == "--":
            i += 1
            break
        if w in ("-o", "+o") and i + 1 < len(words):
            if words[i + 1] == "errexit" and w == "-o":
                errexit = True
            i += 2
            continue
        if w.startswith("--"):
            i += 1
            continue
        if len(w) > 1 and w[0] in "-+" and w[1:].isalpha():
            if w[0] == "-":
                if "c" in w:
                    c_mode = True
                    flag_item = i
                if "e" in w:
                    errexit = True
            i += 1
            continue
        break
    if i >= len(words):
        return None
    if c_mode:
        return Invocation(dialect, interpreter, errexit, items[i], argv.nodes[i] if i < len(argv.nodes) else None, flag_item=flag_item)
    target = words[i]
    if target is None or not target.startswith("/"):
        return None
    return Invocation(dialect, interpreter, errexit, file=target)


# --------------------------------------------------------------------------------------------
# ConfigMaps mounted into the pod


@dataclass(frozen=True)
class MountedFile:
    """A file that a container sees, backed by a key of a ConfigMap."""

    configmap: str  # the name as written (template actions included)
    key: str


def _text(node: YNode | None) -> str | None:
    return node.value if isinstance(node, YScalar) else None


def _raw(node: YNode | None, template: TemplateAnalysis) -> str | None:
    if not isinstance(node, YScalar):
        return None
    return template.text[node.span.start : node.span.end].strip().strip("\"'")


def mounted_file(path: str, resource: Resource, container: Container, template: TemplateAnalysis) -> MountedFile | None:
    """The ConfigMap key behind ``path`` in ``container``, if a literal mount gives it."""
    wl = resource.workload
    if wl is None:
        return None
    volumes = wl.pod_spec.get("volumes")
    mounts = container.node.get("volumeMounts")
    if not isinstance(volumes, YSeq) or not isinstance(mounts, YSeq):
        return None
    path = posixpath.normpath(path)
    for mount in mounts.items:
        if not isinstance(mount, YMap):
            continue
        mount_path, vol_name = _text(mount.get("mountPath")), _text(mount.get("name"))
        sub_path = _text(mount.get("subPath"))
        if not mount_path or not vol_name or "x" * 4 in mount_path:
            continue
        mount_path = posixpath.normpath(mount_path)
        if sub_path is not None:
            if path != mount_path:
                continue
            rel = sub_path
        elif path.startswith(mount_path.rstrip("/") + "/"):
            rel = path[len(mount_path.rstrip("/")) + 1 :]
        else:
            continue
        for vol in volumes.items:
            if not isinstance(vol, YMap) or _text(vol.get("name")) != vol_name:
                continue
            cm = vol.get("configMap")
            if not isinstance(cm, YMap):
                return None
            name = _raw(cm.get("name"), template)
            if not name:
                return None
            key = rel
            items = cm.get("items")
            if isinstance(items, YSeq):
                key = None
                for item in items.items:
                    if isinstance(item, YMap) and _text(item.get("path")) == rel:
                        key = _text(item.get("key"))
                if key is None:
                    return None
            return MountedFile(name, key)
    return None


#: id(chart) -> (weak reference to the chart, its revision, ConfigMaps by name as written).
_CONFIGMAPS: dict[int, tuple[weakref.ref, int, dict[str, list[tuple[TemplateAnalysis, Resource]]]]] = {}


def _configmaps(chart) -> dict[str, list[tuple[TemplateAnalysis, Resource]]]:
    """The chart's ConfigMaps by name, in template order; built once per chart revision (every
    mounted script looks one up, and a chart may have thousands)."""
    hit = _CONFIGMAPS.get(id(chart))
    if hit is not None and hit[0]() is chart and hit[1] == chart.revision:
        return hit[2]
    if hit is None or hit[0]() is not chart:
        weakref.finalize(chart, _CONFIGMAPS.pop, id(chart), None)
    index: dict[str, list[tuple[TemplateAnalysis, Resource]]] = {}
    # Manifests only: a ConfigMap in a partial (`_*.tpl`) is never output.
    for template in chart.manifest_templates():
        for res in template.resources:
            if res.kind == "ConfigMap" and res.name_raw is not None:
                index.setdefault(res.name_raw, []).append((template, res))
    _CONFIGMAPS[id(chart)] = (weakref.ref(chart), chart.revision, index)
    return index


def configmap_data(mounted: MountedFile, chart, here: TemplateAnalysis) -> tuple[TemplateAnalysis, Resource, MappedText] | None:
    """The text of ``mounted`` in the chart's ConfigMap of that name (same text as written)."""
    if chart is not None:
        candidates = _configmaps(chart).get(mounted.configmap, [])
    else:
        candidates = [(here, r) for r in here.resources if r.kind == "ConfigMap" and r.name_raw == mounted.configmap]
    for template, res in candidates:
        data = path_get(res.document.root, "data")
        if not isinstance(data, YMap):
            continue
        node = data.get(mounted.key)
        if isinstance(node, YScalar):
            mapped = decode_scalar(node, template.masked)
            if mapped is not None and mapped.text.strip():
                return template, res, mapped
    return None


def data_span(res: Resource) -> Span | None:
    data = path_get(res.document.root, "data")
    return data.span if isinstance(data, YMap) else None
