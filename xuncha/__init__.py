"""xuncha (巡察): Chinese discipline-inspection reports → searchable catalogue and checklists."""

from xuncha.document import Body, Count, Document, Measure, Person, Problem
from xuncha.pipeline import extract_file, extract_text

__all__ = [
    "Body",
    "Count",
    "Document",
    "Measure",
    "Person",
    "Problem",
    "extract_file",
    "extract_text",
]
__version__ = "0.1.0"
