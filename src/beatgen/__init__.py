"""beatgen: the static site generator of a space & defense news beat."""

__version__ = "0.1.0"
