// Builds the platform-specific .vsix packages (`vsce package --target`), one per target: each
// carries the server bundled for that platform (scripts/bundle-server.mjs).
//
//   node scripts/package.mjs linux-x64 [--out hook-lsp.vsix]   one target
//   node scripts/package.mjs all                                every target, hook-lsp-<target>.vsix
//
// Run `npm run build` first (dist/extension.js is the same for every target).
import { execFileSync } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { TARGETS, bundle } from "./bundle-server.mjs";

const here = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const which = args[0] ?? "linux-x64";
const outAt = args.indexOf("--out");
// linux-x64 last, so bundled/ is left with the set for this kind of machine (development runs).
const targets = which === "all" ? [...Object.keys(TARGETS).filter((t) => t !== "linux-x64"), "linux-x64"] : [which];
if (targets.some((t) => !TARGETS[t]) || (outAt >= 0 && targets.length > 1)) {
  console.error(`usage: package.mjs <${Object.keys(TARGETS).join("|")}|all> [--out FILE (one target)]`);
  process.exit(2);
}
const vsce = resolve(here, "node_modules", ".bin", process.platform === "win32" ? "vsce.cmd" : "vsce");
for (const target of targets) {
  bundle(target);
  const out = outAt >= 0 ? args[outAt + 1] : `hook-lsp-${target}.vsix`;
  execFileSync(
    vsce,
    ["package", "--target", target, "--no-dependencies", "--allow-missing-repository", "--skip-license", "-o", out],
    { cwd: here, stdio: ["ignore", "ignore", "inherit"] },
  );
  console.log(`packaged ${out} (${target})`);
}
