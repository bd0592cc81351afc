"""The main window's views: grid, table, detail pane, article reader, media viewers."""
