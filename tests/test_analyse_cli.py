"""`amoor analyse`: the workshop results in the terminal or as JSON, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.workbook.reader import read_engagement
from tests.conftest import EXAMPLES

SAINT_AUBIN = next(p for p in EXAMPLES if "saint-aubin" in p.name)


def test_analyse_prints_the_ranking_as_a_french_table(tmp_path: Path) -> None:
    before = sorted(p.name for p in SAINT_AUBIN.parent.iterdir())
    result = CliRunner().invoke(cli, ["analyse", str(SAINT_AUBIN)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    header = next(line for line in lines if line.startswith("Rang"))
    assert header.split() == [
        "Rang",
        "Scénario",
        "Mention",
        "p",
        "q",
        "Moyenne",
        "Équilibré",
        "Consensus",
        "Veto",
    ]
    rows = [line.split()[:4] for line in lines if line[:1].isdigit()]
    assert rows == [
        ["1", "S2", "Bien⁺", "38"],
        ["2", "S4", "Passable⁺", "38"],
        ["3", "S1", "Passable⁻", "5"],
        ["4", "S3", "Passable⁻", "48"],
    ]
    assert "Scénario recommandé : S2" in result.output
    assert sorted(p.name for p in SAINT_AUBIN.parent.iterdir()) == before


def test_analyse_json_has_the_ranking_and_the_recommendation() -> None:
    result = CliRunner().invoke(cli, ["analyse", "--json", str(SAINT_AUBIN)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["recommended"] == "S2"
    assert [r["code"] for r in data["ranking"]] == ["S2", "S4", "S1", "S3"]
    first = data["ranking"][0]
    assert {k: first[k] for k in ("majority_grade", "gauge", "balanced")} == {
        "majority_grade": 3,
        "gauge": "+",
        "balanced": True,
    }
    assert abs(first["p"] - 8 / 21) < 1e-9 and first["q"] == 0
    # The mean is the criterion-weighted mean of every grade given to S2 (weights 1 here).
    grades = [
        int(g)
        for r in read_engagement(SAINT_AUBIN).ratings
        if r.scenario == "S2"
        for _, g in r.grades
    ]
    assert abs(first["mean"] - sum(grades) / len(grades)) < 1e-9


def test_analyse_other_offers() -> None:
    strategie = next(p for p in EXAMPLES if "strategie" in p.name)
    data = json.loads(CliRunner().invoke(cli, ["analyse", "--json", str(strategie)]).output)
    verdicts = {d["code"]: d["verdict"] for d in data["devices"]}
    assert verdicts["D4"] == "Ligne de force" and verdicts["D6"] == "Écarté"
    text = CliRunner().invoke(cli, ["analyse", str(strategie)]).output
    assert "Ligne de force" in text and "À débattre" in text

    emergence = next(p for p in EXAMPLES if "emergence" in p.name)
    data = json.loads(CliRunner().invoke(cli, ["analyse", "--json", str(emergence)]).output)
    assert {s["scenario"] for s in data["scenarios"]} == {
        "Comptoir des solidarités",
        "La tournée",
        "Rendez-vous à la carte",
    }
    assert len(data["leads"]) >= 5


def test_analyse_a_bad_workbook_reports_problems(tmp_path: Path) -> None:
    bad = Path(__file__).parent / "data" / "broken" / "several-problems.xlsx"
    result = CliRunner().invoke(cli, ["analyse", str(bad)])
    assert result.exit_code == 2
    assert "contient 4 problèmes" in result.output
