"""The desktop app (PySide6 Qt Widgets)."""
