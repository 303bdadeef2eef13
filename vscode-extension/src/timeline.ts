/**
 * The "hook timeline" view: asks the server for `hookLsp/timeline` of a chart and operation
 * (install, upgrade, rollback, uninstall, test) and renders the answer as HTML — one section per
 * step of the operation, with a table of its hooks in the order Helm runs them.
 *
 * The answer is rendered defensively: `steps` (or a bare array of steps), each with `event` or
 * `title` and `hooks` (`name`, `kind`, `weight`; other fields become details). Missing fields, an
 * older server without the request, or an error give a readable message instead of raw JSON.
 */
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";

export const TIMELINE_REQUEST = "hookLsp/timeline";
export const OPERATIONS = ["install", "upgrade", "rollback", "uninstall", "test"];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const esc = (value: unknown): string =>
  String(value).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const isObject = (v: unknown): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v);

const scalar = (v: unknown): boolean => v === null || ["string", "number", "boolean"].includes(typeof v);

function show(v: Json | undefined): string {
  if (v === undefined || v === null || v === "") {
    return "";
  }
  if (Array.isArray(v)) {
    return v.map((x) => (scalar(x) ? String(x) : JSON.stringify(x))).join(", ");
  }
  return isObject(v) ? JSON.stringify(v) : String(v);
}

const commandLink = (command: string, args: unknown[], label: string, title = ""): string =>
  `<a href="command:${command}?${encodeURIComponent(JSON.stringify(args))}" title="${esc(title)}">${esc(label)}</a>`;

/** A link that opens the hook's template, when the answer says where it is. */
function locationLink(hook: Record<string, Json>, label: string): string {
  let target: string | undefined;
  if (typeof hook.uri === "string") {
    target = hook.uri;
  } else if (typeof hook.path === "string") {
    target = vscode.Uri.file(hook.path).toString();
  }
  if (!target) {
    return esc(label);
  }
  let line = 0; // 0-based for the command
  const range = hook.range;
  if (isObject(range) && isObject(range.start) && typeof range.start.line === "number") {
    line = range.start.line;
  } else if (typeof hook.line === "number") {
    line = Math.max(0, hook.line - 1); // `line` is 1-based
  }
  return commandLink("hookLsp.openLocation", [target, line], label, `${show(hook.path ?? hook.uri)}:${line + 1}`);
}

// Fields shown in their own column, or not at all (repeated elsewhere / internal).
const HOOK_COLUMNS = new Set(["name", "kind", "weight", "uri", "range", "line", "path", "event", "position", "total", "origin", "order_certain"]);

function detail(key: string, value: Json): string {
  if (value === false || show(value) === "") {
    return "";
  }
  const label = key.replace(/_/g, " ");
  if (value === true) {
    return `<div class="detail"><span class="flag">${esc(label)}</span></div>`;
  }
  if (Array.isArray(value) && value.length > 1) {
    return `<div class="detail"><span class="key">${esc(label)}</span><ul>${value.map((v) => `<li>${esc(show(v))}</li>`).join("")}</ul></div>`;
  }
  return `<div class="detail"><span class="key">${esc(label)}</span> ${esc(show(value))}</div>`;
}

function renderHook(hook: Json, index: number): string {
  if (!isObject(hook)) {
    return `<tr class="hook"><td class="n">${index + 1}</td><td colspan="3">${esc(show(hook))}</td></tr>`;
  }
  const details =
    Object.entries(hook)
      .filter(([k]) => !HOOK_COLUMNS.has(k))
      .map(([k, v]) => detail(k, v))
      .join("") + (hook.order_certain === false ? `<div class="detail"><span class="flag warn">order not certain (templated name or weight)</span></div>` : "");
  const weight = hook.weight === undefined || hook.weight === null ? "0" : show(hook.weight);
  const n = typeof hook.position === "number" ? hook.position : index + 1;
  // Details get a full-width row of their own: the view usually sits in a narrow side column.
  return (
    `<tr class="hook"><td class="n">${esc(n)}</td>` +
    `<td class="weight">${esc(weight)}</td>` +
    `<td class="kind">${esc(show(hook.kind))}</td>` +
    `<td class="name">${locationLink(hook, show(hook.name) || "(unnamed)")}</td></tr>` +
    (details ? `<tr class="details"><td></td><td colspan="3">${details}</td></tr>` : "")
  );
}

