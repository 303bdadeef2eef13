// Renders hook timelines with the extension's own renderer (vscode-extension/src/timeline.ts,
// bundled here by esbuild with a stand-in for the `vscode` module), for test_timeline_view.py.
// stdin: JSON list of [answer, title, root, operation]; stdout: JSON list of HTML pages.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const extension = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "vscode-extension");
const { build } = createRequire(join(extension, "package.json"))("esbuild");
const stub = "export const Uri = { file: (p) => ({ toString: () => 'file://' + p }), parse: (s) => ({ path: s }) };";
const bundle = await build({
  entryPoints: [join(extension, "src", "timeline.ts")],
  bundle: true,
  write: false,
  format: "esm",
  platform: "node",
  plugins: [{
    name: "vscode-stub",
    setup(b) {
      b.onResolve({ filter: /^vscode$/ }, () => ({ path: "vscode", namespace: "stub" }));
      b.onLoad({ filter: /.*/, namespace: "stub" }, () => ({ contents: stub, loader: "js" }));
    },
  }],
});
const { renderTimeline } = await import("data:text/javascript;base64," + Buffer.from(bundle.outputFiles[0].text).toString("base64"));
const cases = JSON.parse(readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(cases.map(([answer, title, root, operation]) => renderTimeline(answer, title, root, operation))));
