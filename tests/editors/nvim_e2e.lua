-- Drives hook-lsp from a real headless Neovim (0.7 API, so it also runs on Debian's 0.7.2),
-- set up exactly as docs/editors/neovim.md tells a Neovim 0.7 user: its filetype block and its
-- FileType autocommand, run as written, start `hook-lsp serve` (from the PATH) for the template.
-- Environment: HOOK_LSP_SETUP (JSON list of the guide's Lua blocks), HOOK_LSP_FILE (template to
-- open), HOOK_LSP_RESULT (where to write the JSON results). Every step is recorded, pass or
-- fail, so the pytest side can assert each behaviour separately.
local result = { steps = {} }
local setup = vim.fn.json_decode(os.getenv("HOOK_LSP_SETUP"))
local file = os.getenv("HOOK_LSP_FILE")
local out = os.getenv("HOOK_LSP_RESULT")
local TIMEOUT = 10000

local function finish(code)
  local f = assert(io.open(out, "w"))
  f:write(vim.fn.json_encode(result))
  f:close()
  for _, client in pairs(vim.lsp.get_active_clients()) do
    client.stop(true)
  end
  vim.cmd(code == 0 and "qall!" or ("cquit " .. code))
end

local function step(name, fn)
  local started = vim.loop.hrtime()
  local ok, value = pcall(fn)
  result.ms = result.ms or {}
  result.ms[name] = math.floor((vim.loop.hrtime() - started) / 1e6)
  if ok then
    result.steps[name] = value
  else
    result.steps[name] = { error = tostring(value) }
  end
end

local ok, err = pcall(function()
  vim.g.do_filetype_lua = 1 -- Neovim 0.7: filetype.lua, where vim.filetype.add applies
  vim.cmd("filetype on")
  for i, code in ipairs(setup) do
    assert(loadstring(code, "neovim.md block " .. i))()
  end
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  result.filetype = vim.bo.filetype
  local buf = vim.api.nvim_get_current_buf()
  local client
  assert(vim.wait(TIMEOUT, function()
    for _, c in pairs(vim.lsp.buf_get_clients(buf)) do
      client = c
    end
    return client ~= nil and client.initialized
  end, 20), "no language server attached to the template (filetype " .. vim.bo.filetype .. ")")
  result.client = { name = client.name, cmd = client.config.cmd, root_dir = client.config.root_dir }

  -- Neovim 0.7 waits the whole timeout for a method no server supports: say so at once instead.
  local function request(method, params)
    assert(client.supports_method(method), "the server does not support " .. method)
    return vim.lsp.buf_request_sync(buf, method, params, TIMEOUT) or {}
  end

  local function hk101()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      local lsp = d.user_data and d.user_data.lsp or {}
      if (lsp.code or d.code) == "HK101" then
        return d
      end
    end
  end

  step("diagnostics", function()
    assert(vim.wait(TIMEOUT, function() return hk101() ~= nil end, 20), "no HK101 diagnostic arrived")
    local all = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      local lsp = d.user_data and d.user_data.lsp or {}
      table.insert(all, {
        lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
        severity = d.severity, message = d.message, source = d.source, code = lsp.code or d.code,
      })
    end
    return all
  end)

  step("code_action", function()
    local d = assert(hk101(), "no HK101 diagnostic to fix")
    -- Neovim 0.7 keeps only `code` and `data` of the LSP diagnostic: rebuild the rest.
    local lsp = d.user_data and d.user_data.lsp or {}
    local range = {
      start = { line = d.lnum, character = d.col },
      ["end"] = { line = d.end_lnum, character = d.end_col },
    }
    local lsp_diag = {
      range = range, message = d.message, severity = d.severity, source = d.source,
      code = lsp.code, data = lsp.data,
    }
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      range = range,
      context = { diagnostics = { lsp_diag } },
    }
    local responses = request("textDocument/codeAction", params)
    local titles, chosen = {}, nil
    for _, response in pairs(responses) do
      assert(not response.err, vim.inspect(response.err))
      for _, action in ipairs(response.result or {}) do
        table.insert(titles, action.title)
        if action.isPreferred and not chosen then
          chosen = action
        end
      end
    end
    assert(chosen, "no preferred quick fix among: " .. table.concat(titles, " | "))
    vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding or "utf-16")
    local line = vim.api.nvim_buf_get_lines(buf, d.lnum, d.lnum + 1, false)[1]
    -- The edit is a didChange: the server re-publishes, and HK101 must be gone.
    local cleared = vim.wait(TIMEOUT, function() return hk101() == nil end, 20)
    return { titles = titles, applied = chosen.title, line = line, cleared = cleared }
  end)

  step("code_lens", function()
    -- After the quick fix the Job is a hook again, so it has lenses.
    local params = { textDocument = { uri = vim.uri_from_bufnr(buf) } }
    local responses = request("textDocument/codeLens", params)
    local lenses = {}
    for _, response in pairs(responses) do
      assert(not response.err, vim.inspect(response.err))
      for _, lens in ipairs(response.result or {}) do
        table.insert(lenses, { line = lens.range.start.line, title = lens.command and lens.command.title or vim.NIL })
      end
    end
    return lenses
  end)
  -- The line with the hook annotation, found by text so the fixture may change.
  local hook_line
  for i, text in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if text:find('"helm.sh/hook":', 1, true) then
      hook_line = i - 1
      break
    end
  end

  step("hover", function()
    assert(hook_line, "no helm.sh/hook line in the file")
    local text = vim.api.nvim_buf_get_lines(buf, hook_line, hook_line + 1, false)[1]
    local col = text:find("helm.sh/hook", 1, true) + 2 -- inside the key
    local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = hook_line, character = col } }
    local responses = request("textDocument/hover", params)
    for _, response in pairs(responses) do
      assert(not response.err, vim.inspect(response.err))
      if response.result then
        local contents = response.result.contents
        local lines = vim.lsp.util.convert_input_to_markdown_lines(contents)
        return { kind = contents.kind, markdown = table.concat(lines, "\n") }
      end
    end
    error("no hover result")
  end)

  step("completion", function()
    assert(hook_line, "no helm.sh/hook line in the file")
    -- Empty the annotation's value, as a user about to type it would have it.
    local text = vim.api.nvim_buf_get_lines(buf, hook_line, hook_line + 1, false)[1]
    local prefix = text:match('^(%s*"helm%.sh/hook":%s*)')
    vim.api.nvim_buf_set_lines(buf, hook_line, hook_line + 1, false, { prefix })
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      position = { line = hook_line, character = #prefix },
      context = { triggerKind = 1 },
    }
    local responses = request("textDocument/completion", params)
    local labels = {}
    for _, response in pairs(responses) do
      assert(not response.err, vim.inspect(response.err))
      local items = response.result and (response.result.items or response.result) or {}
      for _, item in ipairs(items) do
        table.insert(labels, item.label)
      end
    end
    return { line = hook_line, character = #prefix, labels = labels }
  end)

end)

if not ok then
  result.error = tostring(err)
end
finish(0)
