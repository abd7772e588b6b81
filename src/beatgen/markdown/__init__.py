"""The Markdown stage: markdown-it-py with our plugins, each content file's body → HTML fragments."""