function notesList(notes: Json | undefined): string {
  return Array.isArray(notes) && notes.length ? `<ul class="notes">${notes.map((n) => `<li>${esc(show(n))}</li>`).join("")}</ul>` : "";
}

function renderStep(step: Json, index: number): string {
  if (!isObject(step)) {
    return `<section class="step"><h2>${esc(show(step))}</h2></section>`;
  }
  const heading = show(step.title) || show(step.event ?? step.name) || `step ${index + 1}`;
  const hooks = Array.isArray(step.hooks) ? step.hooks : [];
  const isHookStep = step.kind === "hooks" || hooks.length > 0;
  // Argo CD's steps are waves: their resources are applied together, numbered only for reading.
  const order = step.kind === "wave" ? "wave" : "weight";
  const waits = show(step.waits) ? `<p class="waits"><span class="key">waits for</span> ${esc(show(step.waits))}</p>` : "";
  const refs = Array.isArray(step.refs) && step.refs.length ? ` <span class="refs">${esc(show(step.refs))}</span>` : "";
  const table = hooks.length
    ? `<table><thead><tr><th>#</th><th>${order}</th><th>kind</th><th>name</th></tr></thead>` +
      `<tbody>${hooks.map(renderHook).join("")}</tbody></table>`
    : "";
  const event = show(step.event);
  const badge = event && !heading.startsWith(event) ? `<span class="event">${esc(event)}</span> ` : "";
  const title = event && heading.startsWith(event) ? `<span class="event">${esc(event)}</span>${esc(heading.slice(event.length))}` : esc(heading);
  return (
    `<section class="step ${isHookStep ? "hooks" : "other"}">` +
    `<h2>${index + 1}. ${badge}${title}${refs}</h2>${waits}${table}${notesList(step.notes)}</section>`
  );
}

/** The page for a server answer. */
export function renderTimeline(answer: Json, title: string, root?: string, operation?: string): string {
  const steps = Array.isArray(answer) ? answer : isObject(answer) && Array.isArray(answer.steps) ? answer.steps : null;
  const ops = root
    ? `<nav>${OPERATIONS.map((op) =>
        op === operation ? `<strong>${esc(op)}</strong>` : commandLink("hookLsp.showTimeline", [root, op], op, `Show the ${op} timeline`),
      ).join(" · ")}</nav>`
    : "";
  let body: string;
  if (steps === null) {
    body =
      `<p>The server answered in a shape this view does not know; here it is as sent:</p>` +
      `<pre>${esc(JSON.stringify(answer, null, 2))}</pre>`;
  } else if (steps.length === 0) {
    body = `<p class="muted">Nothing happens in this operation.</p>`;
  } else {
    const meta = isObject(answer)
      ? ["chart", "operation", "deployer", "helm_version", "helmVersion"]
          .filter((k) => show(answer[k]) !== "")
          .map((k) => `<span class="detail-inline"><span class="key">${esc(k.replace(/_/g, " "))}</span> ${esc(show(answer[k]))}</span>`)
          .join(" ")
      : "";
    body = (meta ? `<p>${meta}</p>` : "") + (isObject(answer) ? notesList(answer.notes) : "") + steps.map(renderStep).join("");
  }
  return page(title, ops + body);
}

