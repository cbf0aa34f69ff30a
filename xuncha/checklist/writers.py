"""Writing a checklist to a file; the format follows the file's suffix (.docx, .md, .json)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from xuncha.checklist.docx_writer import CHECK_BOXES, chinese_number, write_docx
from xuncha.checklist.model import Checklist


def markdown(checklist: Checklist) -> str:
    lines = [f"# {checklist.title}", ""]
    lines.append(f"> 依据：{checklist.origin}；文件 {checklist.document_count} 份，问题表述 "
                 f"{checklist.statement_count} 条，合并为 {checklist.item_count} 项；生成日期 {checklist.generated}。"
                 "请逐项对照检查。")
    lines.append("")
    box = CHECK_BOXES.replace("\n", "　")
    for d_no, domain in enumerate(checklist.domains, 1):
        lines += [f"## {chinese_number(d_no)}、{domain.name}", ""]
        for a_no, aspect in enumerate(domain.aspects, 1):
            lines += [f"### （{chinese_number(a_no)}）{aspect.name}", ""]
            for c_no, cat in enumerate(aspect.categories, 1):
                lines += [f"#### {c_no}. {cat.name}", ""]
                for i_no, item in enumerate(cat.items, 1):
                    reach = f"（{item.documents}份文件，{item.units}个单位）" if item.documents else ""
                    lines.append(f"{i_no}. **{item.statement}**{reach}　自查：{box}")
                    if item.variants:
                        lines.append("   - 表现情形：" + "；".join(item.variants))
                    for s in item.sources[:5]:
                        title = f"《{s.title}》" if s.title else s.file
                        lines.append(f"   - 出处：{title}（{s.date or '日期不详'}，`{s.file}`）")
                    if len(item.sources) > 5:
                        lines.append(f"   - 等{len(item.sources)}份文件")
                lines.append("")
    if not checklist.domains:
        lines.append("（暂无已分类的问题。）")
    return "\n".join(lines).rstrip() + "\n"


def write_checklist(checklist: Checklist, out: str | os.PathLike) -> None:
    """Write atomically (temporary file, then rename) so a failed write leaves no half file."""
    out = Path(out)
    suffix = out.suffix.lower()
    fd, tmp = tempfile.mkstemp(prefix=".checklist-", suffix=suffix, dir=out.parent if str(out.parent) else ".")
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # a list meant for sharing: the usual permissions, not mkstemp's 0600
    try:
        if suffix == ".docx":
            write_docx(checklist, tmp)
        elif suffix == ".md":
            Path(tmp).write_text(markdown(checklist), encoding="utf-8")
        elif suffix == ".json":
            Path(tmp).write_text(json.dumps(checklist.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        else:
            raise ValueError(f"{out}: unsupported checklist format {suffix!r} (use .docx, .md or .json)")
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
