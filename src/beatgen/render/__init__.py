"""Rendering: routes + site data → bytes, through Jinja layouts."""
