"""The desktop app (PySide6 Qt Widgets): the main window, its models and views, and background tasks."""
