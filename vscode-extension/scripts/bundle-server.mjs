// Puts the hook-lsp server and its dependencies into bundled/libs, so the .vsix runs on a
// machine that has only a Python 3.10+ interpreter (`python -S -m hook_lsp serve`, PYTHONPATH
// = bundled/libs). The backports that only Python 3.10 needs are added explicitly, because pip
// resolves environment markers for the interpreter doing the install.
//
// Python used: $PYTHON, else python3.
import { execFileSync } from "node:child_process";
import { rmSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..");
const target = resolve(here, "..", "bundled", "libs");
const python = process.env.PYTHON || "python3";

rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
execFileSync(
  python,
  [
    "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
    "--target", target, root,
    // Python 3.10 only (markers in pygls/cattrs/hook-lsp): tomllib, ExceptionGroup, typing features.
    "tomli>=2", "exceptiongroup>=1.1", "typing_extensions>=4.12",
  ],
  { stdio: "inherit" },
);
if (!existsSync(join(target, "hook_lsp", "__init__.py"))) {
  console.error("bundle-server: hook_lsp is missing from bundled/libs");
  process.exit(1);
}
console.log(`bundled the server into ${target}`);
