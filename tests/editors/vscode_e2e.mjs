// Drives VS Code (code-server in Chromium, via playwright-core) through hook-lsp's features on
// the `shop` chart: squiggle + Problems entry, code lens, hover, quick fix, completion, timeline.
//
// Environment: PLAYWRIGHT_CORE (module path), CHROMIUM, URL (workbench with ?folder=), ARTIFACTS
// (screenshot folder), RESULT (JSON file), SETTINGS (the user settings.json, edited as a user
// would), SCENARIO (features, python3-only, no-python). Each step is recorded — pass or fail, with what was
// seen — and the JSON is rewritten after every step, so pytest can check each behaviour on its own.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PLAYWRIGHT_CORE);
const ARTIFACTS = process.env.ARTIFACTS;
const RESULT = process.env.RESULT;
const FILE = "db-migrate-job.yaml";
const HOOK_LINE = 6; // 1-based: `    "helm.sh/hook": pre-instal,pre-upgrade`

const result = { steps: {}, console: [] };
const save = () => writeFileSync(RESULT, JSON.stringify(result, null, 2));
let shot = 0;
async function screenshot(page, name) {
  const file = `vscode-${String(++shot).padStart(2, "0")}-${name}.png`;
  await page.screenshot({ path: join(ARTIFACTS, file) });
  return file;
}

async function step(name, page, fn) {
  const started = Date.now();
  try {
    const value = await fn();
    result.steps[name] = { ok: true, ...value, ms: Date.now() - started };
  } catch (err) {
    let file;
    try { file = await screenshot(page, `${name}-failed`); } catch { /* page gone */ }
    result.steps[name] = { ok: false, error: String(err?.message ?? err).split("\n")[0], screenshot: file, ms: Date.now() - started };
  }
  save();
}

/** Text of the editor's rendered lines (Monaco renders only what is visible). */
const lineText = (page, needle) =>
  page.evaluate((needle) => {
    for (const line of document.querySelectorAll(".editor-instance .view-lines .view-line, .monaco-editor .view-lines .view-line")) {
      const t = line.textContent.replace(/\u00a0/g, " ");
      if (t.includes(needle)) return t;
    }
    return null;
  }, needle);

/** Screen position of `needle` inside the rendered line that contains `lineNeedle`. */
const positionOf = (page, lineNeedle, needle, offset = 2) =>
  page.evaluate(({ lineNeedle, needle, offset }) => {
    for (const line of document.querySelectorAll(".monaco-editor .view-lines .view-line")) {
      const text = line.textContent.replace(/\u00a0/g, " ");
      if (!text.includes(lineNeedle)) continue;
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      let node, seen = 0;
      const at = text.indexOf(needle) + offset;
      while ((node = walker.nextNode())) {
        const len = node.textContent.length;
        if (seen + len > at) {
          const range = document.createRange();
          range.setStart(node, at - seen);
          range.setEnd(node, at - seen + 1);
          const r = range.getBoundingClientRect();
          return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
        }
        seen += len;
      }
    }
    return null;
  }, { lineNeedle, needle, offset });

