"""Which written refs *start* an answer, and which are only mentioned in passing.

"1.1 done; 1.3 slipped" starts two answers; "On 1.3 we are behind" starts one after its lead-in word;
"linked to 1.3" and "see 4.2" only mention a ref. The decision reads the few characters around a ref group:
what opens the line or clause before it (a bullet, a ";", "and", "Hi Sam, re"), what follows it (":", " - "),
and whether it closes its line ("Training delivered (1.2)", a ref written after its answer). A ref in
brackets after the thing it names ("the staff survey (2.3) is delayed") answers for the whole clause,
its subject included, unless the clause is an exception to something else ("all done except the survey
(1.3), which ...").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace

from .phrases import phrase_list, words
from .refs import RefGroup, RefIndex, find_groups

# Words that introduce an answer's ref: "re 2.4 -", "On 1.3 we are behind", "as for 2.1", "and 1.2 is ...".
LEAD_INS = phrase_list(
    "re | regarding | on | for | as for | as regards | with regard to | with regards to | in respect of | "
    "in terms of | about | update on | update for | and | also | but | plus | then | while | whereas | "
    "except | except for | apart from | other than | save for | finally | lastly | meanwhile | same for | "
    "same with | same goes for | ditto for | likewise | likewise for"
)
# Lead-ins that are themselves a clause boundary: "1.1 done and 1.2 on track" needs no comma.
CONJUNCTIONS = frozenset(
    phrase_list(
        "and | also | but | plus | then | while | whereas | except | except for | apart from | other than"
    )
)
_LEAD = "|".join(sorted((w.replace(" ", r"\s+") for w in LEAD_INS), key=len, reverse=True))
_LEAD_LAST = frozenset(w.split()[-1] for w in LEAD_INS)  # a lead-in ends with one of these words
_LEAD_IN = re.compile(rf"(?:(?<![\w'])(?:{_LEAD})\b\s?:?,?\s+){{1,2}}$", re.I)
# Words after which a ref is only referred to: "linked to 1.3", "see 4.2", "as per 2.1", "affects 1.2".
CROSS_REFERENCES = frozenset(
    words(
        "see per to with under in of from like than by at into onto unlike following after before "
        "including include includes affects affect affecting impacts impact between within against versus "
        "vs as about unblocks blocks needs need needed requires require awaiting await waiting depends "
        "dependent"
    )
)
SYMBOLS = "✅✔☑🟢🟡🟠🔴🔵❌⚠"  # a status emoji used as a bullet: "✅ 1.1"
_BULLETS = rf"(?:[\s>*•·▪◦‣+#=~\-–—{SYMBOLS}\ufe0f]|:[a-z_]{{2,40}}:)*"
_LINE_OPENER = re.compile(rf"{_BULLETS}(?:\d{{1,2}}[.)]\s+)?")
_SENTENCE_STOP = re.compile(r"[.;!?]")
_WORD = re.compile(r"\w")
_LAST_WORD = re.compile(r"([^\W\d_]+)[^\w]*$")
_LABEL = re.compile(r"[ \t]*(?:[.:)\]]|[-–—=>]+|\.(?!\d))?[ \t]*")
_CLAUSE_END = re.compile(r"(?:[;.!?:,(]|\s[-–—]|[-–—]{2})\s*$")
_LABEL_AFTER = re.compile(r"\s{0,2}(?::|[-–—](?=\s|$))")
# "a)" opening a line under a "2.3" heading, or following "2.3 a) done" on the same line: "b) on track".
_LETTER = re.compile(r"(?:^|(?<=\s))[-*•]?[ \t]{0,8}\(?([a-h]|[ivx]{1,4})\)[ \t]", re.M)
_CONTEXT = 80  # characters looked at on each side: enough for a lead-in, bounded so time stays linear
_BRACKETED_REF = re.compile(r"\(\s?(?:action\s)?\d{1,3}(?:\.\d{1,3}){0,3}[a-h]?\s?\)", re.I)
_JOINED = re.compile(r"\s(?:and|but|while|whereas)\s|[,;]\s", re.I)
_SUBJECT_BREAK = re.compile(r"[.;!?:,]\s|\s[-–—]+\s|\s(?:but|while|whereas)\s", re.I)
# A clause that sets the ref apart from others is not its subject: "all done except the survey (1.3)".
_NOT_A_SUBJECT = re.compile(
    r"\b(?:except|apart|other than|but|however|although|though|excluding|bar|save|besides|all|everything|"
    r"the rest|others|see|linked|per)\b",
    re.I,
)


@dataclass(frozen=True)
class Starter:
    """A ref group that opens (or, written at a line's end, closes) one answer."""

    start: int  # where the answer's text is cut from the previous one (lead-in included)
    content_start: int  # where this answer's own words begin
    content_end: int  # for a trailing ref, where its words end (its lead-in or the ref); else content_start
    group: RefGroup
    refs: tuple[str, ...]  # asked refs it names, in order
    unknown: tuple[str, ...]  # refs written as the person wrote them that were not asked
    how: str  # "exact", "parent" or "child": how the written refs met the asked ones
    trailing: bool  # the ref closes its line: the words before it on that line are its answer
    lead_in: str  # "re", "and", "same for"... ("" for none)
    subject: bool = False  # content_start..content_end is the subject the bracketed ref follows


@dataclass(frozen=True)
class Mention:
    """An asked ref named in passing ("linked to 1.3"): used only when nothing starts an answer."""

    start: int
    end: int
    refs: tuple[str, ...]


def find_starters(text: str, index: RefIndex) -> tuple[list[Starter], list[Mention]]:
    """The answers' starting refs, and the asked refs only mentioned, both in text order."""
    starters: list[Starter] = []
    mentions: list[Mention] = []
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    for group in find_groups(text, index):
        refs, unknown, how = _resolve(group, index)
        if not refs and not unknown:
            continue
        line_start = line_starts[bisect_right(line_starts, group.start) - 1]
        starter = _classify(text, line_start, group, refs, unknown, how)
        if starter is not None:
            starters.append(starter)
        elif refs:
            mentions.append(Mention(group.start, group.end, tuple(refs)))
    starters.extend(_letter_lines(text, index, starters))
    starters.sort(key=lambda s: s.group.start)
    return _untrail(starters), mentions


def _untrail(starters: list[Starter]) -> list[Starter]:
    """A ref closing a line another ref opened ("1.1 done, same for 1.2") answers nothing of its own words."""
    fixed: list[Starter] = []
    for starter in starters:
        if starter.trailing and fixed and fixed[-1].group.end > starter.start:
            end = starter.group.end
            starter = replace(
                starter, start=starter.content_end, content_start=end, content_end=end, trailing=False
            )
        fixed.append(starter)
    return fixed


def _resolve(group: RefGroup, index: RefIndex) -> tuple[list[str], list[str], str]:
    refs: dict[str, None] = {}
    unknown: list[str] = []
    how = "exact"
    ranges = set(group.ranges)
    for i, key in enumerate(group.keys):
        found, kind = index.lookup(key)
        if i in ranges and refs:
            found = index.between(_norm_of(index, list(refs)[-1]), key) or found
        if not found:
            unknown.append(group.written[i])
        elif kind != "exact":
            how = kind
        refs.update(dict.fromkeys(found))
    return list(refs), unknown, how


def _norm_of(index: RefIndex, ref: str) -> str:
    return next(n for n, r in index.by_norm.items() if r == ref)


def _classify(
    text: str, line_start: int, group: RefGroup, refs: list[str], unknown: list[str], how: str
) -> Starter | None:
    pre = text[max(line_start, group.start - _CONTEXT) : group.start]
    lead = _lead_in(pre)
    lead_words = " ".join(lead.group(0).lower().replace(":", " ").replace(",", " ").split()) if lead else ""
    before = pre[: lead.start()] if lead else pre
    at_line_start = group.start - line_start <= _CONTEXT and _LINE_OPENER.fullmatch(before) is not None
    conjunction = bool(lead) and any(f" {c} " in f" {lead_words} " for c in CONJUNCTIONS)
    boundary = at_line_start or bool(_CLAUSE_END.search(before)) or conjunction
    line_end = text.find("\n", group.end, group.end + _CONTEXT)
    rest = text[group.end : line_end if line_end >= 0 else group.end + _CONTEXT]
    stop = _SENTENCE_STOP.search(rest)
    trailing = not at_line_start and not _WORD.search(rest, 0, stop.start() if stop else len(rest))
    trailing = trailing and bool(_WORD.search(before))
    labelled = group.keyword or group.bracketed or bool(_LABEL_AFTER.match(text, group.end))
    last_word = _LAST_WORD.search(before, max(0, len(before) - 30))
    # "linked to 1.3", and a lead-in inside a sentence: "the deadline for 1.2", "nothing to add for 1.2".
    referred = bool(last_word and (lead or last_word[1].lower() in CROSS_REFERENCES)) and not conjunction
    if refs and (group.dotted or group.keyword):
        # An asked ref is an answer's start wherever it stands ("1.1 done 1.2 done"), unless referred to.
        strong = boundary or not referred or (trailing and (group.bracketed or bool(lead)))  # "Done for 1.1"
    else:
        strong = boundary or group.square or (labelled and not last_word) or (trailing and group.bracketed)
    if not strong or (not refs and not (group.dotted or group.keyword)):
        return None  # a numbered list's "4." is not a deliberate ref to action 4
    # An answer opening its line owns the line's bullet or status emoji ("✅ 1.1"), not the answer above.
    start = line_start if at_line_start else group.start - (len(lead.group(0)) if lead else 0)
    content = _skip_label(text, group.end)
    subject = None if at_line_start or trailing or lead else _subject_start(text, line_start, group)
    if refs and subject is not None:  # "the staff survey (2.3) is delayed": the sentence is 2.3's
        cut, begin = subject
        return Starter(cut, begin, group.start, group, tuple(refs), tuple(unknown), how, True, "", True)
    if trailing:
        return Starter(
            line_start, line_start, start, group, tuple(refs), tuple(unknown), how, True, lead_words
        )
    return Starter(start, content, content, group, tuple(refs), tuple(unknown), how, False, lead_words)


def _subject_start(text: str, line_start: int, group: RefGroup) -> tuple[int, int] | None:
    """Where the answer before is cut and where the subject a bracketed ref follows begins ("The staff
    survey (2.3) is delayed"), or None when the ref is not bracketed after a short clause of its own."""
    if text[group.start : group.start + 1] != "(" or not group.bracketed:
        return None
    window = text[max(line_start, group.start - _CONTEXT) : group.start]
    breaks = list(_SUBJECT_BREAK.finditer(window))
    begin = breaks[-1].end() if breaks else 0
    earlier = list(_BRACKETED_REF.finditer(window, begin))
    if earlier:  # "the survey (2.3) is on track and the training (2.2) ...": the subject follows the "and"
        joined = _JOINED.search(window, earlier[-1].end())
        if joined is None:
            return None
        begin, breaks = joined.end(), [joined]
    offset = group.start - len(window)
    cut = offset + (breaks[-1].start() if earlier else begin)
    clause = window[begin:]
    if not _WORD.search(clause) or len(clause.split()) > 12 or _NOT_A_SUBJECT.search(clause):
        return None
    if not breaks and group.start - line_start > _CONTEXT:
        return None  # the clause runs on beyond what is looked at
    return cut, group.start - len(clause.lstrip())


def _lead_in(pre: str) -> re.Match[str] | None:
    """The lead-in words just before a ref ("re", "as for", "and on"), if any; cheap when there are none."""
    last = _LAST_WORD.search(pre, max(0, len(pre) - 20))
    if not last or last[1].lower() not in _LEAD_LAST:
        return None
    return _LEAD_IN.search(pre, max(0, len(pre) - 40))  # two lead-in words fit in 40 characters


def _skip_label(text: str, pos: int) -> int:
    """Past the punctuation that only labels a ref: "1.1 - ", "1.1: ", "[1.1] ", "1.1.) "."""
    match = _LABEL.match(text, pos)
    return match.end() if match else pos


def _letter_lines(text: str, index: RefIndex, starters: list[Starter]) -> list[Starter]:
    """ "a)", "b)" under a "2.3" heading, or after "2.3 a) done" on one line: 2.3a, 2.3b when asked."""
    found: list[Starter] = []
    starts = [s.group.start for s in starters]
    for match in _LETTER.finditer(text):
        at = bisect_right(starts, match.start()) - 1
        if at < 0 or match.start() < starters[at].group.end:
            continue  # no ref above it, or inside one ("2.3 a) and b)")
        parent = starters[at]
        base = re.sub(r"[a-z]+$", "", parent.group.keys[-1])
        line_start = text.rfind("\n", 0, match.start()) + 1
        inline = bool(text[line_start : match.start()].strip())
        if inline and base == parent.group.keys[-1]:
            continue  # "1.1 done b) ..." without an "a)": a list inside the answer, not sub-actions
        ref = index.by_norm.get(base + match[1].lower())
        if ref and (ref,) != parent.refs:
            group = RefGroup(
                match.start(1), match.end(), (match[1] + ")",), (base + match[1],), (), False, True
            )
            found.append(
                Starter(match.start(), match.end(), match.end(), group, (ref,), (), "exact", False, "")
            )
    return found
