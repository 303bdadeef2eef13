;;; emacs_e2e.el --- the Emacs guide's setup, for real: eglot starts hook-lsp on a template.
;; Run by test_emacs.py as `emacs --batch -l emacs_e2e.el`: loads Debian's elpa packages (eglot,
;; yaml-mode), evaluates the guide's Lisp (HOOK_LSP_DOC_EL), opens HOOK_LSP_TEMPLATE, waits for
;; Flymake diagnostics from the server and writes their texts to HOOK_LSP_OUT, one a line.
(dolist (dir (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/*"))
  (add-to-list 'load-path dir))
(require 'yaml-mode)
(require 'eglot)
(load (getenv "HOOK_LSP_DOC_EL"))
(setq eglot-sync-connect t)
(find-file (getenv "HOOK_LSP_TEMPLATE"))
(message "mode: %s" major-mode)
;; eglot-ensure (from the guide's mode hook) starts the server after the next command; batch
;; mode runs none, so run the hook that it waits for.
(unless (eglot-current-server) (eglot-ensure) (run-hooks 'post-command-hook))
(let ((deadline (+ (float-time) 60)) diags)
  (while (and (null diags) (< (float-time) deadline))
    (accept-process-output nil 0.2)
    (setq diags (flymake-diagnostics)))
  (with-temp-file (getenv "HOOK_LSP_OUT")
    (dolist (d diags) (insert (format "%s\n" (flymake-diagnostic-text d))))))
(kill-emacs 0)
