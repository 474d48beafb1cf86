"""Documents for members: PDFs (fpdf2, with an embedded DejaVu font) and the score chart (SVG)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from fpdf import FPDF

from assistant.core.timeutil import PARIS
from assistant.models import MemberStatus

FONTS = Path(__file__).resolve().parents[2] / "data" / "fonts"


def blank_pdf() -> FPDF:
    """An A4 document with its first page open and the DejaVu font (regular "" and bold "B")
    loaded: every PDF of the service starts here."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    return pdf


class CertificateRefused(ValueError):
    """No attestation for a member whose adhesion is not in force (`status` says why)."""

    def __init__(self, status: str):
        super().__init__(f"no certificate for a {status} member")
        self.status = status


def certificate_valid_until(today: date) -> date:
    """The cotisation is yearly and the grid changes on 1 January: an attestation holds until the
    end of the cotisation year it is issued in (the adhesion renews itself each year)."""
    return date(today.year, 12, 31)


def certificate_lines(member, today: date) -> list[str]:
    """The text of the attestation d'adhésion (French), for an active member only: a member
    awaiting validation, or whose adhesion is closed, is not attested as a member."""
    if member.status != MemberStatus.ACTIVE:
        raise CertificateRefused(member.status)
    offer = (
        "l'offre socle de services"
        if member.kind == "employer"
        else "l'offre spécifique pour les travailleurs indépendants"
    )
    since = member.contract_accepted_at or member.created_at
    lines = [
        f"Nous attestons que {member.legal_name} (SIRET {member.siret}) adhère à notre service "
        f"de prévention et de santé au travail depuis le "
        f"{since.astimezone(PARIS).strftime('%d/%m/%Y')} et bénéficie de {offer}.",
        "",
        f"Code NAF : {member.naf_code or '—'}",
        f"Adresse : {member.address or ''} {member.postcode or ''} {member.city or ''}".strip(),
        f"Effectif déclaré : {member.headcount}" if member.kind == "employer" else None,
        f"Médecin du travail : {member.doctor.full_name if member.doctor else 'à désigner'}",
        f"Lieu de consultation : {member.centre.name if member.centre else 'à désigner'}",
        "",
        f"Attestation délivrée le {today.strftime('%d/%m/%Y')}, valable jusqu'au "
        f"{certificate_valid_until(today).strftime('%d/%m/%Y')} "
        "(fin de l'année de cotisation en cours).",
    ]
    return [line for line in lines if line is not None]


def adhesion_certificate(member, service_name: str, today: date) -> bytes:
    """The attestation d'adhésion (French: an official document of the service), dated and
    with its validity; refused (`CertificateRefused`) to a member not active."""
    lines = certificate_lines(member, today)
    pdf = blank_pdf()
    pdf.set_title("Attestation d'adhésion")
    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(0, 12, service_name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 20)
    pdf.cell(0, 16, "Attestation d'adhésion", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 12)
    for line in lines:
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def score_chart_svg(history, width: int = 320, height: int = 120) -> str:
    """A small line chart of the score over time (0 to 5), readable without JavaScript."""
    if not history:
        return ""
    left, top, bottom = 28, 10, 22
    inner_w, inner_h = width - left - 10, height - top - bottom
    step = inner_w / max(len(history) - 1, 1)
    points = [
        (left + i * step, top + inner_h * (1 - float(r.score) / 5)) for i, r in enumerate(history)
    ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" class="chart">'
    ]
    for value in range(0, 6):
        y = top + inner_h * (1 - value / 5)
        parts.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#c9d2dc" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end">'
            f"{value}</text>"
        )
    parts.append(f'<polyline points="{path}" fill="none" stroke="#0b5a7a" stroke-width="2"/>')
    for (x, y), record in zip(points, history, strict=True):
        label = escape(record.computed_at.astimezone(PARIS).strftime("%d/%m/%Y"))
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#0b5a7a">'
            f"<title>{label} : {record.score}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart_svg(bars: list[tuple[str, int]], width: int = 420, bar_height: int = 22) -> str:
    """Horizontal bars with their labels and counts (the workforce by follow-up category)."""
    if not bars:
        return ""
    label_width, gap = 230, 8
    biggest = max((count for _label, count in bars), default=0) or 1
    height = len(bars) * (bar_height + gap)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" class="chart">'
    ]
    for index, (label, count) in enumerate(bars):
        y = index * (bar_height + gap)
        length = (width - label_width - 40) * count / biggest
        parts.append(
            f'<text x="0" y="{y + bar_height * 0.7:.1f}" font-size="12">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" '
            f'fill="#0b5a7a"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + bar_height * 0.7:.1f}" '
            f'font-size="12">{count}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
