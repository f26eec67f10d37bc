"""Table columns are wide enough that no word breaks in the middle (« Influen/ce »), in the
font the documents are set in: Calibri, or Carlito, its metric twin that the README installs.

Each word of each table cell of every deliverable of every example is measured with the
font's own metrics (Pillow reads the TrueType file) against its cell's width less its
margins. A word may still break at a hyphen, where Word breaks it too.
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from pipeline.build import build
from pipeline.workspace import init_workspace
from tests.conftest import EXAMPLES, TODAY, configure_test_firm

FONTS = Path("/usr/share/fonts/truetype/crosextra")
TWIPS_PER_CM = 567
DEFAULT_MARGIN = 108  # twips: Word's default left and right cell margin (0.19 cm)
TABLE_TEXT = 9.0  # points: the firm's table style

pytestmark = pytest.mark.skipif(
    not (FONTS / "Carlito-Regular.ttf").is_file(),
    reason="police Carlito absente : installez fonts-crosextra-carlito (.ci/run le fait)",
)


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    workspace = configure_test_firm(init_workspace(tmp_path_factory.mktemp("fit") / "espace"))
    built: list[Path] = []
    for example in EXAMPLES:
        result = build(example, workspace, today=TODAY)
        assert result.commit is not None
        built += [p for p in result.commit.written if p.suffix == ".docx"]
    return built


def _measure(bold: bool, size: float):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    name = "Carlito-Bold.ttf" if bold else "Carlito-Regular.ttf"
    font = ImageFont.truetype(str(FONTS / name), 100)
    return lambda text: font.getlength(text) / 100 * size * 20  # twips (1 pt = 20 twips)


def _margins(table: object) -> int:
    tbl_pr = table._tbl.tblPr  # type: ignore[attr-defined]
    margins = tbl_pr.find(qn("w:tblCellMar"))
    if margins is None:
        return 2 * DEFAULT_MARGIN
    return sum(
        int(side.get(qn("w:w"))) for side in margins if side.tag in {qn("w:left"), qn("w:right")}
    )


@pytest.mark.slow
def test_no_word_breaks_in_the_middle_of_a_table_cell(documents: list[Path]) -> None:
    too_wide: list[str] = []
    measures = {(b, s): _measure(b, s) for b in (False, True) for s in (TABLE_TEXT, 10.5)}
    for path in documents:
        document = docx.Document(str(path))
        for table in document.tables:
            grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.iter(qn("w:gridCol"))]
            margins = _margins(table)
            for row_index, row in enumerate(table._tbl.tr_lst):
                column = 0
                for tc in row.tc_lst:
                    span = tc.grid_span
                    width = sum(grid[column : column + span]) - margins
                    column += span
                    header = row_index == 0
                    for p in tc.iter(qn("w:p")):
                        paragraph = docx.text.paragraph.Paragraph(p, None)
                        for run in paragraph.runs:
                            size = run.font.size.pt if run.font.size else TABLE_TEXT
                            measure = measures.get((bool(run.bold) or header, size))
                            if measure is None:
                                continue
                            for word in re.split(r"[\s\u00a0\u202f]+", run.text):
                                for piece in re.split(r"(?<=[-/])", word):  # Word breaks there
                                    if piece and measure(piece) > width:
                                        too_wide.append(
                                            f"{path.name}: « {piece} » "
                                            f"({measure(piece) / TWIPS_PER_CM:.2f} cm) dans une "
                                            f"colonne de {width / TWIPS_PER_CM:.2f} cm"
                                        )
    assert not too_wide, "\n".join(dict.fromkeys(too_wide))
