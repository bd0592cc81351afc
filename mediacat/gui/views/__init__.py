"""The main window's widgets: grid and table views, the delegate, the side bar, detail pane and reader."""
