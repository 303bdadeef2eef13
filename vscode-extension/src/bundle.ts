/**
 * What the bundled server of this platform's package holds, and which of its compiled parts suit
 * an interpreter. No `vscode` import: tests run this module under plain Node.
 *
 * Layout (scripts/bundle-server.mjs): `bundled/libs` (pure Python), `bundled/native/cp3XY` (the
 * compiled parsers per CPython version), `bundled/target.json` (platform and versions).
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The facts about an interpreter that choosing compiled parts needs. */
export interface Interpreter {
  executable: string;
  version: [number, number, number];
  /** `sys.implementation.name`: "cpython", "pypy", ... */
  implementation: string;
}

/** What bundle-server.mjs put into this platform's package (bundled/target.json). */
interface BundleManifest {
  target: string;
  pythons: string[];
}

export function bundledLibs(extensionPath: string): string | undefined {
  const libs = path.join(extensionPath, "bundled", "libs");
  return fs.existsSync(path.join(libs, "hook_lsp", "__init__.py")) ? libs : undefined;
}

function bundleManifest(extensionPath: string): BundleManifest | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(extensionPath, "bundled", "target.json"), "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * The bundle's compiled parts (tree-sitter, pglast, ...) for this interpreter: `bundled/native/cp3XY`
 * of the platform this package was built for. A Python it has none for gets the pure part only,
 * and a warning that says what is off and how to fix it.
 */
export function bundledNative(extensionPath: string, p: Interpreter): { dir?: string; warning?: string } {
  const tag = `cp${p.version[0]}${p.version[1]}`;
  const dir = path.join(extensionPath, "bundled", "native", tag);
  if (p.implementation === "cpython" && fs.existsSync(dir)) {
    return { dir };
  }
  const manifest = bundleManifest(extensionPath);
  const pythons = manifest?.pythons?.length ? `CPython ${manifest.pythons[0]}–${manifest.pythons[manifest.pythons.length - 1]}` : "no Python";
  const platform = manifest?.target ?? `${process.platform}-${process.arch}`;
  const which = `${p.implementation === "cpython" ? "CPython" : p.implementation} ${p.version.slice(0, 2).join(".")}`;
  return {
    warning:
      `hook-lsp: ${p.executable} is ${which}, and this extension's bundled server has compiled parts only for ` +
      `${pythons} on ${platform}, so the script rules (shell and SQL inside hooks) will not run. ` +
      `Install hook-lsp into that interpreter (\`${p.executable} -m pip install hook-lsp\`), ` +
      `or set "hookLsp.interpreter" to ${manifest?.pythons?.length ? pythons : "a Python that has hook-lsp installed"}.`,
  };
}
