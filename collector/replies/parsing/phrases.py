"""The words of a status, as data: phrase families, the modifiers that bend them, and what bending does.

collector.core.vocabulary.LOOSE_WORDS is the shared table; replies need more than plan cells do, so this
module
adds to it (never edits it). A phrase belongs to a *family*, because "not" does different things to
different families: "not complete" is still going (on track), "not on track" is off track, "not behind"
is on track, "not started" is not started. The EFFECTS table says, for each family and modifier, what the
phrase then means and how sure that is.
"""

from __future__ import annotations

from collector.core.vocabulary import LOOSE_WORDS, Status


def words(text: str) -> tuple[str, ...]:
    """A word list written as one string, so tables of words stay readable."""
    return tuple(text.split())


def phrase_list(text: str) -> tuple[str, ...]:
    """A phrase list written as one string, phrases separated by "|"."""
    return tuple(" ".join(phrase.split()) for phrase in text.split("|") if phrase.strip())


FAMILY_OF_STATUS: dict[Status, str] = {
    Status.COMPLETED: "done",
    Status.ON_TRACK: "going",
    Status.AT_RISK: "risk",
    Status.OFF_TRACK: "late",
    Status.NOT_STARTED: "idle",
    Status.WITHDRAWN: "dropped",
    Status.NO_CHANGE: "same",
}
# What each family means when nothing bends it.
PLAIN: dict[str, Status | None] = {
    "done": Status.COMPLETED,
    "going": Status.ON_TRACK,
    "started": Status.ON_TRACK,
    "risk": Status.AT_RISK,
    "late": Status.OFF_TRACK,
    "idle": Status.NOT_STARTED,
    "dropped": Status.WITHDRAWN,
    "same": Status.NO_CHANGE,
    "soon": Status.ON_TRACK,  # "completion in June": still going (implied)
    "busy": Status.ON_TRACK,  # "analysing responses now": work in hand, though nobody said "on track"
    "fine": Status.ON_TRACK,  # "all good": on track, but "went live, all good" is completed
    "begin": None,  # "start date agreed" says nothing; only a hedge makes it "not started yet"
    "copy": None,  # "as above", "ditto": the previous answer's status (resolved in reply.py)
    "ignore": None,  # "ongoing monitoring", "green spaces", "signed off sick": not a status at all
}

# Phrases beyond LOOSE_WORDS, by family, separated by "|". Multi-word phrases are matched word by word,
# typos corrected (tokens.py), longest first: "no longer on track" is read before "on track".
EXTRA: dict[str, str] = {
    "done": (
        "all done | fully complete | fully completed | now complete | finalised | finalized | "
        "up and running | went live | gone live | now live | is live | are live | embedded | "
        "business as usual | bau | approved | agreed | rolled out | target met | deadline met | blue | "
        "✅ | ✔ | ☑ | 🔵 | :white_check_mark: | :heavy_check_mark: | :ballot_box_with_check: | "
        ":large_blue_circle:"
    ),
    "going": (
        "progressing well | going well | going to plan | to plan | as planned | on course | "
        "back on track | on the right track | good progress | making good progress | well underway | "
        "well under way | in train | able to progress | been able to progress | progressed | "
        "made progress | making progress | on going | 🟢 | :large_green_circle: | :green_circle:"
    ),
    "started": "started | has started | now started | begun | commenced | kicked off",
    "risk": (
        "slight slippage | minor slippage | slippage | slipping | risk of slippage | some delay | "
        "slight delay | minor delay | delays | delay | running late | running behind | no progress | "
        "little progress | slow progress | slower than hoped | slower than expected | "
        "slower than planned | slower than anticipated | pause | paused | pausing | postponed | "
        "deferred | pushed back | put back | rescheduled | on hold | amber green | green amber | 🟡 | "
        "🟠 | ⚠ | :warning: | :large_yellow_circle: | :large_orange_circle: | :yellow_circle: | "
        ":orange_circle:"
    ),
    "late": (
        "off target | significantly behind | well behind | missed | missed the deadline | stuck | "
        "amber red | red amber | 🔴 | :red_circle:"
    ),
    "idle": "not started yet | not yet begun | yet to begin | yet to commence | not kicked off",
    "dropped": (
        "no longer needed | no longer applicable | merged into | merged with | not needed | scrapped | "
        "abandoned | descoped | de scoped | removed from the plan | not being taken forward | "
        "not proceeding | not applicable"
    ),
    "same": (
        "as per my last update | as per my last email | as per my previous update | "
        "as per previous update | as per last update | as per last time | as last reported | "
        "as last time | as previously reported | same as before | same as last quarter | "
        "same as previous | still the same | nothing new | nothing to report | "
        "nothing further to report | nothing further | nothing has changed | nothing changed | "
        "not changed | no update | no updates | no further update | no new update | "
        "no change since last time | nothing to add | nothing further to add"
    ),
    # prospective: what will be done
    "soon": (
        "finish | completion | deliver | go live | implement | publish | launch | sign off | "
        "meet the deadline | meet the target"
    ),
    # prospective: when work will start
    "begin": "start | begin | commence | kick off",
    # work in hand: on track only by implication
    "busy": (
        "working on | drafting | analysing | analyzing | reviewing | preparing | developing | "
        "finalising | finalizing | recruiting | procuring | scoping | piloting | collating | mapping | "
        "designing | in development | in draft | being drafted | being developed | being reviewed | "
        "being analysed"
    ),
    "fine": "all good | all fine | going fine | no issues | no concerns | nothing to flag",
    # the answer above again
    "copy": "as above | same as above | ditto | likewise | same again",
    # set phrases that contain a status word but are no status
    "ignore": (
        "ongoing monitoring | monitoring ongoing | monitored on an ongoing basis | "
        "on an ongoing basis | ongoing basis | ongoing review | ongoing support | ongoing costs | "
        "green space | green spaces | green travel | green flag | green infrastructure | green book | "
        "blue badge | red tape | red flag | red route | behind the scenes | behind closed doors | "
        "reasons behind | reason behind | thinking behind | well done | signed off sick | off sick | "
        "closed session | track changes | keep track | keeping track | track record | on track record | "
        "done so | agreed to | approved to | agreed that"
    ),
}


