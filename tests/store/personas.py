"""Brightwater Borough Council's equality plan, as the importer would hand it to the store.

Its leads are the ones every store test talks about: "JT" (the plan's key says Joanne Tilley), the "HR"
team (key: Human Resources) and Kathryn Webster, printed by name.
"""

from __future__ import annotations

from datetime import date

from collector.core.dates import TargetDraft, TargetKind
from collector.core.vocabulary import Status
from store.importers.draft import (
    ActionDraft,
    ColumnMapping,
    LeadDraft,
    PlanDraft,
    ProgressDraft,
    SectionDraft,
)

TITLE = "Equality, Diversity & Inclusion Action Plan 2025–27"

JT = LeadDraft(name=None, code="JT")
HR = LeadDraft(name=None, code="HR", is_team=True)
KATHRYN = LeadDraft(name="Kathryn Webster")


def equality_plan() -> PlanDraft:
    """A fresh copy each call, so a test can edit it into "next year's version" of the file."""
    return PlanDraft(
        title=TITLE,
        source="brightwater-edi-plan.docx",
        period="2025–27",
        sections=[SectionDraft("1", "Knowing our communities"), SectionDraft("2", "A fair workplace")],
        lead_key={"JT": "Joanne Tilley", "HR": "Human Resources"},
        columns=[
            ColumnMapping("Ref", "ref", 0),
            ColumnMapping("Action", "text", 1),
            ColumnMapping("Lead", "leads", 2),
            ColumnMapping("Target date", "target", 3),
            ColumnMapping("Success measure", "extra", 4),
            ColumnMapping("Progress", "progress", 5),
        ],
        actions=[
            ActionDraft(
                ref="1.1",
                text="Publish an annual equality data report",
                section_ref="1",
                leads=[JT],
                target=TargetDraft("March 2026", TargetKind.DATE, date(2026, 3, 31)),
                fields={"Success measure": "Report published on the council website"},
                progress=[ProgressDraft("Draft with the communications team", Status.ON_TRACK)],
            ),
            ActionDraft(
                ref="1.2",
                text="Review the equality impact assessment guidance",
                section_ref="1",
                leads=[KATHRYN],
                target=TargetDraft("Ongoing", TargetKind.ONGOING),
                sub_actions=[
                    ActionDraft(ref="a)", text="Train report authors", leads=[HR]),
                    ActionDraft(
                        ref="b)",
                        text="Audit ten assessments a year",
                        leads=[JT],
                        progress=[ProgressDraft("No audits yet undertaken", Status.NOT_STARTED)],
                    ),
                ],
            ),
            ActionDraft(
                ref="2.1",
                text="Introduce anonymised shortlisting",
                section_ref="2",
                leads=[HR],
                target=TargetDraft("TBC", TargetKind.TBC),
                progress=[ProgressDraft("Not yet started", Status.NOT_STARTED)],
            ),
            ActionDraft(
                ref="2.2",
                text="Extend the staff network for disabled colleagues",
                section_ref="2",
                leads=[JT, KATHRYN],
                target=TargetDraft("Pending outcome of pilot", TargetKind.TEXT),
                progress=[ProgressDraft("In place and operating", Status.COMPLETED, reported="12/01/2026")],
            ),
        ],
    )


PEOPLE_CSV = (
    "\ufeffName,Code,E-mail,Slack ID,Preferred channel,Manager,Delegate,Team\r\n"
    "Joanne Tilley,JT,joanne.tilley@brightwater.gov.uk,U01JT,slack,Kathryn Webster,Sam Patel,"
    "Equality Board\r\n"
    "Kathryn Webster,KW,kathryn.webster@brightwater.gov.uk,,,,,Equality Board\r\n"
    "Sam Patel,,sam.patel@brightwater.gov.uk,,email,kathryn.webster@brightwater.gov.uk,,\r\n"
)
