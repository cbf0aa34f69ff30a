"""Generate the bundled samples that are not plain UTF-8 text: GBK and Big5 pages, a DOCX
report with a table, a PDF report, and a truncated PDF (the deliberately bad file).

Run from the repository root: `python3 samples/make_binary_samples.py`. The generated files are
committed, so `make demo` does not need this script; rerun it after editing a text below.
PDF text uses reportlab's built-in STSong-Light CID font, so no font file is needed.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent / "documents"

GBK_PAGE = """首页 > 国资监管 > 监督执纪
字体：大 中 小

宜兴市委第四巡察组向市城投集团党委反馈巡察情况
发布时间：2023-07-05　来源：宜兴市委巡察办

7月4日，宜兴市委第四巡察组向宜兴市城市发展投资集团有限公司党委反馈巡察情况。市委巡察办主任许建明出席会议并讲话，集团党委书记、董事长钱志刚主持会议。

巡察期间，巡察组共与集团领导班子成员、中层干部和职工个别谈话72人次，抽查工程项目19个，查阅合同1300余份，受理信访件21件，发现问题线索4件。

巡察组指出，集团党委存在的主要问题有：党的领导融入公司治理不够，党委前置研究讨论重大经营管理事项清单不健全；国有资产监管不到位，部分闲置资产长期未盘活，造成国有资产流失风险；工程项目招投标不规范，存在围标串标、先施工后招标问题；违规使用公务用车，公车私用问题屡禁不止；业务招待费管理失控，超标准接待、违规报销餐费问题突出；下属子公司"三重一大"决策制度执行不严，大额资金使用未经集体研究；对外担保和融资管理不规范，债务风险防控不力；选人用人不规范，违规提拔任用干部；基层党支部书记抓党建责任落实不到位。

许建明要求，集团党委要坚持问题导向，建立"清单式"整改台账，对招投标、资产管理等重点领域开展专项整治，健全"嵌入式"监督机制，并将整改落实情况纳入年度考核。

返回顶部
版权所有：宜兴市纪委监委　苏ICP备00000000号
"""

BIG5_PAGE_SIMPLIFIED = """首页 > 派驻监督 > 工作动态

台州市卫生健康系统开展医药领域腐败问题集中整治
2023年08月21日 来源：台州市纪委监委驻市卫生健康委纪检监察组

今年以来，台州市纪委监委驻市卫生健康委纪检监察组聚焦医药购销和医疗服务领域，督促全市公立医院开展腐败问题集中整治。驻委纪检监察组组长林海峰带队对8家市属公立医院开展专项监督检查，个别谈话156人次，抽查药品耗材采购合同420份。

检查发现，部分公立医院存在以下问题：医院党委领导下的院长负责制落实不到位，党委会议题把关不严；药品和医用耗材采购管理不规范，存在收受回扣的廉洁风险；大型医用设备采购论证不充分，存在指定品牌、量身定制招标参数问题；个别医务人员违规收受患者红包、接受药企宴请；医保基金使用不规范，存在过度检查、重复收费问题；科室二次分配不透明，绩效考核与药品耗材收入挂钩。

针对发现的问题，驻委纪检监察组向市卫生健康委党委发出监督建议书，推动建立"一院一清单"廉洁风险防控机制，对4名医院班子成员开展提醒谈话，立案审查2人。林海峰表示，将持续推动医院"一把手"扛牢第一责任人责任。

