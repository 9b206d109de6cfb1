"""Presentation layer: figures and HTML fragments built from the stages' tables (no stage logic)."""
