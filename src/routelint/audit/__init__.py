"""The pre-migration audit: route inventory, per-route smoke-test checklist, `--target` evaluation and
the HTML/Markdown report (`routelint routes`, `routelint audit`)."""
