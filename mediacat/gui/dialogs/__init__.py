"""Dialogs shared by the main window and the feature modules."""