def phrase_table() -> dict[tuple[str, ...], str]:
    """Every phrase as a tuple of words -> its family. EXTRA wins where it disagrees with LOOSE_WORDS
    ("as above" copies the previous answer in a reply; in a plan's cell it meant no change)."""
    table: dict[tuple[str, ...], str] = {}
    for phrase, status in LOOSE_WORDS.items():
        table[tuple(phrase.lower().replace("-", " ").split())] = FAMILY_OF_STATUS[status]
    for family, phrases in EXTRA.items():
        for phrase in phrase_list(phrases):
            table[tuple(phrase.split())] = family
    return table


# Modifiers read *before* a phrase (skipping filler words), inside its clause.
_MODIFIER_WORDS: dict[str, str] = {
    "negation": "not no never nor without hardly nothing neither",
    "hedge": (
        "will should would could might can must shall hope hoping hopefully expect expected expecting aim "
        "aiming aims aimed plan planned planning intend intending intended likely probably possibly soon "
        "shortly to target targeted targeting scheduled forecast anticipate anticipated estimated projected "
        "ready going due set need needs hopeful confident"
    ),
    "partial": (
        "nearly almost mostly largely partially partly half substantially virtually practically broadly near "
        "slightly slight quite somewhat bit"
    ),
    # A part of the work, not all of it: only bends a completion ("draft complete", "phase 1 done").
    "part": "part draft drafted initial first phase stage interim",
    # The person's own doubt: the status stands, less surely ("I think this is complete").
    "belief": "think believe assume presume reckon understand guess",
    "progressive": "being",
    "dependency": (
        "once when until till after before if unless awaiting await waiting pending following prior whether"
    ),
    "unlikely": "unlikely doubtful doubt",
}
MODIFIERS: dict[tuple[str, ...], str] = {
    **{(w,): kind for kind, ws in _MODIFIER_WORDS.items() for w in words(ws)},
    ("no", "longer"): "no_longer",
    ("not", "any", "longer"): "no_longer",
    ("on", "course", "to"): "hedge",
    ("in", "order", "to"): "hedge",
    ("all", "but"): "partial",
    ("far", "from"): "negation",  # "far from complete"
    ("nowhere", "near"): "negation",
    ("not", "say"): "negation",  # "I wouldn't say it's complete"
    ("would", "not", "say"): "negation",
    ("could", "not", "say"): "negation",
    ("can", "not", "say"): "negation",
}
# A parenthesis the modifier is read through: "we have not, as yet, completed the review".
ASIDE = frozenset(
    words(
        "as yet so far to date of now at present the moment i am afraid unfortunately sadly all being well "
        "hopefully fingers crossed touch wood with luck"
    )
)
# In a phrase's clause, these make it history rather than news: "on track (was amber last time)".
HISTORY = frozenset(words("previously formerly originally initially"))
HISTORY_AFTER_LAST = frozenset(words("time quarter month year update report round review"))
# Anywhere earlier in a phrase's clause, these make it a condition, not news: "once the review is complete".
SUBORDINATE = frozenset(words("once unless until till whether pending awaiting"))
# Words skipped when looking back from a phrase for its modifier ("not yet fully been completed").
FILLER = frozenset(
    words(
        "be been is are was were am has have had it this that we i they yet quite fully all now still "
        "currently actually really totally entirely the work project action task so far also then already "
        "just formally officially finally successfully properly our my its up and get got"
    )
)
# Words after a completed phrase that make it partial: "complete apart from sign-off", "done bar one".
AFTER_PARTIAL = frozenset(
    words("apart except bar save other subject pending awaiting mostly partially largely")
)
# A quantity straight after "done"/"delivered" is a part of the work: "delivered two sessions", "completed
# the first phase".
QUANTITY = frozenset(
    words("some a an one two three four five six seven eight nine ten several first initial part half most")
)
PART_AFTER_THE = frozenset(words("first initial second pilot draft phase stage early"))

