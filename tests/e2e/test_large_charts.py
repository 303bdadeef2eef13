"""Large charts: the opened file is answered first, the chart is indexed in the background with
`$/progress`, and a client's late `workspace/configuration` answer still applies."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from .conftest import accept_registrations, open_doc

#: Longer than the server's patience before it logs a missing answer (5 s): the bug this guards
#: against dropped any answer that came later.
LATE_ANSWER_SECONDS = 5.5


def _late_configuration_client() -> LanguageClient:
    """A test client whose `workspace/configuration` answer comes late (a busy editor)."""

    async def configuration(client: LanguageClient, params: types.ConfigurationParams):
        await asyncio.sleep(LATE_ANSWER_SECONDS)
        return [{"rules": {"HK101": "warning"}} if item.section == "hookLsp" else None for item in params.items]

    client = LanguageClient(converter_factory=default_converter)
    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES, types.WORKSPACE_CONFIGURATION: configuration})
    return client


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "hook_lsp", "serve"], client_factory=_late_configuration_client
    ),
)
async def late_client(lsp_client: LanguageClient):
    accept_registrations(lsp_client)
    await lsp_client.initialize_session(types.InitializeParams(capabilities=client_capabilities("neovim")))
    yield
    await lsp_client.shutdown_session()


async def _publications(client: LanguageClient, uri: str, until, timeout: float) -> list[list[types.Diagnostic]]:
    """Diagnostics published for ``uri`` until ``until(diagnostics)`` holds or ``timeout`` passes."""
    seen: list[list[types.Diagnostic]] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        try:
            params = await asyncio.wait_for(
                client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), deadline - loop.time()
            )
        except asyncio.TimeoutError:
            break
        if params.uri == uri:
            seen.append(list(params.diagnostics))
            if until(seen[-1]):
                break
    return seen


async def test_late_configuration_answer_still_applies(late_client: LanguageClient, tmp_chart):
    uri = open_doc(late_client, tmp_chart / "templates" / "migrate-job.yaml")

    def downgraded(diags):
        return any(d.code == "HK101" and d.severity == types.DiagnosticSeverity.Warning for d in diags)

    seen = await _publications(late_client, uri, downgraded, timeout=LATE_ANSWER_SECONDS + 10)
    # First published with the defaults (HK101 is an error), then again once the answer came.
    assert any(d.code == "HK101" and d.severity == types.DiagnosticSeverity.Error for d in seen[0])
    assert downgraded(seen[-1])


JOB = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: db-init
  annotations:
    helm.sh/hook: pre-install
    helm.sh/hook-weight: "5"
spec:
  backoffLimit: 1
  template:
    spec:
      restartPolicy: Never
      volumes:
        - name: credentials
          secret:
            secretName: db-credentials
      containers:
        - name: main
          image: busybox:1.36
"""
SECRET = """\
apiVersion: v1
kind: Secret
metadata:
  name: db-credentials
  annotations:
    helm.sh/hook: pre-install
    helm.sh/hook-weight: "10"
type: Opaque
stringData:
  password: changeme
"""
FILLER = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: filler-{n}
data:
  key: value
"""


def _large_chart(root: Path, fillers: int) -> Path:
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: large\nversion: 0.1.0\n")
    (root / "templates" / "job.yaml").write_text(JOB)
    (root / "templates" / "secret.yaml").write_text(SECRET)
    for n in range(fillers):
        (root / "templates" / f"filler-{n:03}.yaml").write_text(FILLER.format(n=n))
    return root


async def test_large_chart_answers_the_file_then_the_chart(client: LanguageClient, tmp_path):
    from hook_lsp.features.indexing import SYNC_FILES

    for method in (types.WORKSPACE_CODE_LENS_REFRESH, types.WORKSPACE_INLAY_HINT_REFRESH):
        client.feature(method)(lambda *_args: None)  # the server asks once the chart is indexed
    root = _large_chart(tmp_path / "large", SYNC_FILES + 8)
    uri = open_doc(client, root / "templates" / "job.yaml")
    seen = await _publications(client, uri, lambda diags: any(d.code == "HK202" for d in diags), timeout=30)
    # The first answer comes before the chart is read (no chart-wide finding yet); the finding
    # that needs the Secret in another file follows once the chart is indexed.
    assert not any(d.code == "HK202" for d in seen[0])
    assert any(d.code == "HK202" for d in seen[-1])
    for _ in range(150):  # the progress token may be answered after the chart was done
        kinds = [getattr(v, "kind", None) for reports in client.progress_reports.values() for v in reports]
        if "end" in kinds:
            break
        await asyncio.sleep(0.1)
    assert kinds[0] == "begin" and kinds[-1] == "end"
