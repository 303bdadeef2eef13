-- hook-lsp for Neovim, in nvim-lspconfig's `lsp/<name>.lua` form: copy this file to
-- ~/.config/nvim/lsp/hook_lsp.lua (Neovim 0.11+ reads that folder), then
--   vim.lsp.enable("hook_lsp")
-- Chart templates must have the `helm` filetype (docs/editors/neovim.md, step 2).
-- The server comes from `pipx install hook-lsp` (or :MasonInstall hook-lsp with the package
-- definition in editors/mason/package.yaml); `hook-lsp doctor` shows what it can check.
return {
  cmd = { "hook-lsp", "serve" },
  filetypes = { "helm" },
  root_markers = { "Chart.yaml" },
  -- The same settings as the VS Code extension's `hookLsp.*`.
  settings = {
    hookLsp = {
      helmVersion = "4",
    },
  },
}
