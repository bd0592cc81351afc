"""The main window's views: grid, table, delegate, side bar, detail pane, article reader and media viewers."""
