"""Content: files on disk → validated, frozen models plus diagnostics. Knows nothing of rendering."""
