"""The analysis as plain French text for a terminal (``amoor analyse``)."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline import model as m
from pipeline.analysis.overview import Analysis
from pipeline.analysis.roi import RoiAnalysis
from pipeline.formats import decimal
from pipeline.render.roi_context import PUBLIC_HEADERS, percent


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table: every column left-aligned and padded to its widest cell."""
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def _decimal(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else decimal(value, digits)


def analysis_report(engagement: m.Engagement, analysis: Analysis) -> str:
    mission = engagement.mission
    parts = [f"{mission.collectivite} — {mission.reference} ({mission.offer})", ""]
    if analysis.roi is not None:
        parts += _roi_part(mission, analysis.roi)
    if analysis.opinions is not None:
        parts.append(
            "Avis sur les dispositifs, par public (score net = (J'aime − Je n'aime pas) / n)"
        )
        publics = list(m.WorkshopPublic)
        parts.append(
            table(
                ["Dispositif", *(p.value for p in publics), "Verdict"],
                [
                    [
                        f"{d.code} {d.name}",
                        *(
                            _decimal(float(c.net))
                            if (c := d.by_public.get(p)) and c.net is not None
                            else "—"
                            for p in publics
                        ),
                        d.verdict.value if d.verdict else "sans avis",
                    ]
                    for d in analysis.opinions
                ],
            )
        )
    if analysis.emergence is not None:
        parts.append("Tests de scénarios : adhésion / réserve / rejet par cible")
        targets = list(m.Target)
        parts.append(
            table(
                ["Scénario", *(t.value for t in targets), "Convainc"],
                [
                    [
                        c.scenario,
                        *(
                            "/".join(percent(s) for s in counts.shares)
                            if (counts := c.by_target.get(t))
                            else "—"
                            for t in targets
                        ),
                        ", ".join(t.value for t in c.convinced) or "personne",
                    ]
                    for c in analysis.emergence.scenarios
                ],
            )
        )
    warnings = [*engagement.warnings, *analysis.warnings]
    if warnings:
        parts.append("")
        parts.extend(f"Avertissement : {w}" for w in warnings)
    return "\n".join(parts)


def _roi_part(mission: m.Mission, roi: RoiAnalysis) -> list[str]:
    """The R.O.I. citoyen ranking: of the scenarios, or of the dispositifs (Stratégie kit)."""
    plural = f"{roi.noun}s"
    parts = [f"Atelier R.O.I. citoyen : classement des {plural} par jugement majoritaire"]
    if mission.stage is m.Stage.ARRETEE and not roi.ranking:
        parts.append("Démarche arrêtée avant l'atelier : aucune notation.")
    elif mission.offer is m.Offer.STRATEGIE and not roi.ranking:
        parts.append(
            "Aucune notation pour l'instant : remplissez la feuille « Notation ROI » (la grille "
            "du kit R.O.I. citoyen), puis relancez."
        )
    if roi.ranking:
        parts.append(
            table(
                [
                    "Rang",
                    roi.noun.capitalize(),
                    "Mention",
                    "p",
                    "q",
                    "Moyenne",
                    "Équilibré",
                    "Consensus",
                    "Veto",
                ],
                [
                    [
                        str(r.rank),
                        r.code,
                        r.overall.mention,
                        percent(r.overall.p),
                        percent(r.overall.q),
                        _decimal(float(r.weighted_mean)),
                        "oui"
                        if r.balanced
                        else "non (" + ", ".join(PUBLIC_HEADERS[p] for p in r.left_behind) + ")",
                        r.consensus.value,
                        ", ".join(PUBLIC_HEADERS[p] for p in r.veto) or "—",
                    ]
                    for r in roi.ranking
                ],
            )
        )
    for code in roi.unrated:
        parts.append(f"{code} : non évalué (aucune note).")
    if roi.recommended:
        parts.append("")
        parts.append(f"{roi.noun.capitalize()} recommandé : {roi.recommended}")
    if roi.chosen:
        differs = " (différent de la recommandation)" if roi.chosen_differs else ""
        parts.append(f"Scénario retenu par la collectivité : {roi.chosen}{differs}")
    parts.append("")
    return parts
