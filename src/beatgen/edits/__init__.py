"""Edits of content files that are checked before anything is written, and written all or nothing."""
