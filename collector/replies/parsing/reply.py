"""parse_reply: a reply's free text -> per-action updates. Pure: no I/O, no database, no clock.

The steps, each its own module: normalise the text (clean.py), take out what is for the coordinator and
not the record, questions and handovers (asides.py), cut it into per-action pieces
(segments.py, starters.py, refs.py), read each piece (pieces.py: fields, status, targets, evidence),
then here: copy "as above" statuses down, merge a ref answered twice, and give a blanket's status
("all on track", "everything else no change") to the asked actions that have none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from collector.core.vocabulary import Status
from collector.replies.types import AskedAction, ParsedUpdate, ParseResult

from .asides import Aside, blank, find_asides
from .blanket import Blanket, blanket
from .clean import mask, normalise
from .confidence import score
from .courtesy import closing_start, opening_end
from .pieces import LONG_REPLY, Draft, read_piece
from .refs import RefIndex
from .segments import Piece, cut
from .tidy import tidy


def parse_reply(text: str, asked: Sequence[AskedAction], *, today: date | None = None) -> ParseResult:
    """The updates a reply gives for the asked actions.

    Every update's ref is one of `asked`; refs written that were not asked are in `unknown_refs`; text no
    action can claim is in `leftover`. `today` anchors dates written without a year ("slipped to June":
    the next June on or after today); without it such dates keep their words and no date.
    """
    index = RefIndex(asked)
    plain = normalise(text)
    masked = mask(plain)
    # Questions and handovers are for the coordinator: taken out before anything is read as an answer.
    begin, end = opening_end(masked), closing_start(masked)
    asides = find_asides(masked, plain, begin, end, index.texts.values())
    if asides and end < len(masked):  # the sign-off goes too: it must not be all that is left to read
        asides.append(Aside("courtesy", end, len(masked), ""))
    result = _read(blank(plain, asides), blank(masked, asides), text, index, today)
    result.questions = [a.words for a in asides if a.kind == "question"]
    result.handed_over = [a.words for a in asides if a.kind == "handover"]
    return result


def _read(plain: str, masked: str, text: str, index: RefIndex, today: date | None) -> ParseResult:
    """The updates in the reply's words (normalised, and masked alike), `text` being the reply as sent."""
    shape = cut(plain, masked, index)
    if shape.shape == "whole":
        return _whole(shape.pieces[0], index, today)
    if shape.shape == "mentions" and len(index.refs) == 1:
        # The only action asked, named in passing ("work on 1.1 is behind"): the whole reply is about it.
        body = shape.preamble + "".join(p.text for p in shape.pieces)
        return _whole(Piece((), (), "exact", body, False, "", 0), index, today)
    drafts, rests, leftover, unknown = _read_pieces(shape.pieces, index, today, text)
    _copy_down(drafts)
    preamble = shape.preamble
    cover = blanket(mask(preamble), allow_exceptions=True) if len(index.refs) > 1 else None
    if cover:
        preamble = preamble[: cover.start] + preamble[cover.end :]
    cover = cover or (rests[0] if rests else None)
    updates = _merge(drafts, index)
    if cover:
        updates = _cover(updates, index, cover)
    return ParseResult(
        updates=updates,
        unknown_refs=unknown,
        blanket=cover.status if cover else None,
        leftover="\n\n".join(t for t in (tidy(t) for t in [preamble, *leftover]) if t),
    )


def _read_pieces(
    pieces: list[Piece], index: RefIndex, today: date | None, sent: str
) -> tuple[list[Draft], list[Blanket], list[str], list[str]]:
    """(drafts, "everything else" blankets, leftover words, unknown refs) from each piece in turn."""
    drafts: list[Draft] = []
    rests: list[Blanket] = []
    leftover: list[str] = []
    unknown: list[str] = []
    for piece in pieces:
        # Never report a ref that is not in the text as sent (normalising can join characters).
        unknown += [u for u in dict.fromkeys(piece.unknown) if u in sent and u not in unknown]
        if not piece.refs:
            leftover.append(piece.text)
            continue
        draft, rest, set_aside = read_piece(piece, index, today)
        leftover.append(set_aside)
        drafts += [draft] if draft else []
        rests += [rest] if rest else []
    return drafts, rests, leftover, unknown


