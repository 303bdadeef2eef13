"""The deployer profile over stdio: the timeline request, code lenses and the profile hint."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import diagnostics_for, open_doc

CHART = Path(__file__).resolve().parent.parent / "deployers" / "chart"


async def test_timeline_and_lenses_follow_the_deployer_setting(client: LanguageClient, tmp_path: Path):
    chart = tmp_path / "shop"
    shutil.copytree(CHART, chart)
    uri = open_doc(client, chart / "templates" / "seed.yaml")
    await diagnostics_for(client, uri, version=1)
    helm = await client.protocol.send_request_async("hookLsp/timeline", {"uri": uri, "operation": "upgrade"})
    assert helm.deployer == "helm" and helm.steps[0].title.startswith("pre-upgrade hooks")
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"hookLsp": {"deployer": "argocd"}})
    )
    diags = await diagnostics_for(client, uri)
    assert [d.code for d in diags] == ["HK402"]
    argo = await client.protocol.send_request_async("hookLsp/timeline", {"uri": uri, "operation": "upgrade"})
    assert argo.deployer == "argocd@3.5" and argo.steps[0].title == "PreSync wave 0 (3 together)"
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(types.TextDocumentIdentifier(uri)))
    assert [lens.command.title for lens in lenses] == ["PreSync wave 0 · applied with 2 others"]


async def test_profile_hint_for_an_argocd_application(client: LanguageClient, tmp_path: Path):
    (tmp_path / ".git").mkdir()
    chart = tmp_path / "charts" / "shop"
    shutil.copytree(CHART, chart)
    (tmp_path / "apps").mkdir()
    (tmp_path / "apps" / "shop.yaml").write_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: shop\n"
        "spec:\n  source:\n    path: charts/shop\n"
    )
    uri = open_doc(client, chart / "templates" / "seed.yaml")
    diags = await diagnostics_for(client, uri, version=1)
    assert "HK402" not in [d.code for d in diags]  # suggested, not switched
    for _ in range(5):
        if any("Argo CD" in m.message for m in client.messages):
            break
        await asyncio.wait_for(client.wait_for_notification(types.WINDOW_SHOW_MESSAGE), 10)
    (hint,) = [m for m in client.messages if "Argo CD" in m.message]
    assert hint.type == types.MessageType.Info and 'deployer = "argocd"' in hint.message
