"""How sure the parser is about an update's ref and status: 1.0 less a penalty for each doubt, as data.

An explicit ref with an unambiguous status word scores 1.0. Each doubt below takes its share and adds its
reason in plain words, so the review queue can say *why* it is asking (below
collector.replies.types.CONFIDENT,
0.8, an update goes to review). One doubt of weight 0.25 or more is enough on its own to send it there.
A progress note without any status is a valid update and costs nothing.
"""

from __future__ import annotations

# key -> (penalty, reason). "{}" in a reason is filled with the detail the parser noted.
PENALTIES: dict[str, tuple[float, str]] = {
    "ref_inferred": (0.1, "no ref written: applied to the only action asked"),
    "ref_inferred_long": (0.15, "a long reply with no ref: it may be about more than this action"),
    "ref_mentioned": (0.1, "the ref is only mentioned in passing ({})"),
    "ref_parent": (0.1, "written as the parent ref {}: applied to each asked sub-action"),
    "ref_child": (0.15, "written as sub-action {}, which was not asked: applied to its parent"),
    "status_body": (0.05, "status read from the middle of the text ({}), not a label"),
    "status_hedged": (0.1, "the status is hedged: {}"),
    "status_implied": (0.25, "status implied, not stated: {}"),
    "status_typo": (0.1, "status read through a typo: {}"),
    "status_contradicted": (0.3, "the text contradicts its status: {}"),
    "status_mixed": (0.15, "the text names several statuses ({}); took the most telling"),
    "status_copied": (0.05, "status copied from the answer above ({})"),
    "status_blanket": (0.1, "a blanket answer ({}) applied to each action"),
    "status_blanket_hedged": (0.15, "the blanket answer is hedged"),
    "status_blanket_count": (0.3, "the blanket answer counts {} actions asked"),
    "status_from_slip": (0.25, "no status given; the target slipped ({}), so at least at risk"),
    "duplicate_conflict": (0.3, "the ref is answered twice with different statuses ({})"),
    "target_hedged": (0.15, "the revised target is hedged ({})"),
    "target_later": (0.25, "the status says all is well but the date given ({}) is after the current target"),
}


def score(notes: list[tuple[str, str]]) -> tuple[float, list[str]]:
    """(confidence in [0, 1], reasons) for the doubts noted as (key, detail), each key counted once."""
    seen: dict[str, str] = {}
    for key, detail in notes:
        seen.setdefault(key, detail)
    penalty = sum(PENALTIES[key][0] for key in seen)
    reasons = [PENALTIES[key][1].replace("{}", detail) for key, detail in seen.items()]
    return round(max(0.0, min(1.0, 1.0 - penalty)), 2), reasons