export function renderMessage(title: string, message: string): string {
  return page(title, `<p class="muted">${esc(message)}</p>`);
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<title>${esc(title)}</title>
<style>
  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1em 2em; }
  h1 { font-size: 1.3em; } h2 { font-size: 1.05em; margin: 1.4em 0 0.3em; }
  nav { margin-bottom: 0.8em; }
  .event { font-family: var(--vscode-editor-font-family); background: var(--vscode-badge-background);
           color: var(--vscode-badge-foreground); padding: 0.05em 0.45em; border-radius: 3px; }
  section.other h2 { opacity: 0.8; font-weight: 500; }
  .refs { font-size: 0.8em; opacity: 0.6; font-weight: normal; }
  table { border-collapse: collapse; width: 100%; margin-top: 0.3em; }
  th, td { text-align: left; vertical-align: top; padding: 0.3em 0.6em; }
  th, tr.details td, tr.hook:last-child td { border-bottom: 1px solid var(--vscode-editorWidget-border, #8884); }
  tr.hook td { padding-top: 0.5em; } tr.details td { font-size: 0.92em; padding-bottom: 0.5em; }
  th { font-weight: 600; } td.n, td.weight { text-align: right; width: 3em; font-variant-numeric: tabular-nums; }
  td.kind { width: 9em; } .muted { opacity: 0.75; }
  .detail { margin: 0.1em 0; } .detail ul { margin: 0.1em 0 0.1em 1.2em; padding: 0; }
  .key { opacity: 0.7; } .flag { font-style: italic; } .warn { color: var(--vscode-editorWarning-foreground); }
  .waits { margin: 0.2em 0; } .detail-inline { margin-right: 1.2em; }
  pre { white-space: pre-wrap; }
</style></head>
<body><h1>${esc(title)}</h1>${body}</body></html>`;
}

/** One panel, re-used; it follows the chart of the active template. */
export class TimelinePanel {
  private panel: vscode.WebviewPanel | undefined;
  private target: { uri?: string; chartRoot?: string } = {};
  private operation = "install";

  constructor(private readonly getClient: () => LanguageClient | undefined) {}

  /** Show the timeline for a document (`uri`) or a chart folder (`chartRoot`). */
  async show(target: { uri?: string; chartRoot?: string }, operation?: string): Promise<void> {
    this.target = target;
    if (operation && OPERATIONS.includes(operation)) {
      this.operation = operation;
    }
    if (!this.panel) {
      // preserveFocus: opened from a code lens, the editor keeps the keyboard.
      this.panel = vscode.window.createWebviewPanel("hookLsp.timeline", "Hook timeline", { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
        enableCommandUris: true,
        enableScripts: false,
      });
      this.panel.onDidDispose(() => (this.panel = undefined));
    } else {
      this.panel.reveal(undefined, true);
    }
    await this.refresh();
  }

  get visible(): boolean {
    return this.panel !== undefined;
  }

  async follow(uri: vscode.Uri): Promise<void> {
    if (this.panel && chartOf(uri.path) !== chartOf(this.targetPath())) {
      this.target = { uri: uri.toString() };
      await this.refresh();
    }
  }

  private targetPath(): string {
    return this.target.uri ? vscode.Uri.parse(this.target.uri).path : this.target.chartRoot ?? "";
  }

  async refresh(): Promise<void> {
    const panel = this.panel;
    if (!panel) {
      return;
    }
    let title = `Hook timeline — ${chartOf(this.targetPath()) || "chart"}`;
    panel.title = title;
    const client = this.getClient();
    if (!client || !client.isRunning()) {
      panel.webview.html = renderMessage(title, "The hook-lsp server is not running. Run “hook-lsp: Restart Server”.");
      return;
    }
    try {
      const params: Record<string, unknown> = { ...this.target, operation: this.operation };
      if (this.target.uri) {
        params.textDocument = { uri: this.target.uri };
      }
      const answer = await client.sendRequest<Json>(TIMELINE_REQUEST, params);
      if (this.panel !== panel) {
        return;
      }
      if (isObject(answer) && typeof answer.chart === "string") {
        title = `Hook timeline — ${answer.chart}`;
        panel.title = title;
      }
      const root = isObject(answer) && typeof answer.root === "string" ? answer.root : this.target.chartRoot;
      panel.webview.html = renderTimeline(answer, title, root, this.operation);
    } catch (err: any) {
      const notThere = err?.code === -32601;
      panel.webview.html = renderMessage(
        title,
        notThere
          ? "This version of the hook-lsp server cannot show a timeline yet (it does not answer hookLsp/timeline)."
          : `The server could not build the timeline: ${err?.message ?? err}`,
      );
    }
  }
}

/** The chart folder's name for a template path or a chart root. */
function chartOf(p: string): string {
  const parts = p.split(/[\\/]/).filter((s) => s);
  const at = parts.lastIndexOf("templates");
  return at > 0 ? parts[at - 1] : parts[parts.length - 1] ?? "";
}
