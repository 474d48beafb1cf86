"""The core without Flask: lazy text, parsing, message rendering, SMS segments, time helpers."""
