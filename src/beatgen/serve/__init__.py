"""The live preview: build, serve, watch, rebuild, reload."""

from beatgen.serve.handler import PortsBusy
from beatgen.serve.indexer import Indexed
from beatgen.serve.server import Listening, Rebuilt, ServeEvent, ServeOptions, Shown, serve

__all__ = ["Indexed", "Listening", "PortsBusy", "Rebuilt", "ServeEvent", "ServeOptions", "Shown", "serve"]
