"""Tests for the admin authoring side: library page, editor, preview, save, reload."""
