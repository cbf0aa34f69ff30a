"""一把手常见问题提醒清单: reminder checklists built from the catalogue's problems (or the corpus)."""

from __future__ import annotations

from xuncha.checklist.builder import ChecklistError, build_checklist
from xuncha.checklist.writers import write_checklist

__all__ = ["ChecklistError", "build_checklist", "write_checklist"]