责任编辑：周佳
返回顶部
"""

DOCX_PARAGRAPHS = [
    "南宁市总工会党组关于巡察整改进展情况的通报",
    "根据市委统一部署，2023年3月至5月，市委第五巡察组对市总工会党组开展了常规巡察。6月8日，巡察组向市总工会党组反馈了巡察意见。市总工会党组书记、常务副主席韦志远主持召开党组会议，专题研究部署整改工作。现将整改进展情况通报如下。",
    "一、巡察反馈的主要问题",
    "巡察指出，市总工会党组存在以下问题：落实党中央关于群团改革的决策部署不到位，联系服务职工群众的机关化倾向依然存在；工会经费使用管理不规范，违规列支职工福利费，向职工发放超标准节日慰问品；服务职工实事项目推进缓慢，困难职工帮扶资金发放不及时；下属工人文化宫场地出租未经公开招租，租金长期低于市场价格；党组议事规则不健全，部分重大事项以传阅代替集体讨论；干部队伍建设规划不足，年轻干部比例偏低；对上轮巡察指出的问题整改不彻底。",
    "二、整改落实情况",
    "市总工会党组坚持把巡察整改作为重大政治任务，成立整改工作领导小组，制定问题、任务、责任“三张清单”，推行“周调度、月通报”工作机制。截至目前，巡察反馈的28个问题已完成整改21个，清退违规发放福利费12.3万元，修订完善经费管理等制度11项，开展谈心谈话45人次。",
    "三、下一步工作",
    "市总工会党组将持续推进未完成事项整改，建立“回头看”机制，防止问题反弹，推动巡察整改成果转化为服务职工群众的实际成效。",
]

DOCX_TABLE = [
    ("序号", "问题类别", "问题数", "已整改", "整改措施"),
    ("1", "政治建设", "6", "5", "健全“第一议题”制度"),
    ("2", "经费管理", "9", "7", "修订工会经费管理办法"),
    ("3", "服务职工", "7", "5", "建立困难职工帮扶台账"),
    ("4", "组织建设", "6", "4", "制定年轻干部培养计划"),
]

PDF_TITLE = "中共浦江县委第二巡察组关于对郑宅镇党委巡察情况的反馈意见"
PDF_PARAGRAPHS = [
    "日期：2023年10月16日",
    "根据县委巡察工作领导小组统一部署，2023年8月至9月，县委第二巡察组对郑宅镇党委开展了常规巡察。巡察组坚持发现问题、形成震慑，推动改革、促进发展的工作方针，通过个别谈话、调阅资料、走访调研等方式开展监督。巡察期间，个别谈话98人次，走访村（社区）16个，受理群众来信来访39件。",
    "巡察发现，郑宅镇党委主要存在以下问题：一是落实乡村振兴战略不够有力，产业项目建成后运营管理缺位；二是落实安全生产属地管理责任不到位，小作坊消防隐患排查整治不彻底；三是惠农补贴发放审核把关不严，存在冒领套取惠农资金问题；四是违反中央八项规定精神问题仍有发生，存在违规公款吃喝、借公务出差之机旅游问题；五是镇党委议事决策不规范，工程项目变更未经党委会集体研究；六是对村级组织监督指导不力，部分村干部优亲厚友；七是巡察整改责任落实不到位，对上轮巡察指出的问题整改不彻底。",
    "巡察组要求，镇党委要认真履行巡察整改主体责任，党委书记要切实担负起第一责任人责任，在2个月内完成整改并报送整改报告。对巡察中发现的2件问题线索，已按规定移交县纪委监委处理。",
    "中共浦江县委第二巡察组",
]


def write_text_pages() -> None:
    (HERE / "gbk").mkdir(exist_ok=True)
    (HERE / "gbk" / "yixing-chengtou-xuncha.txt").write_bytes(GBK_PAGE.encode("gbk"))
    import opencc

    traditional = opencc.OpenCC("s2tw").convert(BIG5_PAGE_SIMPLIFIED)
    (HERE / "big5").mkdir(exist_ok=True)
    (HERE / "big5" / "taizhou-hospital-zhengzhi.txt").write_bytes(traditional.encode("big5"))


def write_docx() -> None:
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document()
    doc.core_properties.title = DOCX_PARAGRAPHS[0]
    doc.core_properties.author = "南宁市总工会"
    for i, text in enumerate(DOCX_PARAGRAPHS):
        if i == 0:
            para = doc.add_heading(text, level=1)
        elif text[:2] in ("一、", "二、", "三、"):
            para = doc.add_heading(text, level=2)
        else:
            para = doc.add_paragraph(text)
        for run in para.runs:
            run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋")
        if text.startswith("二、"):
            table = doc.add_table(rows=len(DOCX_TABLE), cols=len(DOCX_TABLE[0]))
            table.style = doc.styles["Table Grid"]
            for r, row in enumerate(DOCX_TABLE):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
    (HERE / "docx").mkdir(exist_ok=True)
    doc.save(str(HERE / "docx" / "nanning-zonggonghui-zhenggai.docx"))


def write_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    title = ParagraphStyle("title", fontName="STSong-Light", fontSize=16, leading=24, alignment=1,
                           wordWrap="CJK")
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=12, leading=20, firstLineIndent=24,
                          wordWrap="CJK")
    out = HERE / "pdf" / "pujiang-zhengzhai-xuncha.pdf"
    out.parent.mkdir(exist_ok=True)
    story = [Paragraph(PDF_TITLE, title), Spacer(1, 12)]
    story += [Paragraph(p, body) for p in PDF_PARAGRAPHS]
    SimpleDocTemplate(str(out), pagesize=A4, title=PDF_TITLE, author="浦江县委巡察办",
                      invariant=1).build(story)
    return out.read_bytes()


def write_bad(pdf: bytes) -> None:
    """A PDF cut off after its first 400 bytes, as a failed download leaves it."""
    (HERE / "bad").mkdir(exist_ok=True)
    (HERE / "bad" / "truncated-download.pdf").write_bytes(pdf[:400])


if __name__ == "__main__":
    write_text_pages()
    write_docx()
    write_bad(write_pdf())
    print("samples written under", HERE)
