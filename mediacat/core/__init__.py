"""MediaCat's core: catalog model, SQLite store, seeds, search, attachments, CSV. Never imports Qt."""