/** Text of the hook timeline webview (an iframe inside an iframe), once it contains `needle`. */
async function webviewText(page, needle, timeout = 15000) {
  const deadline = Date.now() + timeout;
  let last = "";
  while (Date.now() < deadline) {
    for (const frame of page.frames().filter((f) => f !== page.mainFrame())) {
      try {
        const t = await frame.evaluate(() => document.body?.innerText ?? "");
        if (t.includes("Hook timeline")) last = t;
        if (t.includes("Hook timeline") && t.includes(needle)) return t;
      } catch { /* the frame navigated meanwhile */ }
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`the timeline view did not show "${needle}"${last ? `; it shows: ${last.slice(0, 300)}` : ""}`);
}

/** Quick Open (Ctrl+P) a file of the workspace and wait until its tab is the active one. */
async function openFile(page, name) {
  await page.keyboard.press("Control+p");
  await page.waitForSelector(".quick-input-widget input", { state: "visible" });
  await page.keyboard.type(name);
  await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${name}"]`);
  await page.keyboard.press("Enter");
  await page.waitForFunction((name) => document.querySelector(".tabs-container .tab.active")?.textContent.includes(name), name);
  await page.waitForFunction(() =>
    [...document.querySelectorAll(".monaco-editor .view-lines")].some((v) => v.textContent.includes("helm.sh/hook")));
}

async function goto(page, line, column) {
  await page.keyboard.press("Control+1"); // the template's editor group has the keyboard, not a view
  await page.keyboard.press("Control+g");
  await page.waitForSelector(".quick-input-widget input", { state: "visible", timeout: 5000 });
  await page.keyboard.type(`${line}:${column}`);
  await page.keyboard.press("Enter");
  await page.waitForTimeout(200);
}

/** Run a command from the Command Palette: the row whose label is exactly `title`. */
async function runCommand(page, title) {
  await page.keyboard.press("F1");
  await page.waitForSelector(".quick-input-widget input", { state: "visible", timeout: 5000 });
  await page.keyboard.type(title);
  const labels = () => page.$$eval(".quick-input-list .monaco-list-row", (rows) =>
    rows.map((r) => (r.querySelector(".label-name")?.textContent ?? "").replace(/\u00a0/g, " ").trim()));
  let index = -1;
  for (let i = 0; i < 40 && index < 0; i++) {
    index = (await labels()).indexOf(title);
    if (index < 0) await page.waitForTimeout(250);
  }
  if (index < 0) throw new Error(`no command "${title}" in the palette: ${(await labels()).join(" | ")}`);
  for (let i = 0; i < index; i++) await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
page.on("console", (msg) => {
  if (msg.type() === "error" && result.console.length < 50) result.console.push(msg.text().slice(0, 300));
});
page.setDefaultTimeout(15000);

/** No Python anywhere: the extension says so, and its button opens the interpreter setting. */
async function noPython() {
  await step("workbench", page, async () => {
    await page.goto(process.env.URL, { waitUntil: "domcontentloaded", timeout: 60000 });
    await page.waitForSelector(".monaco-workbench .part.editor", { timeout: 60000 });
    return {};
  });
  await step("message", page, async () => {
    const toast = page.locator(".notification-toast", { hasText: "needs Python" }).first();
    await toast.waitFor({ timeout: 30000 });
    const text = (await toast.locator(".notification-list-item-message").innerText()).trim();
    const buttons = await toast.locator(".notification-list-item-buttons-container .monaco-button").allInnerTexts();
    const file = await screenshot(page, "no-python-message");
    await toast.locator(".monaco-button", { hasText: "Set Interpreter" }).click();
    await page.waitForFunction(() => document.querySelector(".settings-editor")?.innerText.includes("Interpreter"), null, { timeout: 15000 });
    const settings = await page.evaluate(() => document.querySelector(".settings-editor .settings-body")?.innerText ?? "");
    return { text, buttons: buttons.map((b) => b.trim()), settings: settings.slice(0, 1500), screenshot: file,
             settingsScreenshot: await screenshot(page, "no-python-settings") };
  });
}

/** The extension's features on the `shop` chart; `full` false stops after the diagnostics. */
async function features(full) {
  await step("workbench", page, async () => {
    await page.goto(process.env.URL, { waitUntil: "domcontentloaded", timeout: 60000 });
    await page.waitForSelector(".monaco-workbench .part.editor", { timeout: 60000 });
    await page.waitForSelector(".explorer-folders-view .monaco-list-row", { timeout: 30000 });
    return {};
  });

  await step("open", page, async () => {
    await openFile(page, FILE);
    const language = await page.evaluate(() => document.querySelector(".statusbar-item[id$='status.editor.mode']")?.textContent ?? null);
    return { language };
  });

  await step("squiggle", page, async () => {
    // The first diagnostics include the server's start-up.
    await page.waitForSelector(".monaco-editor .squiggly-error", { timeout: 45000 });
    const status = await page.evaluate(() =>
      [...document.querySelectorAll(".statusbar-item")].map((e) => e.textContent.trim()).filter((t) => t.includes("hook-lsp")));
    return { status, screenshot: await screenshot(page, "squiggle") };
  });

  await step("problems", page, async () => {
    await page.keyboard.press("Control+Shift+M");
    await page.waitForFunction(
      () => [...document.querySelectorAll(".markers-panel .monaco-tl-row")].some((r) => r.textContent.includes("pre-instal")),
      null, { timeout: 15000 });
    const rows = await page.$$eval(".markers-panel .monaco-tl-row", (rows) => rows.map((r) => r.textContent.trim()));
    const file = await screenshot(page, "problems");
    await page.keyboard.press("Control+j"); // hide the panel again
    return { rows, screenshot: file };
  });

  if (!full) {
    return; // python3-only: diagnostics from the bundled server are all this scenario checks
  }

  await step("settings", page, async () => {
    const base = JSON.parse(readFileSync(process.env.SETTINGS, "utf8"));
    // As a user would: Preferences: Open User Settings (JSON), replace the text, save.
    // (code-server does not notice settings.json being changed behind its back.)
    const write = async (extra) => {
      await runCommand(page, "Preferences: Open User Settings (JSON)");
      await page.waitForFunction(() => document.querySelector(".tabs-container .tab.active")?.textContent.includes("settings.json"));
      await page.waitForFunction(() => document.activeElement?.closest(".monaco-editor") != null, null, { timeout: 5000 })
        .catch(() => page.locator(".editor-instance .monaco-editor .view-lines").first().click());
      await page.keyboard.press("Control+a");
      // One line: typed text is auto-indented line by line.
      await page.keyboard.insertText(JSON.stringify({ ...base, ...extra }));
      await page.keyboard.press("Control+s");
      await page.waitForFunction(() => !document.querySelector(".tabs-container .tab.active.dirty"));
      await runCommand(page, "View: Close Editor");
      await page.waitForFunction((name) => document.querySelector(".tabs-container .tab.active")?.textContent.includes(name), FILE);
    };
    // A rule turned off in the settings: the server drops the diagnostic at once.
    await write({ "hookLsp.rules": { HK101: "off" } });
    await page.waitForSelector(".monaco-editor .squiggly-error", { state: "detached", timeout: 15000 });
    const ruleOff = await screenshot(page, "settings-rule-off");
    // With a long debounce, an edit waits for its analysis and the status bar says so.
    await write({ "hookLsp.debounceMs": 1500 });
    await page.waitForSelector(".monaco-editor .squiggly-error", { timeout: 15000 });
    await page.keyboard.press("Control+1");
    await page.keyboard.press("Control+End");
    await page.keyboard.type("#");
    const statusText = () => page.evaluate(() =>
      [...document.querySelectorAll(".statusbar-item")].map((e) => e.textContent.trim()).filter((t) => t.includes("hook-lsp")).join(" | "));
    await page.waitForFunction(() => [...document.querySelectorAll(".statusbar-item")].some((e) => e.textContent.includes("hook-lsp: analysing")),
      null, { timeout: 5000 });
    const during = await statusText();
    const analysing = await screenshot(page, "status-analysing");
    await page.waitForFunction(() => ![...document.querySelectorAll(".statusbar-item")].some((e) => e.textContent.includes("analysing")),
      null, { timeout: 15000 });
    const after = await statusText();
    await page.keyboard.press("Control+z");
    await write({});
    return { during, after, screenshot: ruleOff, analysingScreenshot: analysing };
  });

  await step("hover", page, async () => {
    const pos = await positionOf(page, '"helm.sh/hook":', "helm.sh/hook", 3);
    if (!pos) throw new Error("the helm.sh/hook line is not on screen");
    await page.mouse.move(pos.x - 40, pos.y + 60);
    await page.mouse.move(pos.x, pos.y, { steps: 5 });
    // Hover text is matched with waitForFunction: Monaco's hover classes change between versions.
    await page.waitForFunction(() => {
      const hover = [...document.querySelectorAll(".monaco-hover")].find((h) => h.offsetParent !== null && !h.classList.contains("hidden"));
      const text = hover?.innerText ?? "";
      return text.trim().length > 0 && !/Loading/.test(text);
    }, null, { timeout: 10000 });
    await page.waitForTimeout(300);
    const text = await page.evaluate(() =>
      [...document.querySelectorAll(".monaco-hover")].filter((h) => h.offsetParent !== null).map((h) => h.innerText).join("\n---\n"));
    const file = await screenshot(page, "hover");
    await page.mouse.move(5, 450);
    await page.keyboard.press("Escape");
    return { text, screenshot: file };
  });

  await step("quickfix", page, async () => {
    await goto(page, HOOK_LINE, 24); // inside `pre-instal`
    await page.keyboard.press("Control+.");
    await page.waitForSelector(".action-widget .monaco-list-row", { timeout: 15000 });
    const actions = await page.$$eval(".action-widget .monaco-list-row", (rows) => rows.map((r) => r.textContent.trim()));
    const menu = await screenshot(page, "quickfix-menu");
    // Keyboard, as a user would: move the focus to the fix and accept it.
    if (!actions.some((a) => a.includes("Replace with"))) throw new Error(`no "Replace with" fix among: ${actions.join(" | ")}`);
    const focused = () => page.evaluate(() => document.querySelector(".action-widget .monaco-list-row.focused")?.textContent ?? "");
    for (let i = 0; i < actions.length && !(await focused()).includes("Replace with"); i++) {
      await page.keyboard.press("ArrowDown");
    }
    await page.keyboard.press("Enter");
    await page.waitForFunction(() =>
      [...document.querySelectorAll(".monaco-editor .view-lines .view-line")].some((l) =>
        l.textContent.replace(/\u00a0/g, " ").includes('"helm.sh/hook": pre-install,pre-upgrade')), null, { timeout: 10000 });
    // The edit goes to the server as a change; its new diagnostics have no error left.
    await page.waitForSelector(".monaco-editor .squiggly-error", { state: "detached", timeout: 15000 });
    return { actions, line: await lineText(page, '"helm.sh/hook":'), screenshot: menu, after: await screenshot(page, "quickfix-applied") };
  });

  await step("codelens", page, async () => {
    await page.waitForFunction(
      () => [...document.querySelectorAll(".monaco-editor .codelens-decoration")].some((e) => e.textContent.trim() !== ""),
      null, { timeout: 10000 });
    const lenses = await page.$$eval(".monaco-editor .codelens-decoration a", (els) => els.map((e) => e.textContent.trim()));
    const file = await screenshot(page, "codelens");
    // Clicking a lens opens the timeline of that lens's operation.
    await page.locator(".monaco-editor .codelens-decoration a", { hasText: "pre-upgrade" }).first().click();
    const timeline = await webviewText(page, "operation upgrade");
    return { lenses, screenshot: file, timeline, timelineScreenshot: await screenshot(page, "codelens-timeline") };
  });

  await step("completion", page, async () => {
    const line = await lineText(page, '"helm.sh/hook":');
    const column = line.indexOf('"helm.sh/hook":') + '"helm.sh/hook": '.length + 1;
    await goto(page, HOOK_LINE, column);
    await page.keyboard.press("Shift+End");
    await page.keyboard.press("Delete");
    await page.keyboard.press("Control+Space");
    await page.waitForSelector(".suggest-widget.visible .monaco-list-row", { timeout: 15000 });
    await page.waitForTimeout(300);
    const labels = await page.$$eval(".suggest-widget.visible .monaco-list-row", (rows) =>
      rows.map((r) => (r.querySelector(".label-name")?.textContent ?? r.getAttribute("aria-label") ?? "").trim()));
    const file = await screenshot(page, "completion");
    await page.keyboard.press("Escape");
    await page.keyboard.press("Control+z");
    return { labels, screenshot: file };
  });

  await step("timeline", page, async () => {
    await runCommand(page, "hook-lsp: Show Hook Timeline of the Current Chart");
    const text = await webviewText(page, "hooks (2)");
    return { text, screenshot: await screenshot(page, "timeline") };
  });

  await step("output", page, async () => {
    await runCommand(page, "hook-lsp: Show Output");
    await page.waitForFunction(() => document.querySelector(".part.panel")?.innerText.includes("hook-lsp"), null, { timeout: 10000 });
    const channel = await page.evaluate(() => document.querySelector(".part.panel select")?.value ?? null);
    return { channel, screenshot: await screenshot(page, "output") };
  });
}

try {
  if (process.env.SCENARIO === "no-python") {
    await noPython();
  } else {
    await features(process.env.SCENARIO !== "python3-only");
  }
} finally {
  save();
  await browser.close();
}
