/**
 * The status bar item: "analysing" while a template waits for its diagnostics (shown only when
 * that takes a noticeable time, as with a large chart), otherwise the server's state, with a
 * warning sign when the server reported parts of the analysis it cannot run here. Clicking
 * it opens the output channel.
 */
import * as vscode from "vscode";

const SHOW_AFTER_MS = 300;

export class Status implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("hookLsp.status", vscode.StatusBarAlignment.Left, 10);
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private state: "starting" | "ready" | "stopped" | "failed" = "starting";
  /** Parts of the analysis the server reported as unavailable, and the rules lost with them. */
  private degraded: { parts: string[]; rules: string[] } = { parts: [], rules: [] };

  constructor() {
    this.item.name = "hook-lsp";
    this.item.command = "hookLsp.showOutput";
    this.render();
    this.item.show();
  }

  setState(state: "starting" | "ready" | "stopped" | "failed"): void {
    this.state = state;
    if (state !== "ready") {
      this.pending.clear();
    }
    this.render();
  }

  /** The server's `hookLsp/parts` report: what cannot run here (empty when all is well). */
  setDegraded(parts: string[], rules: string[]): void {
    this.degraded = { parts, rules };
    this.render();
  }

  /** A document was sent to the server: diagnostics for it are due. */
  analysing(uri: string): void {
    this.pending.add(uri);
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.render();
      }, SHOW_AFTER_MS);
    }
  }

  /** Diagnostics for the document arrived. */
  analysed(uri: string): void {
    if (this.pending.delete(uri) && this.pending.size === 0) {
      this.render();
    }
  }

  private render(): void {
    if (this.state === "ready" && this.pending.size > 0 && !this.timer) {
      this.item.text = "$(sync~spin) hook-lsp: analysing";
      this.item.tooltip = `Analysing ${this.pending.size} template(s)`;
      return;
    }
    const text = {
      starting: ["$(loading~spin) hook-lsp", "Starting the hook-lsp server"],
      ready: ["$(check) hook-lsp", "hook-lsp is running — click for its output"],
      stopped: ["$(circle-slash) hook-lsp", "hook-lsp is stopped — click for its output"],
      failed: ["$(error) hook-lsp", "hook-lsp could not start — click for its output"],
    }[this.state];
    this.item.text = text[0];
    this.item.tooltip = text[1];
    if (this.state === "ready" && this.degraded.parts.length) {
      this.item.text = "$(warning) hook-lsp";
      this.item.tooltip =
        `hook-lsp is running without: ${this.degraded.parts.join(", ")} — ` +
        `${this.degraded.rules.join(", ")} do not run. Click for the output.`;
    }
  }

  dispose(): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.item.dispose();
  }
}
