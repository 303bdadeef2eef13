-- Checks the Lua in docs/editors/neovim.md inside a real Neovim: every block must compile, the
-- filetype block is run for real, and the server-setup blocks are run against stand-ins for the
-- APIs Neovim 0.7 lacks (vim.lsp.config/enable, nvim-lspconfig), capturing what they configure.
-- Environment: HOOK_LSP_DOC_BLOCKS (JSON list of code strings), HOOK_LSP_PATHS (JSON list of
-- files to detect the filetype of), HOOK_LSP_RESULT (JSON output).
local blocks = vim.fn.json_decode(os.getenv("HOOK_LSP_DOC_BLOCKS"))
local paths = vim.fn.json_decode(os.getenv("HOOK_LSP_PATHS"))
local result = { compiled = {}, filetypes = {}, configs = {} }

local function run(index, code)
  local chunk, err = loadstring(code, "neovim.md block " .. index)
  result.compiled[index] = chunk and true or err
  if not chunk then
    return
  end
  local ok, run_err = pcall(chunk)
  if not ok then
    result.configs["error " .. index] = tostring(run_err)
  end
end

-- Stand-ins that record the configuration instead of starting a server.
vim.lsp.config = function(name, config)
  result.configs["vim.lsp.config " .. name] = config
end
vim.lsp.enable = function(name)
  result.configs["enabled " .. name] = true
end
local lspconfig = { util = { root_pattern = function(...) return { root_pattern = { ... } } end } }
local configs = {}
setmetatable(lspconfig, {
  __index = function(_, name)
    return { setup = function(opts)
      local entry = configs[name]
      result.configs["lspconfig " .. name] = entry and entry.default_config or { setup_only = true }
    end }
  end,
})
package.preload["lspconfig"] = function() return lspconfig end
package.preload["lspconfig.configs"] = function() return configs end

vim.g.do_filetype_lua = 1 -- Neovim 0.7: use filetype.lua, where vim.filetype.add applies
vim.cmd("filetype on")
for i, code in ipairs(blocks) do
  if code:find("vim.api.nvim_create_autocmd", 1, true) then
    -- The plugin-less block needs vim.fs / vim.lsp.start (0.8+): compile it only.
    local chunk, err = loadstring(code, "neovim.md block " .. i)
    result.compiled[i] = chunk and true or err
  else
    run(i, code)
  end
end

for _, path in ipairs(paths) do
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  result.filetypes[path] = vim.bo.filetype
end

-- Functions (root_dir) cannot be encoded: keep their names only.
local function plain(v)
  if type(v) == "function" then return "<function>" end
  if type(v) ~= "table" then return v end
  local out = {}
  for k, x in pairs(v) do out[k] = plain(x) end
  return out
end
local f = assert(io.open(os.getenv("HOOK_LSP_RESULT"), "w"))
f:write(vim.fn.json_encode(plain(result)))
f:close()
vim.cmd("qall!")
