"""One module per page; each has `register(backends)`, called by `ui.app.build()`."""
