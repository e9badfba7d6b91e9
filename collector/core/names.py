"""Whether a lead is a team, or a post (a role or a team) rather than a person; the words that say so.

Two places ask and must agree: the plan importer, when it records a lead as a team and when it decides
whether a piece of a lead cell reads as a person, and the messages that greet a lead (a person by their
first name, a post by its whole name). The word lists live here, below both, so they are one table.
"""

from __future__ import annotations

import re

# Team acronyms: printed in capitals like initials, but a team.
TEAM_ACRONYMS = frozenset(
    {"HR", "IT", "ICT", "SMT", "SLT", "CMT", "COMT", "ELT", "EMT", "DLG", "OD", "L&D", "H&S", "P&I"}
    | {"CLT", "DMT", "HRT"}
)
# A name containing one of these words is a team ("Estates team", "Finance", "HR").
TEAM_WORDS = re.compile(
    r"\b(team|teams|unit|group|department|dept|directorate|division|services?|board|panel|committee|forum|"
    r"network|office|section|partnership|all staff|managers|staff|officers|working party|hr|ict|it|"
    r"human resources|finance|communications|comms|facilities|estates|governance)\b",
    re.I,
)
# Words that make a lead a post rather than a person ("Director of People", "Trust Secretary").
POST_WORDS = frozenset(
    {
        "director", "head", "manager", "officer", "chief", "lead", "secretary", "guardian", "coordinator",
        "co-ordinator", "adviser", "advisor", "executive", "chair", "chairman", "chairperson", "dean",
        "registrar", "clerk", "controller", "partner", "champion", "specialist", "analyst", "administrator",
        "principal", "president", "governor", "superintendent", "nurse", "matron", "consultant", "deputy",
        "assistant", "associate", "vice", "senior",
    }
)  # fmt: skip
# Small words a role or team may contain in lower case ("Head of HR"); a person's name has none after
# its first word.
JOINERS = frozenset({"of", "and", "&", "for", "the", "in", "to", "at"})


def is_team(name: str) -> bool:
    """A team acronym ("HR") or a name with a team word in it ("Estates team", "Finance")."""
    return name.upper() in TEAM_ACRONYMS or bool(TEAM_WORDS.search(name))


def is_post(name: str) -> bool:
    """A role, post or team rather than a person's name: greet it by its whole name, not a first word."""
    words = name.replace("/", " ").split()
    return (
        is_team(name)
        or any(w.casefold().strip(".,()") in POST_WORDS for w in words)
        or any(w in JOINERS for w in words[1:])
    )
