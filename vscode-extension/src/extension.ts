/**
 * The hook-lsp VS Code extension: starts the language server for chart templates and adds the
 * commands (restart, hook timeline, output) and the status bar item.
 *
 * Templates are matched by path (`templates/**` yaml/yml/tpl) for both the `helm` language id
 * (helm-ls and Kubernetes extensions) and plain `yaml`, so it works with or without them.
 */
import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions, State, TransportKind } from "vscode-languageclient/node";
import { findServer, NoPythonError } from "./python";
import { Status } from "./status";
import { TimelinePanel } from "./timeline";

const TEMPLATES = "**/templates/**/*.{yaml,yml,tpl}";
export const DOCUMENT_SELECTOR = [
  { scheme: "file", language: "helm", pattern: TEMPLATES },
  { scheme: "file", language: "yaml", pattern: TEMPLATES },
];

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
let status: Status;
let timeline: TimelinePanel;
let starting: Promise<void> | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("hook-lsp", { log: true });
  status = new Status();
  timeline = new TimelinePanel(() => client);
  context.subscriptions.push(
    output,
    status,
    vscode.commands.registerCommand("hookLsp.restartServer", () => restart(context)),
    vscode.commands.registerCommand("hookLsp.showOutput", () => output.show(true)),
    vscode.commands.registerCommand("hookLsp.showTimeline", (chartRoot?: unknown, operation?: unknown) =>
      showTimeline(typeof chartRoot === "string" ? chartRoot : undefined, typeof operation === "string" ? operation : undefined),
    ),
    vscode.commands.registerCommand("hookLsp.openLocation", async (uri: string, line: number) => {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
      const pos = new vscode.Position(Math.max(0, line ?? 0), 0);
      await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), viewColumn: vscode.ViewColumn.One });
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration("hookLsp.server.path") || e.affectsConfiguration("hookLsp.interpreter")) {
        await restart(context);
      }
    }),
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (editor && isTemplate(editor.document)) {
        void timeline.follow(editor.document.uri);
      }
    }),
    vscode.workspace.onDidSaveTextDocument((doc) => {
      if (timeline.visible && isTemplate(doc)) {
        void timeline.refresh();
      }
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await stop();
}

function isTemplate(doc: vscode.TextDocument): boolean {
  return vscode.languages.match(DOCUMENT_SELECTOR, doc) > 0;
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  if (starting) {
    return starting;
  }
  starting = (async () => {
    status.setState("starting");
    const resource = vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
    let server;
    try {
      server = await findServer(context.extensionPath, resource, (line) => output.info(line));
    } catch (err) {
      status.setState("failed");
      output.error(String(err instanceof Error ? err.message : err));
      if (err instanceof NoPythonError) {
        void offerPythonHelp(err.message);
      }
      return;
    }
    output.info(`starting: ${server.description}`);
    if (server.warning) {
      output.warn(server.warning);
      void offerInterpreterHelp(server.warning);
    }
    const serverOptions: ServerOptions = {
      command: server.command,
      args: server.args,
      transport: TransportKind.stdio,
      options: { env: server.env },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      outputChannel: output,
      initializationOptions: vscode.workspace.getConfiguration().get("hookLsp"),
      // Setting changes are sent to the server as workspace/didChangeConfiguration; file watching
      // is registered by the server itself (dynamic registration).
      synchronize: { configurationSection: "hookLsp" },
      middleware: {
        didOpen: (doc, next) => {
          status.analysing(doc.uri.toString());
          return next(doc);
        },
        didChange: (event, next) => {
          status.analysing(event.document.uri.toString());
          return next(event);
        },
        handleDiagnostics: (uri, diagnostics, next) => {
          status.analysed(uri.toString());
          next(uri, diagnostics);
        },
      },
    };
    const c = new LanguageClient("hookLsp", "hook-lsp", serverOptions, clientOptions);
    c.onDidChangeState((e) => {
      status.setState(e.newState === State.Running ? "ready" : e.newState === State.Starting ? "starting" : "stopped");
    });
    // The server says once which parts of the analysis cannot run here (a missing compiled
    // dependency or ShellCheck); the status item keeps showing it.
    c.onNotification("hookLsp/parts", (params: { missing?: string[]; rulesLost?: string[]; parts?: { key: string; title: string; active: boolean }[] }) => {
      const missing = (params.parts ?? []).filter((p) => params.missing?.includes(p.key)).map((p) => p.title);
      status.setDegraded(missing, params.rulesLost ?? []);
      for (const title of missing) {
        output.warn(`not available here: ${title}`);
      }
    });
    client = c;
    try {
      await c.start();
    } catch (err) {
      status.setState("failed");
      output.error(`the server did not start: ${err instanceof Error ? err.message : err}`);
      void vscode.window
        .showErrorMessage(`hook-lsp: the server did not start (${server.description}).`, "Show Output")
        .then((choice) => choice && output.show(true));
    }
  })();
  try {
    await starting;
  } finally {
    starting = undefined;
  }
}

async function stop(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop(5000);
    } catch (err) {
      output.warn(`stopping the server: ${err}`);
    }
  }
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  await stop();
  await start(context);
}

/** From the palette: the active template's chart. From a code lens or the view: `chartRoot`. */
async function showTimeline(chartRoot?: string, operation?: string): Promise<void> {
  if (chartRoot) {
    await timeline.show({ chartRoot }, operation);
    return;
  }
  const editor = vscode.window.activeTextEditor;
  const doc =
    editor && isTemplate(editor.document)
      ? editor.document
      : vscode.workspace.textDocuments.find((d) => isTemplate(d));
  if (!doc) {
    void vscode.window.showInformationMessage("hook-lsp: open a template of a chart (a file under templates/) to see its hook timeline.");
    return;
  }
  await timeline.show({ uri: doc.uri.toString() }, operation);
}

async function offerInterpreterHelp(message: string): Promise<void> {
  const choose = "Set Interpreter";
  const choice = await vscode.window.showWarningMessage(message, choose, "Show Output");
  if (choice === choose) {
    await vscode.commands.executeCommand(vscode.env.remoteName ? "workbench.action.openRemoteSettings" : "workbench.action.openSettings", vscode.env.remoteName ? { query: "hookLsp.interpreter" } : "hookLsp.interpreter");
  } else if (choice) {
    output.show(true);
  }
}

async function offerPythonHelp(message: string): Promise<void> {
  const choose = "Set Interpreter";
  const install = "Get Python";
  const choice = await vscode.window.showErrorMessage(message, choose, install);
  if (choice === choose) {
    // A machine setting: in a remote window (SSH, containers, code-server) it lives on the remote side.
    if (vscode.env.remoteName) {
      await vscode.commands.executeCommand("workbench.action.openRemoteSettings", { query: "hookLsp.interpreter" });
    } else {
      await vscode.commands.executeCommand("workbench.action.openSettings", "hookLsp.interpreter");
    }
  } else if (choice === install) {
    await vscode.env.openExternal(vscode.Uri.parse("https://www.python.org/downloads/"));
  }
}