def _whole(piece: Piece, index: RefIndex, today: date | None) -> ParseResult:
    """A reply naming no asked ref: the only action asked, a blanket for all, or nobody's."""
    if len(index.refs) == 1:
        how = "exact" if piece.how == "exact" else "inferred"
        draft, _, _ = read_piece(replace(piece, refs=(index.refs[0],), how=how), index, today)
        if draft and draft.copy and draft.status is None:
            draft.status = Status.NO_CHANGE  # "as above" with nothing above: as last reported
        return ParseResult(_merge([draft] if draft else [], index))
    found = blanket(mask(piece.text)) if index.refs else None
    if found is None:
        return ParseResult([], leftover=tidy(piece.text))
    rest = tidy(piece.text[: found.start] + piece.text[found.end :])
    notes = [("status_blanket", f'"{tidy(piece.text[found.start : found.end])}"'), *_miscount(found, index)]
    if found.hedged:
        notes.append(("status_blanket_hedged", ""))
    if len(rest) > LONG_REPLY // 2:
        notes.append(("ref_inferred_long", ""))
    drafts = [Draft((ref,), found.status, rest, notes=list(notes)) for ref in index.refs]
    return ParseResult(_merge(drafts, index), blanket=found.status)


def _copy_down(drafts: list[Draft]) -> None:
    """ "as above", "ditto", "same for 1.2": the status of the answer before."""
    previous: Status | None = None
    for draft in drafts:
        if draft.copy and draft.status is None:
            draft.status = previous or Status.NO_CHANGE
            draft.notes.append(("status_copied", previous.value if previous else "nothing above: no change"))
        previous = draft.status or previous


def _merge(drafts: list[Draft], index: RefIndex) -> list[ParsedUpdate]:
    """One update per asked ref, in the order asked. A ref answered twice keeps both answers' words and the
    later status."""
    by_ref: dict[str, list[Draft]] = {}
    for draft in drafts:
        for ref in draft.refs:
            by_ref.setdefault(ref, []).append(draft)
    return [_combine(ref, by_ref[ref]) for ref in index.refs if ref in by_ref]


def _combine(ref: str, drafts: list[Draft]) -> ParsedUpdate:
    with_status = [d for d in drafts if d.status is not None]
    chosen = with_status[-1] if with_status else drafts[-1]
    notes = list(chosen.notes)
    concrete = {d.status for d in with_status if d.status is not Status.NO_CHANGE}
    if len(concrete) > 1:
        concrete_drafts = [d for d in with_status if d.status is not Status.NO_CHANGE]
        chosen = concrete_drafts[-1]
        notes = [*chosen.notes, ("duplicate_conflict", " then ".join(str(d.status) for d in concrete_drafts))]
    elif concrete and chosen.status is Status.NO_CHANGE:
        chosen = next(d for d in reversed(with_status) if d.status is not Status.NO_CHANGE)
        notes = list(chosen.notes)
    progress = "\n".join(dict.fromkeys(d.progress for d in drafts if d.progress))
    target = next((d.target for d in reversed(drafts) if d.target and d.target.slip), None) or next(
        (d.target for d in reversed(drafts) if d.target), None
    )
    evidence = list(dict.fromkeys(link for d in drafts for link in d.evidence))
    confidence, reasons = score(notes)
    return ParsedUpdate(
        ref=ref,
        status=chosen.status,
        progress=progress,
        revised_target_text=target.text if target else None,
        revised_target_date=target.date if target else None,
        evidence=evidence,
        confidence=confidence,
        reasons=reasons,
    )


def _miscount(cover: Blanket, index: RefIndex) -> list[tuple[str, str]]:
    """ "All three of mine" when four were asked: which three? A person decides."""
    if cover.count is None or cover.count == len(index.refs):
        return []
    return [("status_blanket_count", f"{cover.count} of the {len(index.refs)}")]


def _cover(updates: list[ParsedUpdate], index: RefIndex, cover: Blanket) -> list[ParsedUpdate]:
    """Give the blanket's status to every asked action without one; keep the order asked."""
    key = "status_blanket"
    extra = [("status_blanket_hedged", "")] if cover.hedged else []
    extra += _miscount(cover, index)
    by_ref = {u.ref: u for u in updates}
    covered = []
    for ref in index.refs:
        update = by_ref.get(ref)
        if update is None:
            confidence, reasons = score([(key, cover.status.value), *extra])
            update = ParsedUpdate(ref, cover.status, "", confidence=confidence, reasons=reasons)
        elif update.status is None:
            update.status = cover.status
            penalty, reasons = score([(key, cover.status.value), *extra])
            update.confidence = round(max(0.0, update.confidence - (1.0 - penalty)), 2)
            update.reasons.extend(reasons)
        covered.append(update)
    return covered
