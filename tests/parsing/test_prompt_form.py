"""Inline answers under the prompt's own lines: "[1.1] text", "Target:", "Last reported:", then the "Status:"
and "Progress:" lines people fill in. An empty Status and Progress means that action was not answered."""

from __future__ import annotations

from collector.core.vocabulary import Status
from collector.replies.types import CONFIDENT

from .conftest import parse

TEXTS = {
    "1.1": "Ensure the complaints process is in place and published",
    "1.2": "Publish the annual equality report",
    "1.3": "Review the disciplinary process for bias",
}


def prompt(answers: dict[str, tuple[str, str]], quote: str = "") -> str:
    """The email prompt's body with the person's Status/Progress answers filled in."""
    blocks = []
    for ref, text in TEXTS.items():
        status, progress = answers.get(ref, ("", ""))
        lines = [f"[{ref}] {text}", "Target: Mar-27", "Last reported: on_track", f"Status: {status}",
                 f"Progress: {progress}"]  # fmt: skip
        blocks.append(
            "\n".join(quote + line if not line.startswith(("Status", "Progress")) else line for line in lines)
        )
    return "\n\n".join(blocks)


def test_it_records_an_inline_answer_under_the_quoted_action() -> None:
    result = parse(prompt({"1.2": ("on track", "consultation closed 3 March")}), *TEXTS, texts=TEXTS)
    (update,) = result.updates
    assert (update.ref, update.status, update.progress) == (
        "1.2",
        Status.ON_TRACK,
        "consultation closed 3 March",
    )
    assert update.confidence >= CONFIDENT


def test_an_empty_status_and_progress_means_the_action_was_not_answered() -> None:
    assert parse(prompt({}), *TEXTS, texts=TEXTS).updates == []


def test_the_action_text_and_last_report_are_never_read_as_the_answer() -> None:
    # 1.1's own text says "in place and published" and every action was last reported on track.
    result = parse(prompt({"1.3": ("", "waiting for national guidance")}), *TEXTS, texts=TEXTS)
    (update,) = result.updates
    assert (update.ref, update.status, update.progress) == ("1.3", None, "waiting for national guidance")


def test_a_progress_line_without_a_status_gives_its_own_status() -> None:
    (update,) = parse(prompt({"1.1": ("", "Done, signed off in Feb")}), *TEXTS, texts=TEXTS).updates
    assert (update.status, update.progress) == (Status.COMPLETED, "signed off in Feb")


def test_the_answer_reads_the_same_with_quote_markers_kept() -> None:
    text = prompt({"1.3": ("Amber - supplier delays", "half the sites audited")}, quote="> ")
    (update,) = parse(text, *TEXTS, texts=TEXTS).updates
    assert update.status == Status.AT_RISK
    assert update.progress == "supplier delays\nhalf the sites audited"


def test_a_progress_answer_can_run_over_several_lines() -> None:
    text = prompt({"1.2": ("complete", "Published 2 April.")}).replace(
        "Progress: Published 2 April.",
        "Progress: Published 2 April.\nLink: https://intranet/edi/report-2026\nBoard noted it.",
    )
    (update,) = parse(text, *TEXTS, texts=TEXTS).updates
    assert update.status == Status.COMPLETED
    assert update.progress.splitlines()[0] == "Published 2 April."
    assert update.evidence == ["https://intranet/edi/report-2026"]


def test_a_new_target_line_is_the_revised_target() -> None:
    text = prompt({"1.3": ("delayed", "ER lead left")}).replace(
        "Progress: ER lead left", "Progress: ER lead left\nNew target: end of September"
    )
    (update,) = parse(text, *TEXTS, texts=TEXTS).updates
    assert (update.status, update.revised_target_text) == (Status.AT_RISK, "end of September")


def test_a_quoted_heading_without_its_prompt_lines_is_still_recognised_as_the_action_text() -> None:
    (update,) = parse(
        "[1.2] Publish the annual equality report\nDone, it went up on 2 April", *TEXTS, texts=TEXTS
    ).updates
    assert (update.status, update.progress) == (Status.COMPLETED, "it went up on 2 April")