# (family, modifier) -> (status or None to drop the phrase, certainty). Certainty: "direct" reads as
# written; "hedged" is the status with a qualifier ("should be on track"); "implied" is a status the
# parser worked out ("not yet complete" -> on track), so a person should glance at it.
EFFECTS: dict[tuple[str, str], tuple[Status | None, str]] = {
    ("done", "negation"): (Status.ON_TRACK, "implied"),
    ("done", "no_longer"): (None, "direct"),
    ("done", "hedge"): (Status.ON_TRACK, "implied"),
    ("done", "partial"): (Status.ON_TRACK, "implied"),
    ("done", "part"): (Status.ON_TRACK, "implied"),
    ("done", "progressive"): (Status.ON_TRACK, "direct"),
    ("done", "unlikely"): (Status.AT_RISK, "implied"),
    ("soon", "negation"): (Status.AT_RISK, "implied"),
    ("soon", "unlikely"): (Status.AT_RISK, "implied"),
    ("soon", "no_longer"): (Status.AT_RISK, "implied"),
    ("soon", "part"): (Status.ON_TRACK, "implied"),
    ("going", "negation"): (Status.OFF_TRACK, "direct"),
    ("going", "no_longer"): (Status.OFF_TRACK, "direct"),
    ("going", "hedge"): (Status.ON_TRACK, "hedged"),
    ("going", "partial"): (Status.ON_TRACK, "hedged"),
    ("going", "unlikely"): (Status.AT_RISK, "implied"),
    ("fine", "negation"): (None, "direct"),
    ("started", "negation"): (Status.NOT_STARTED, "direct"),
    ("started", "no_longer"): (None, "direct"),
    ("started", "hedge"): (Status.NOT_STARTED, "implied"),
    ("started", "unlikely"): (Status.NOT_STARTED, "implied"),
    ("begin", "negation"): (Status.NOT_STARTED, "implied"),
    ("begin", "hedge"): (Status.NOT_STARTED, "implied"),
    ("begin", "unlikely"): (Status.NOT_STARTED, "implied"),
    ("risk", "negation"): (Status.ON_TRACK, "direct"),
    ("risk", "no_longer"): (Status.ON_TRACK, "direct"),
    ("risk", "hedge"): (Status.AT_RISK, "hedged"),
    ("risk", "unlikely"): (Status.ON_TRACK, "implied"),
    ("late", "negation"): (Status.ON_TRACK, "direct"),
    ("late", "no_longer"): (Status.ON_TRACK, "direct"),
    ("late", "hedge"): (Status.AT_RISK, "implied"),
    ("late", "partial"): (Status.AT_RISK, "direct"),
    ("late", "unlikely"): (Status.ON_TRACK, "implied"),
    ("idle", "negation"): (None, "direct"),
    ("idle", "no_longer"): (Status.ON_TRACK, "implied"),
    ("dropped", "negation"): (None, "direct"),
    ("dropped", "hedge"): (Status.AT_RISK, "implied"),
    ("dropped", "unlikely"): (None, "direct"),
    ("same", "negation"): (None, "direct"),
    ("same", "hedge"): (Status.NO_CHANGE, "hedged"),
}
# Anything a modifier does not change (a "dependency" drops every family: "once the review is complete").
DROPPED_BY = frozenset({"dependency"})

# Which statuses cannot both be true of one action: "done but slipped" contradicts itself.
TONE: dict[Status, str] = {
    Status.COMPLETED: "good",
    Status.ON_TRACK: "good",
    Status.AT_RISK: "bad",
    Status.OFF_TRACK: "bad",
    Status.NOT_STARTED: "idle",
    Status.WITHDRAWN: "dropped",
}
# When the words of an answer name several statuses and none is its label, the most telling one wins:
# a risk mentioned anywhere matters more than a sub-task's completion.
SEVERITY: tuple[Status, ...] = (
    Status.WITHDRAWN,
    Status.OFF_TRACK,
    Status.AT_RISK,
    Status.ON_TRACK,
    Status.NOT_STARTED,
    Status.COMPLETED,
    Status.NO_CHANGE,
)
# Words that may stand before a status label without making it a sentence: "1.1 - status: done".
LABEL_FILLER = frozenset(
    words(
        "status rag update currently now overall is are was were am it this action all both still remains "
        "remain yes position rating reported as so far good news pleased to say report confirm can happy "
        "has have been we i fully"
    )
)
