"""Parsers for search-result exports: bytes in, normalised records and warnings out, no database access.

``parse_file`` is the entry point: it detects the encoding and the format, parses
the whole file, and either returns every record or raises ``ImportFileError``
naming the line (or row) of the first problem that makes the file unusable.
"""

from .base import ImportFileError, ParsedFile, ParsedRecord
from .detect import FORMAT_NAMES, parse_file

__all__ = ["FORMAT_NAMES", "ImportFileError", "ParsedFile", "ParsedRecord", "parse_file"]
