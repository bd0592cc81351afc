"""The desktop app (PySide6 Qt Widgets): the main window, its models and views, and background tasks."""

from mediacat.gui.pyside_refcount import make_singletons_immortal

make_singletons_immortal()
