"""Helpers shared by the apps; nothing in this package imports an app."""
