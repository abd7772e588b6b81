"""The editor's board: drafts, the schedule, embargoes, single-source stories, recent corrections,
"what to watch" dates that have passed, stories without a picture and action items without reasons for
their scores, read from the content as it is on disk."""

from beatgen.desk.board import Board, read_board
from beatgen.desk.output import DeskError, as_html, as_json, as_text, write_html

__all__ = ["Board", "DeskError", "as_html", "as_json", "as_text", "read_board", "write_html"]
