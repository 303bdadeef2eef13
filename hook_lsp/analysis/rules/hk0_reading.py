"""HK0xx: problems that stop hook-lsp (and Helm) from reading a template."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Iterator

from ..hook_model import TemplateAnalysis
from ..source import Span
from .registry import FixAvailability, RuleContext, Severity, Violation, rule


@rule("HK001", "yaml-syntax-error", Severity.ERROR, FixAvailability.NONE, scope="template")
def yaml_syntax_error(template: TemplateAnalysis, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Reports a YAML syntax error that is not caused by templating: the lines around the error
    hold no template action and no `if`/`range`/`with` block can change them.

    ## Why is this bad?
    Helm fails to parse the rendered manifest (`YAML parse error on <chart>/templates/...`), so
    the install or upgrade fails before any hook runs. hook-lsp also cannot read the hooks in
    the rest of that document, so its other checks go quiet there.

    Errors next to template actions are never reported: the masked text is not what Helm
    renders, and helm-ls already reports template errors. Nor are errors in partials (files
    whose name starts with `_`, such as `_helpers.tpl` or `_init.sh.tpl`): Helm never reads
    them as manifests, and they often hold scripts that templates include.

    ## Example
    ```yaml
    metadata:
      annotations:
        helm.sh/hook: pre-install
       helm.sh/hook-weight: "1"
    ```

    ## Fix
    Align the keys of the mapping:
    ```yaml
    metadata:
      annotations:
        helm.sh/hook: pre-install
        helm.sh/hook-weight: "1"
    ```
    """
    if PurePosixPath(template.path.replace("\\", "/")).name.startswith("_"):
        return  # a partial: Helm renders it only through `include`, never as a manifest (#parsing)
    masked = template.masked
    index = template.index
    for doc in template.documents:
        problem = doc.problem
        if problem is None:
            continue
        line = index.position(problem.span.start)[0]
        first = line if problem.context_offset is None else min(line, index.position(problem.context_offset)[0])
        # Any action near the error, or a control block around it, may be the real cause.
        window_start = index.line_start(max(first - 2, 0))
        window_end = index.line_end(line + 1)
        if masked.actions_in(Span(window_start, window_end)) or masked.conditional(problem.span.start):
            continue
        end = index.line_end(line)
        start = problem.span.start if problem.span.start < end else index.line_start(line)
        span = Span(start, max(end, start))
        yield ctx.violation(span, f"YAML syntax error: {problem.message}; hooks below this point are not analysed")
