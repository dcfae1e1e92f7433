"""Parsers for search-result exports: bytes in, normalised records and warnings out, no database access.

``parse_file`` is the entry point: it detects the encoding and the format, parses
the whole file, and either returns every record or raises ``ImportFileError``
naming the line (or row) of the first problem that makes the file unusable. ``stream_file``
reads the same files a batch of records at a time, for imports of any size.
"""

from .base import ImportFileError, ParsedFile, ParsedRecord
from .detect import FORMAT_NAMES, RecordStream, parse_file, stream_file

__all__ = ["FORMAT_NAMES", "ImportFileError", "ParsedFile", "ParsedRecord", "RecordStream", "parse_file", "stream_file"]
