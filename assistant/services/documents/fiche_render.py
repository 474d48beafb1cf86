"""The fiche d'entreprise as a PDF (SPEC 4.3), as the employer receives it.

One page per part of the plan, in French (the fiche is an official French document), each heading
numbered with its text below; a draft is marked as a project, not published.
"""

from __future__ import annotations

from fpdf import FPDF

from assistant.models import FicheEntreprise, Member
from assistant.services.documents.fiche_due import french_date, paris_day
from assistant.services.documents.fiche_plan import PLAN
from assistant.services.documents.pdf import FONTS


class _FichePdf(FPDF):
    def __init__(self, running_title: str):
        super().__init__(format="A4")
        self.running_title = running_title
        self.set_auto_page_break(True, margin=18)
        self.set_margins(18, 16, 18)
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))

    def footer(self):
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, f"{self.running_title} — page {self.page_no()}", align="C")
        self.set_text_color(0, 0, 0)


def render_pdf(fiche: FicheEntreprise, member: Member, service_name: str) -> bytes:
    """The fiche as the employer receives it: one page per part of the plan (in French)."""
    status = (
        f"version {fiche.version} du {french_date(paris_day(fiche.published_at))}"
        if fiche.is_published
        else f"version {fiche.version} — PROJET non publié"
    )
    pdf = _FichePdf(f"Fiche d'entreprise — {member.legal_name} — {status}")
    for part in PLAN:
        pdf.add_page()
        pdf.set_font("DejaVu", "", 9)
        pdf.set_text_color(90, 90, 90)
        pdf.cell(0, 5, service_name, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        pdf.set_font("DejaVu", "B", 15)
        pdf.multi_cell(
            0, 8, f"Fiche d'entreprise — {member.legal_name}", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.set_font("DejaVu", "", 9)
        pdf.cell(0, 5, status.capitalize(), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pdf.set_fill_color(11, 90, 122)
        pdf.set_text_color(255, 255, 255)
        pdf.set_font("DejaVu", "B", 12)
        pdf.cell(0, 8, f" {part.title}", fill=True, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        pdf.ln(2)
        for number, section in enumerate(part.sections, start=1):
            text = (fiche.content or {}).get(section.key, "").strip()
            pdf.set_font("DejaVu", "B", 9.5)
            pdf.multi_cell(0, 5, f"{number}- {section.heading}", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("DejaVu", "", 9.5)
            pdf.set_x(pdf.l_margin + 5)
            pdf.multi_cell(0, 5, text or "—", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
    return bytes(pdf.output())
