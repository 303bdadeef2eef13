"""The exactness tooling itself: chart preparation for Helm, and the docs block it owns."""

from __future__ import annotations

from ruamel.yaml import YAML

from tools.exactness import __main__ as exactness
from tools.exactness.prepare import chart_roots, prepare_chart


def _chart(path, text):
    path.mkdir(parents=True)
    (path / "Chart.yaml").write_text(text)
    return path


def test_prepare_copies_found_dependencies_and_drops_missing_ones(tmp_path):
    repo = tmp_path / "repo"
    _chart(repo / "common", "apiVersion: v2\nname: common\ntype: library\nversion: 2.0.0\n")
    app = _chart(
        repo / "app",
        "apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n"
        "  - name: common\n    version: 2.x.x\n    repository: oci://registry/charts\n"
        "  - name: postgresql\n    version: 1.x.x\n    repository: https://charts.example\n",
    )
    (app / "Chart.lock").write_text("dependencies: []\n")
    assert chart_roots(repo) == [app]  # the library chart is not installable
    out = prepare_chart(app, tmp_path / "scratch")
    meta = YAML(typ="safe").load((out / "Chart.yaml").read_text())
    assert [d["name"] for d in meta["dependencies"]] == ["common"]
    assert (out / "charts" / "common" / "Chart.yaml").is_file()
    assert not (out / "Chart.lock").exists()
    # The source is untouched.
    assert "postgresql" in (app / "Chart.yaml").read_text() and (app / "Chart.lock").exists()


def test_block_rewrite_keeps_the_rest_of_the_page(tmp_path, monkeypatch):
    doc = tmp_path / "accuracy.md"
    doc.write_text(
        "# Accuracy\n\n<!-- exactness:begin -->\nold\n<!-- exactness:end -->\n\n"
        "<!-- precision:begin -->\nkept\n<!-- precision:end -->\n"
    )
    monkeypatch.setattr(exactness, "DOC", doc)
    exactness.write("<!-- exactness:begin -->\nnew\n<!-- exactness:end -->")
    assert doc.read_text() == (
        "# Accuracy\n\n<!-- exactness:begin -->\nnew\n<!-- exactness:end -->\n\n"
        "<!-- precision:begin -->\nkept\n<!-- precision:end -->\n"
    )
