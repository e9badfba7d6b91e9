"""Generate the example plan (Word and Excel) and its people file into examples/.

Run `python examples/make_examples.py` after changing riverside_plan.py or plan_writer.py; the generated
files are committed so a new user can try `collector plan import examples/riverside_edi_plan.docx`
without writing anything first.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # run as a script or imported by path (bench, tests)
    sys.path.insert(0, str(HERE))

from plan_writer import write_docx, write_xlsx  # noqa: E402  (needs the path above)
from riverside_plan import PEOPLE, PEOPLE_COLUMNS, PLAN  # noqa: E402

DOCX = HERE / "riverside_edi_plan.docx"
XLSX = HERE / "riverside_edi_plan.xlsx"
PEOPLE_CSV = HERE / "people.csv"


def write_people(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(PEOPLE_COLUMNS)
        writer.writerows(PEOPLE)


def main() -> None:
    write_docx(PLAN, DOCX)
    write_xlsx(PLAN, XLSX)
    write_people(PEOPLE_CSV)
    for path in (DOCX, XLSX, PEOPLE_CSV):
        print(f"wrote {path.relative_to(HERE.parent)} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
