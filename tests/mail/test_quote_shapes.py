"""Quote detection by shape (mail intake, items 2 and 3): replies as real clients write them, in many
languages, text-only and HTML. Each raw message is built with EmailMessage and goes through the whole
extraction, and MailParts.reply (the new text, signature kept) is asserted exactly.

The metamorphic properties check that what we find does not depend on the words a client chose: the same
reply gives the same result whatever the attribution's language or shape, however it is wrapped, and a
reply with no quote at all comes back whole."""

from __future__ import annotations

import itertools
import time
from email.message import EmailMessage

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailin.inbound.extract import parse_message

NAME = "Action Plan Progress"
ADDR = "reply+9f1c2a7e5b3d@progress.exampleshire.gov.uk"
PROMPT_FROM = f"{NAME} <{ADDR}>"
PROMPT = [
    "Hello Jo,",
    "",
    "The Spring 2027 progress round of the Equality, Diversity and Inclusion Action Plan 2026-2029 is open.",
    "",
    "[1.1] Develop and publish an updated equality policy",
    "Target: March 2027",
    "Status:",
    "Progress:",
    "",
    "[1.2] Deliver equality impact assessment training to all service managers",
    "Target: June 2027",
    "Status:",
    "Progress:",
    "",
    "Thank you,",
    NAME,
]


def quoted(mark: str = "> ") -> str:
    return "\n".join(f"{mark}{line}".rstrip() for line in PROMPT)


def plain() -> str:
    return "\n".join(PROMPT)


def message(body: str, subtype: str = "plain") -> bytes:
    msg = EmailMessage()
    msg["From"] = "Jo Baker <jo.baker@exampleshire.gov.uk>"
    msg["To"] = PROMPT_FROM
    msg["Subject"] = "Re: your update for the Spring 2027 round"
    msg.set_content(body, subtype=subtype)
    return bytes(msg)


def reply_of(body: str, subtype: str = "plain") -> str:
    return parse_message(message(body, subtype)).reply


# --- one language per row: what the lead wrote, and how each client of that locale marks the original ------

LANGS: dict[str, dict[str, str]] = {
    "en": {
        "reply": "1.1 completed\n1.2 on track\n\nThanks,\nJo",
        "gmail": f"On Tue, 3 Mar 2027 at 09:12, {NAME} <{ADDR}> wrote:",
        "apple": f"On 3 Mar 2027, at 09:12, {NAME} <{ADDR}> wrote:",
        "thunderbird": f"On 03/03/2027 09:12, {NAME} wrote:",
        "labels": "From|Sent|To|Subject",
        "sent": "03 March 2027 09:12",
        "original": "-----Original Message-----",
        "iphone": "Sent from my iPhone",
    },
    "cy": {
        "reply": "1.1 wedi'i gwblhau\n1.2 ar y trywydd iawn\n\nDiolch,\nSiân",
        "gmail": f"Ar Maw, 3 Maw 2027 am 09:12, {NAME} <{ADDR}> ysgrifennodd:",
        "apple": f"Ar 3 Maw 2027, am 09:12, ysgrifennodd {NAME} <{ADDR}>:",
        "thunderbird": f"Ar 03/03/2027 09:12, ysgrifennodd {NAME}:",
        "labels": "Oddi wrth|Anfonwyd|At|Pwnc",
        "sent": "03 Mawrth 2027 09:12",
        "original": "-----Neges Wreiddiol-----",
        "iphone": "Anfonwyd o fy iPhone",
    },
    "fr": {
        "reply": "1.1 terminé\n1.2 en bonne voie\n\nCordialement,\nJo",
        "gmail": f"Le mar. 3 mars 2027 à 09:12, {NAME} <{ADDR}> a écrit :",
        "apple": f"Le 3 mars 2027 à 09:12, {NAME} <{ADDR}> a écrit :",
        "thunderbird": f"Le 03/03/2027 à 09:12, {NAME} a écrit :",
        "labels": "De |Envoyé |À |Objet ",
        "sent": "mardi 3 mars 2027 09:12",
        "original": "-----Message d'origine-----",
        "iphone": "Envoyé de mon iPhone",
    },
    "de": {
        "reply": "1.1 erledigt\n1.2 läuft nach Plan\n\nViele Grüße\nJo",
        "gmail": f"Am Di., 3. März 2027 um 09:12 Uhr schrieb {NAME} <{ADDR}>:",
        "apple": f"Am 03.03.2027 um 09:12 schrieb {NAME} <{ADDR}>:",
        "thunderbird": f"Am 03.03.2027 um 09:12 schrieb {NAME}:",
        "labels": "Von|Gesendet|An|Betreff",
        "sent": "Dienstag, 3. März 2027 09:12",
        "original": "-----Ursprüngliche Nachricht-----",
        "iphone": "Von meinem iPhone gesendet",
    },
    "nl": {
        "reply": "1.1 afgerond\n1.2 op schema\n\nMet vriendelijke groet,\nJo",
        "gmail": f"Op di 3 mrt 2027 om 09:12 schreef {NAME} <{ADDR}>:",
        "apple": f"Op 3 mrt. 2027 om 09:12 heeft {NAME} <{ADDR}> het volgende geschreven:",
        "thunderbird": f"Op 03-03-2027 om 09:12 schreef {NAME}:",
        "labels": "Van|Verzonden|Aan|Onderwerp",
        "sent": "dinsdag 3 maart 2027 09:12",
        "original": "-----Oorspronkelijk bericht-----",
        "iphone": "Verzonden vanaf mijn iPhone",
    },
    "es": {
        "reply": "1.1 completado\n1.2 según lo previsto\n\nSaludos,\nJo",
        "gmail": f"El mar, 3 mar 2027 a las 9:12, {NAME} (<{ADDR}>) escribió:",
        "apple": f"El 3 mar 2027, a las 9:12, {NAME} <{ADDR}> escribió:",
        "thunderbird": f"El 3/3/27 a las 9:12, {NAME} escribió:",
        "labels": "De|Enviado el|Para|Asunto",
        "sent": "martes, 3 de marzo de 2027 9:12",
        "original": "-----Mensaje original-----",
        "iphone": "Enviado desde mi iPhone",
    },
    "it": {
        "reply": "1.1 completato\n1.2 in linea\n\nCordiali saluti,\nJo",
        "gmail": f"Il giorno mar 3 mar 2027 alle ore 09:12 {NAME} <{ADDR}> ha scritto:",
        "apple": f"Il giorno 3 mar 2027, alle ore 09:12, {NAME} <{ADDR}> ha scritto:",
        "thunderbird": f"Il 03/03/2027 09:12, {NAME} ha scritto:",
        "labels": "Da|Inviato|A|Oggetto",
        "sent": "martedì 3 marzo 2027 09:12",
        "original": "-----Messaggio originale-----",
        "iphone": "Inviato da iPhone",
    },
    "pt": {
        "reply": "1.1 concluído\n1.2 dentro do prazo\n\nCumprimentos,\nJo",
        "gmail": f"Em ter., 3 de mar. de 2027 às 09:12, {NAME} <{ADDR}> escreveu:",
        "apple": f"Em 3 de mar. de 2027, à(s) 09:12, {NAME} <{ADDR}> escreveu:",
        "thunderbird": f"Em 03/03/2027 09:12, {NAME} escreveu:",
        "labels": "De|Enviado|Para|Assunto",
        "sent": "terça-feira, 3 de março de 2027 09:12",
        "original": "-----Mensagem original-----",
        "iphone": "Enviado do meu iPhone",
    },
    "pl": {
        "reply": "1.1 zakończone\n1.2 zgodnie z planem\n\nPozdrawiam,\nJo",
        "gmail": f"wt., 3 mar 2027 o 09:12 {NAME} <{ADDR}> napisał(a):",
        "apple": f"Wiadomość napisana przez {NAME} <{ADDR}> w dniu 3.03.2027, o godz. 09:12:",
        "thunderbird": f"W dniu 3.03.2027 o 09:12, {NAME} pisze:",
        "labels": "Od|Wysłano|Do|Temat",
        "sent": "wtorek, 3 marca 2027 09:12",
        "original": "-----Wiadomość oryginalna-----",
        "iphone": "Wysłane z iPhone'a",
    },
    "sv": {
        "reply": "1.1 klart\n1.2 enligt plan\n\nHälsningar,\nJo",
        "gmail": f"Den tis 3 mars 2027 kl 09:12 skrev {NAME} <{ADDR}>:",
        "apple": f"3 mars 2027 kl. 09:12 skrev {NAME} <{ADDR}>:",
        "thunderbird": f"Den 2027-03-03 kl. 09:12, skrev {NAME}:",
        "labels": "Från|Skickat|Till|Ämne",
        "sent": "den 3 mars 2027 09:12",
        "original": "-----Ursprungligt meddelande-----",
        "iphone": "Skickat från min iPhone",
    },
    "no": {
        "reply": "1.1 fullført\n1.2 i rute\n\nHilsen\nJo",
        "gmail": f"tir. 3. mar. 2027 kl. 09:12 skrev {NAME} <{ADDR}>:",
        "apple": f"3. mar. 2027 kl. 09:12 skrev {NAME} <{ADDR}>:",
        "thunderbird": f"Den 03.03.2027 09:12, skrev {NAME}:",
        "labels": "Fra|Sendt|Til|Emne",
        "sent": "tirsdag 3. mars 2027 09:12",
        "original": "-----Opprinnelig melding-----",
        "iphone": "Sendt fra min iPhone",
    },
    "da": {
        "reply": "1.1 afsluttet\n1.2 på sporet\n\nVenlig hilsen\nJo",
        "gmail": f"Den tir. 3. mar. 2027 kl. 09.12 skrev {NAME} <{ADDR}>:",
        "apple": f"Den 3. mar. 2027 kl. 09.12 skrev {NAME} <{ADDR}>:",
        "thunderbird": f"Den 03-03-2027 kl. 09:12 skrev {NAME}:",
        "labels": "Fra|Sendt|Til|Emne",
        "sent": "3. marts 2027 09:12",
        "original": "-----Oprindelig meddelelse-----",
        "iphone": "Sendt fra min iPhone",
    },
    "fi": {
        "reply": "1.1 valmis\n1.2 aikataulussa\n\nTerveisin\nJo",
        "gmail": f"ti 3. maalisk. 2027 klo 9.12 {NAME} ({ADDR}) kirjoitti:",
        "apple": f"{NAME} <{ADDR}> kirjoitti 3.3.2027 kello 9.12:",
        "thunderbird": f"{NAME} kirjoitti 3.3.2027 klo 9.12:",
        "labels": "Lähettäjä|Lähetetty|Vastaanottaja|Aihe",
        "sent": "tiistai 3. maaliskuuta 2027 9.12",
        "original": "-----Alkuperäinen viesti-----",
        "iphone": "Lähetetty iPhonesta",
    },
}


def header(lang: str, *, order: tuple[int, ...] = (0, 1, 2, 3), bold: bool = False, indent: str = "") -> str:
    """An Outlook header block in `lang`, its lines in `order` (0 From, 1 Sent, 2 To, 3 Subject)."""
    labels = LANGS[lang]["labels"].split("|")
    values = [PROMPT_FROM, LANGS[lang]["sent"], "Jo Baker <jo.baker@exampleshire.gov.uk>", "Spring 2027"]
    lines = []
    for k in order:
        label = f"*{labels[k].strip()}:*" if bold else f"{labels[k]}:"
        lines.append(f"{indent}{label} {values[k]}")
    return "\n".join(lines)


def gmail(lang: str) -> str:
    """Gmail's plain text: the attribution wrapped before the address, then the `>` quote."""
    attribution = LANGS[lang]["gmail"].replace(" <", " <\n", 1).replace(" (", " (\n", 1)
    return f"{LANGS[lang]['reply']}\n\n{attribution}\n\n{quoted()}\n"


CASES: dict[str, tuple[str, str, str]] = {}  # id -> (body, subtype, expected reply)
for _lang, _row in LANGS.items():
    _reply = _row["reply"]
    CASES[f"gmail-{_lang}"] = (gmail(_lang), "plain", _reply)
    CASES[f"apple-mail-{_lang}"] = (f"{_reply}\n\n{_row['apple']}\n\n{quoted()}\n", "plain", _reply)
    CASES[f"iphone-{_lang}"] = (
        f"{_reply}\n\n{_row['iphone']}\n\n> {_row['apple']}\n>\n{quoted()}\n",
        "plain",
        f"{_reply}\n\n{_row['iphone']}",
    )
    CASES[f"thunderbird-{_lang}"] = (
        f"{_reply}\n\n-- \nJo Baker\n\n{_row['thunderbird']}\n{quoted()}\n",
        "plain",
        f"{_reply}\n\n--\nJo Baker",  # trailing spaces go, the signature stays
    )
    CASES[f"outlook-{_lang}"] = (
        f"{_reply}\n\n________________________________\n{header(_lang)}\n\n{plain()}\n",
        "plain",
        _reply,
    )
    CASES[f"outlook-original-message-{_lang}"] = (
        f"{_reply}\n\n{_row['original']}\n{header(_lang, order=(0, 1, 2, 3))}\n\n{plain()}\n",
        "plain",
        _reply,
    )
    CASES[f"separator-alone-{_lang}"] = (f"{_reply}\n\n{_row['original']}\n\n{plain()}\n", "plain", _reply)
    CASES[f"outlook-bold-{_lang}"] = (
        f"{_reply}\n\n{header(_lang, bold=True)}\n\n{plain()}\n",
        "plain",
        _reply,
    )
    CASES[f"gmail-html-{_lang}"] = (
        '<div dir="ltr">'
        + "".join(f"<div>{line}</div>" if line else "<div><br></div>" for line in _reply.split("\n"))
        + '</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">'
        + _row["gmail"].replace("<", "&lt;").replace(">", "&gt;")
        + '<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex">'
        + "<br>".join(PROMPT)
        + "</blockquote></div>",
        "html",
        _reply,
    )
    CASES[f"outlook-html-{_lang}"] = (
        "<html><body><div class=WordSection1>"
        + "".join(f"<p class=MsoNormal>{line or '&nbsp;'}<o:p></o:p></p>" for line in _reply.split("\n"))
        + "<div><div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'>"
        + "<p class=MsoNormal>"
        + "<br>".join(
            f"<b>{label.strip()}:</b> {value}"
            for label, value in zip(
                _row["labels"].split("|"),
                [PROMPT_FROM.replace("<", "&lt;").replace(">", "&gt;"), _row["sent"], "Jo Baker", "Spring"],
                strict=True,
            )
        )
        + "</p></div></div>"
        + "".join(f"<p class=MsoNormal>{line or '&nbsp;'}</p>" for line in PROMPT)
        + "</div></body></html>",
        "html",
        "\n\n".join(line for line in _reply.split("\n") if line),  # each <p> a paragraph
    )

CASES.update(
    {
        "outlook-web-from-sent-only": (
            f"no change\n\n________________________________\nFrom: {PROMPT_FROM}\n"
            f"Sent: Tuesday, March 3, 2027 9:12 AM\n\n{plain()}",
            "plain",
            "no change",
        ),
        "outlook-date-first-indented-space-before-colon": (
            f"1.2 on track\n\n    Date : 03/03/2027 09:12\n    From : {PROMPT_FROM}\n    Subject : Spring\n\n"
            f"{plain()}",
            "plain",
            "1.2 on track",
        ),
        "outlook-lone-from-line": (
            f"1.1 done\n\nFrom:\n{PROMPT_FROM}\nSent: 03 March 2027 09:12\n\n{plain()}",
            "plain",
            "1.1 done",
        ),
        "outlook-ios-mobile": (
            "All on track\n\nGet Outlook for iOS\n________________________________\n"
            f"{header('en')}\n\n{plain()}",
            "plain",
            "All on track\n\nGet Outlook for iOS",
        ),
        "samsung-mobile-original-message": (
            "1.1 done\n\nSent from my Galaxy\n\n\n-------- Original message --------\n"
            f"From: {PROMPT_FROM} \nDate: 03/03/2027 09:12 (GMT+00:00) \nTo: Jo Baker \nSubject: Spring \n\n"
            f"{plain()}",
            "plain",
            "1.1 done\n\nSent from my Galaxy",
        ),
        "outlook-android-reply-message": (
            f"1.2 done\n\n----- Reply message -----\nVon: {PROMPT_FROM}\nAn: Jo\n"
            f"Datum: Di., 3. März 2027 09:12\nBetreff: Spring\n\n{plain()}",
            "plain",
            "1.2 done",
        ),
        "k9-android-de": (
            f"Keine Änderung.\n\n{NAME} <{ADDR}> schrieb am 3. März 2027 09:12:12 MEZ:\n{quoted()}",
            "plain",
            "Keine Änderung.",
        ),
        "lotus-notes-columns": (
            "1.1 completed\n\nRegards\nGraham\n\n\n\n"
            f"             {NAME}\n"
            f"             <{ADDR}>                                     To\n"
            "                                                 Graham Whitfield/Exampleshire@Exampleshire\n"
            "             03/03/2027 09:12                                                    cc\n"
            "\n"
            "                                                                            Subject\n"
            "                                                 Spring 2027 round\n\n\n\n"
            f"{plain()}",
            "plain",
            "1.1 completed\n\nRegards\nGraham",
        ),
        "lotus-notes-wrote-on": (
            f"No change from me.\n\nGraham\n\n{NAME} <{ADDR}> wrote on 03/03/2027 09:12:\n\n{plain()}",
            "plain",
            "No change from me.\n\nGraham",
        ),
        "lotus-notes-summary-line": (
            f"2.3 withdrawn\n\n{NAME} ---03/03/2027 09:12:12---Hello Graham,\n\nFrom: {PROMPT_FROM}\n"
            f"To: Graham Whitfield/Exampleshire@Exampleshire\nDate: 03/03/2027 09:12\n\n{plain()}",
            "plain",
            "2.3 withdrawn",
        ),
        "groupwise-unquoted": (
            f"1.1 on track\n\n>>> {NAME} <{ADDR}> 03/03/2027 09:12 >>>\n{plain()}",
            "plain",
            "1.1 on track",
        ),
        "groupwise-quoted": (
            f"1.1 on track\n\n>>> {NAME} <{ADDR}> 3/3/2027 9:12 AM >>>\n{quoted()}",
            "plain",
            "1.1 on track",
        ),
        "yahoo-plain": (
            "1.2 completed\n\n"
            f"    On Tuesday, 3 March 2027, 09:12:12 GMT, {NAME} <{ADDR}> wrote:  \n \n {plain()}",
            "plain",
            "1.2 completed",
        ),
        "same-line-as-the-reply": (
            f"No change. On Tue, 3 Mar 2027 at 09:12, {NAME} <{ADDR}> wrote:\n\n{plain()}",
            "plain",
            "No change.",
        ),
        "same-line-without-punctuation": (
            f"1.1 done 1.2 on track On Tue, 3 Mar 2027 at 09:12, {NAME} <\n{ADDR}> wrote:\n\n{quoted()}",
            "plain",
            "1.1 done 1.2 on track",
        ),
        "attribution-wrapped-over-three-lines": (
            f"Still on track.\n\nLe mar. 3 mars 2027 à 09:12,\n{NAME}\n<{ADDR}> a écrit :\n\n{quoted()}",
            "plain",
            "Still on track.",
        ),
        "inline-answers-under-a-german-attribution": (
            "Antworten unten.\n\n"
            + LANGS["de"]["gmail"]
            + "\n\n"
            + "\n".join(f"> {line}".rstrip() for line in PROMPT[:8])
            + "\n\nStatus: completed\n\n"
            + "\n".join(f"> {line}".rstrip() for line in PROMPT[8:]),
            "plain",
            "Antworten unten.\n\n[1.1] Develop and publish an updated equality policy\nStatus: completed",
        ),
        "a-rewrapped-quote-line-stays-in-the-quote": (
            f"1.1 done\n\n{LANGS['en']['gmail']}\n\n> The Spring 2027 progress round of the Equality, "
            "Diversity and Inclusion Action\nPlan is open.\n> Thank you,\n",
            "plain",
            "1.1 done",
        ),
        "a-url-broken-in-the-quote-stays-in-the-quote": (
            f"1.1 done\n\n{LANGS['en']['gmail']}\n\n> See https://progress.exampleshire.gov.uk/plans/\n"
            "edi-2026/actions\n> Thank you,\n",
            "plain",
            "1.1 done",
        ),
        "gmail-forward": (
            f"FYI - 1.2 is yours now.\n\n---------- Forwarded message ---------\nFrom: {PROMPT_FROM}\n"
            "Date: Tue, 3 Mar 2027 at 09:12\nSubject: Spring\n"
            f"To: Jo Baker <jo.baker@exampleshire.gov.uk>\n\n{plain()}",
            "plain",
            "FYI - 1.2 is yours now.",
        ),
        "apple-forward": (
            f"Passing this on.\n\nBegin forwarded message:\n\nFrom: {PROMPT_FROM}\nSubject: Spring\n"
            f"Date: 3 March 2027 at 09:12:00 GMT\nTo: Jo Baker\n\n{plain()}",
            "plain",
            "Passing this on.",
        ),
        "apple-mail-html-de": (
            "<html><body><div>1.1 erledigt</div><div><br></div><div>Jo</div><div><br><div>"
            f"Am 03.03.2027 um 09:12 schrieb {NAME} &lt;{ADDR}&gt;:</div><br "
            'class="Apple-interchange-newline"><blockquote type="cite"><div>'
            + "<br>".join(PROMPT)
            + "</div></blockquote></div></body></html>",
            "html",
            "1.1 erledigt\n\nJo",
        ),
        "thunderbird-html-nl": (
            "<html><body><p>1.1 afgerond<br>\n      1.2 op schema</p><p>Jo</p>"
            f'<div class="moz-cite-prefix">Op 03-03-2027 om 09:12 schreef {NAME}:<br></div>'
            '<blockquote type="cite">' + "<br>".join(PROMPT) + "</blockquote></body></html>",
            "html",
            "1.1 afgerond\n1.2 op schema\n\nJo",
        ),
        "outlook-web-html-es": (
            '<html><body><div class="elementToProof">1.1 completado</div>'
            '<div id="appendonsend"></div><hr style="display:inline-block;width:98%">'
            f'<div id="divRplyFwdMsg"><b>De:</b> {NAME}<br><b>Enviado:</b> martes, 3 de marzo de 2027 9:12'
            "<br><b>Para:</b> Jo</div><div>" + "<br>".join(PROMPT) + "</div></body></html>",
            "html",
            "1.1 completado",
        ),
        "webmail-html-hr-then-header-fr": (
            "<html><body><p>1.1 terminé</p><hr><p><b>De :</b> "
            f"{NAME}<br><b>Envoyé :</b> mardi 3 mars 2027 09:12<br><b>À :</b> Jo<br>"
            "<b>Objet :</b> Printemps</p>"
            "<p>" + "<br>".join(PROMPT) + "</p></body></html>",
            "html",
            "1.1 terminé",
        ),
        "html-long-hand-top-border-pl": (
            "<html><body><div>1.2 zgodnie z planem</div><div>Jo</div>"
            '<div style="border-top-style: solid; border-top-width: 1px; border-top-color: #e1e1e1; '
            f'padding-top: 3px"><b>Od:</b> {NAME}<br><b>Wysłano:</b> wtorek, 3 marca 2027 09:12<br>'
            "<b>Do:</b> Jo<br><b>Temat:</b> Wiosna</div><div>" + "<br>".join(PROMPT) + "</div></body></html>",
            "html",
            "1.2 zgodnie z planem\nJo",
        ),
        "html-signature-rule-is-not-a-cut": (
            "<html><body><div>1.1 valmis</div>"
            '<div style="border-top: 1px solid #ccc">Jo Baker<br>Kehitysjohtaja</div></body></html>',
            "html",
            "1.1 valmis\nJo Baker\nKehitysjohtaja",
        ),
        "yahoo-html-it": (
            '<html><body><div class="ydp3f6c7ayahoo-style-wrap"><div>1.1 completato</div></div>'
            '<div id="ydp3f6c7ayahoo_quoted_1234" class="ydp3f6c7ayahoo_quoted">'
            f"<div>Il martedì 3 marzo 2027, 09:12:12 CET, {NAME} &lt;{ADDR}&gt; ha scritto:</div>"
            "<div>" + "<br>".join(PROMPT) + "</div></div></body></html>",
            "html",
            "1.1 completato",
        ),
        "html-source-newlines-are-spaces": (
            "<html><body><div>1.1 completed and\n      published on the\n intranet</div>"
            "<div>1.2 on track</div></body></html>",
            "html",
            "1.1 completed and published on the intranet\n1.2 on track",
        ),
        "html-hidden-preheader-is-not-text": (
            '<html><body><span style="display: none">Preview text</span><div>No change</div></body></html>',
            "html",
            "No change",
        ),
    }
)

# --- shapes an outside development corpus showed us missing: each written afresh here, same shape ----------

ESC_FROM = PROMPT_FROM.replace("<", "&lt;").replace(">", "&gt;")
CASES.update(
    {
        # A one-line reply directly above an attribution must stay: the attribution starts on the next line.
        "one-line-reply-above-android-date-first-ru": (
            f'Всё по плану\n03.03.2027 09:12 пользователь "{ADDR}" <\n{ADDR}> написал:\n\n{quoted()}',
            "plain",
            "Всё по плану",
        ),
        "one-line-reply-above-indented-on-wrote": (
            f'Thanks, all done\n On Mar 3, 2027 9:12 AM, "{NAME}" <\n{ADDR}> wrote:\n\n\n{quoted()}',
            "plain",
            "Thanks, all done",
        ),
        "one-line-reply-above-swedish-den-skrev": (
            f"Inga ändringar\nDen 3 mars 2027 kl 09:12 skrev {NAME} <{ADDR}>:\n{quoted()}",
            "plain",
            "Inga ändringar",
        ),
        "one-line-reply-above-norwegian-weekday-first": (
            f"Ingen endring\ntir. 3. mar. 2027 kl. 09:12 skrev {NAME} <\n{ADDR}>:\n\n{quoted()}",
            "plain",
            "Ingen endring",
        ),
        "one-line-reply-above-name-address-wrote": (
            f"Thanks\n{NAME} <{ADDR}> wrote:\n{quoted()}",
            "plain",
            "Thanks",
        ),
        # A reply and a splitter sharing a line, with a rule glued to the reply's last word.
        "reply-glued-to-a-rule-and-an-attribution": (
            f"1.1 done--- On Tue, Mar 3, 2027 at 9:12 AM, {ADDR} wrote:\n{quoted()}",
            "plain",
            "1.1 done",
        ),
        "two-line-reply-its-last-line-glued-to-an-attribution": (
            f"1.1 done\n1.2 on track - 40 of 55--- On Tue, Mar 3, 2027 at 9:12 AM, {ADDR} wrote:\n{quoted()}",
            "plain",
            "1.1 done\n1.2 on track - 40 of 55",
        ),
        # Attribution shapes: dashed day-month-year, another verb, no colon, time first, Dutch long form.
        "apple-day-dash-month-dash-year-sent": (
            f"1.2 completed\n\nOn 03-Mar-2027, at 9:12 AM, {NAME} <{ADDR}> sent:\n\n{quoted()}",
            "plain",
            "1.2 completed",
        ),
        "colon-less-year-first-date-name-and-address": (
            f"All fine\n2027/3/3 {NAME} <{ADDR}>\n\n{quoted()}",
            "plain",
            "All fine",
        ),
        "dutch-heeft-het-volgende-geschreven-unquoted": (
            f"1.1 afgerond.\n\nOp 03-mrt.-2027, om 09:12 heeft {NAME} <{ADDR}> het volgende geschreven:"
            f"\n\n{plain()}",
            "plain",
            "1.1 afgerond.",
        ),
        "vietnamese-time-first-da-viet": (
            f"Xong\n\nVào 09:12 3 tháng 3, 2027, {NAME} <{ADDR}> đã viết:\n\n{quoted()}",
            "plain",
            "Xong",
        ),
        "attribution-scattered-over-blank-lines-verb-quoted": (
            f"1.1 done\n\nOn Tue, Mar 3, 2027 at 9:12 AM {NAME}\n\n<\nmailto:{NAME} <{ADDR}>\n> wrote:\n"
            f"{plain()}",
            "plain",
            "1.1 done",
        ),
        # Header blocks: a lone From line whose value goes on as a link; Cyrillic and Greek labels.
        "lone-from-line-then-a-tracking-link": (
            f"9am-12 on Tuesdays\n\nFrom: {ADDR}\n\n<https://track.example.net/c/Zm9vYmFy\n>  <{ADDR}>\n\n"
            f"{plain()}",
            "plain",
            "9am-12 on Tuesdays",
        ),
        "outlook-header-block-ru": (
            f"1.1 выполнено\n\nОт: {NAME}\nОтправлено: 3 марта 2027 г. 9:12\nКому: Jo\nТема: Весна\n\n"
            f"{plain()}",
            "plain",
            "1.1 выполнено",
        ),
        "outlook-header-block-el": (
            f"1.1 ολοκληρώθηκε\n\nΑπό: {NAME}\nΣτάλθηκε: 3 Μαρτίου 2027 09:12\nΠρος: Jo\nΘέμα: Άνοιξη\n\n"
            f"{plain()}",
            "plain",
            "1.1 ολοκληρώθηκε",
        ),
        # Quote marks broken by a link: the piece between `>` lines is the quote's, not an answer.
        "bracketed-link-with-its-quote-mark-moved-to-the-end": (
            f"1.1 done\n\n{LANGS['en']['gmail']}\n\n> Hello Jo,\n>\n (https://progress.exampleshire.gov.uk/r/1a)"
            " >\n> Thank you,\n",
            "plain",
            "1.1 done",
        ),
        # HTML: the attribution in a div of its own, outside the blockquote or with no blockquote at all.
        "html-attribution-div-outside-the-blockquote": (
            f"<html><body>1.1 done<div>On 03-Mar-2027, at 9:12 AM, {ESC_FROM} wrote:</div>"
            "<blockquote><div>" + "<br>".join(PROMPT) + "</div></blockquote></body></html>",
            "html",
            "1.1 done",
        ),
        "html-attribution-div-and-no-blockquote": (
            f"<html><body>1.1 done<div>On 03-Mar-2027, at 9:12 AM, {ESC_FROM} wrote:</div>"
            "<div>" + "<br>".join(PROMPT) + "</div></body></html>",
            "html",
            "1.1 done",
        ),
        "html-rule-then-from-and-date-on-one-line": (
            "<html><body>1.2 on track<div><hr><div><font>"
            f"<b>From: {ADDR}</b> <b>Date: Tue, 3 Mar 2027 09:12:00 +0000</b></font></div>"
            "<div>" + "<br>".join(PROMPT) + "</div></div></body></html>",
            "html",
            "1.2 on track",
        ),
        "windows-mail-html-ru-marks-around-the-date": (
            "<html><body><div><div>Всё хорошо.</div><div><br></div><div>Спасибо,</div><div>Алексей<br></div>"
            '<div style="padding-top: 5px; border-top-color: rgb(229, 229, 229); border-top-width: 1px; '
            'border-top-style: solid;"><div><font><b>От:</b>&nbsp;<a href="mailto:x@example.org">'
            f"{NAME}</a><br><b>Отправлено:</b>&nbsp;\u200eвторник\u200e, \u200e3\u200e \u200eмарта\u200e "
            "\u200e2027\u200e г. \u200e9\u200e:\u200e12<br><b>Кому:</b>&nbsp;Алексей</font></div></div>"
            "<div><br></div><div>" + "<br>".join(PROMPT) + "</div></div></body></html>",
            "html",
            "Всё хорошо.\n\nСпасибо,\nАлексей",
        ),
    }
)


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_client_reply_is_extracted_exactly(case: str) -> None:
    body, subtype, expected = CASES[case]
    assert reply_of(body, subtype) == expected


def test_the_cases_cover_eight_languages_text_and_html() -> None:
    langs = {case.rsplit("-", 1)[-1] for case in CASES if case.rsplit("-", 1)[-1] in LANGS}
    assert len(langs) >= 8
    assert {subtype for _body, subtype, _expected in CASES.values()} == {"plain", "html"}


# --- metamorphic properties --------------------------------------------------------------------------------

ATTRIBUTIONS = sorted(
    {row[kind] for row in LANGS.values() for kind in ("gmail", "apple", "thunderbird")}
    | {
        f"03.03.2027 09:12, {NAME} <{ADDR}>:",
        f"{NAME} <{ADDR}>, 03/03/2027 09:12:",
        f"On Monday, March 3, 2027 9:12 AM, {NAME} <{ADDR}> wrote:",
        f"Dydd Mawrth, 3 Mawrth 2027, 09:12, {NAME} <{ADDR}>:",
        f"3.3.2027 klo 9.12 {NAME} <{ADDR}> kirjoitti:",
        f"{NAME} <{ADDR}> a écrit le 03/03/2027 à 09:12 :",
    }
)
# An attribution with no recognisable beginning (Apple Mail's Polish "Wiadomość napisana przez ...") is only
# trusted right above `>` lines, which is how Apple Mail sends it.
NEEDS_QUOTE = {LANGS["pl"]["apple"]}
OWN_LINES = [
    "1.1 completed",
    "1.2 on track - 40 of 55 managers trained",
    "2.3 at risk, revised target: 31/03/2028",
    "No change since last time.",
    "Status: completed",
    "Progress: the policy went to Cabinet on 3 March 2027",
    "Notes:",
    "The audit is late because:",
    "On 3 March we agreed the following with Finance:",
    "On 3 March at 10:00 the board met:",
    "Target: June 2028",
    "Meeting on Tuesday 4 March at 10:00 with the trainers:",
    "See https://progress.exampleshire.gov.uk/plans/edi-2026",
    "To: all service managers",
    "1.1 erledigt, 1.2 läuft",
    "1.1 terminé – publié le 28 février",
    "Diolch,",
    "Thanks,",
    "Jo",
    "Siân Evans",
    "Head of Equalities and Inclusion",
]


@st.composite
def own_texts(draw: st.DrawFn) -> str:
    """A reply of one to three short paragraphs drawn from realistic own lines, some ending in colons or
    holding dates, times and names, none of them a quote's start."""
    paragraphs = draw(
        st.lists(st.lists(st.sampled_from(OWN_LINES), min_size=1, max_size=4), min_size=1, max_size=3)
    )
    return "\n\n".join("\n".join(lines) for lines in paragraphs)


def wrapped(attribution: str, pieces: int, cuts: list[int]) -> str:
    """The attribution hard-wrapped over `pieces` lines at word boundaries, as a client wrapping at a
    narrow width does."""
    words = attribution.split(" ")
    points = sorted({1 + c % (len(words) - 1) for c in cuts})[: pieces - 1]
    bounds = [0, *points, len(words)]
    return "\n".join(" ".join(words[a:b]) for a, b in itertools.pairwise(bounds))


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(own_texts(), st.sampled_from(ATTRIBUTIONS), st.booleans())
def test_the_reply_is_the_same_whatever_the_attribution(own: str, attribution: str, prefixed: bool) -> None:
    body = quoted() if prefixed or attribution in NEEDS_QUOTE else plain()
    english = reply_of(f"{own}\n\n{LANGS['en']['gmail']}\n\n{body}")
    assert reply_of(f"{own}\n\n{attribution}\n\n{body}") == english == own


@PROPERTY
@given(
    own_texts(),
    st.sampled_from(ATTRIBUTIONS),
    st.integers(2, 4),
    st.lists(st.integers(0, 10**6), min_size=3, max_size=3),
    st.booleans(),
)
def test_wrapping_an_attribution_over_two_to_four_lines_changes_nothing(
    own: str, attribution: str, pieces: int, cuts: list[int], prefixed: bool
) -> None:
    body = quoted() if prefixed or attribution in NEEDS_QUOTE else plain()
    one_line = reply_of(f"{own}\n\n{attribution}\n\n{body}")
    assert reply_of(f"{own}\n\n{wrapped(attribution, pieces, cuts)}\n\n{body}") == one_line == own


@PROPERTY
@given(
    own_texts(),
    st.sampled_from(sorted(LANGS)),
    st.permutations([0, 1, 2, 3]),
    st.booleans(),
    st.sampled_from(["", "  "]),
    st.sampled_from(["", "________________________________\n", "-----Original Message-----\n"]),
)
def test_a_header_block_in_any_language_order_and_shape_cuts_the_same(
    own: str, lang: str, order: list[int], bold: bool, indent: str, rule: str
) -> None:
    block = header(lang, order=tuple(order), bold=bold, indent=indent)
    assert reply_of(f"{own}\n\n{rule}{block}\n\n{plain()}") == own


@PROPERTY
@given(own_texts())
def test_a_reply_with_no_quote_is_returned_whole(own: str) -> None:
    assert reply_of(own) == own
    html = (
        "<html><body>"
        + "".join(f"<div>{line or '<br>'}</div>" for line in own.split("\n"))
        + "</body></html>"
    )
    assert reply_of(html, "html") == own


@PROPERTY
@given(own_texts(), st.sampled_from(sorted(set(ATTRIBUTIONS) - NEEDS_QUOTE)))
def test_an_attribution_is_cut_at_even_on_the_reply_s_last_line(own: str, attribution: str) -> None:
    """Some mobile clients run the attribution on after the reply's last sentence."""
    own = f"{own}\nThanks, that is all from me."
    assert reply_of(f"{own} {attribution}\n\n{plain()}") == own


# A reply's last line that reads as finished: a sentence, a sign-off's comma, "Label: value". A bare name
# there ("Jo" over "Action Plan Progress <...> wrote:") cannot be told from a name wrapped over two lines,
# so it is only kept when it is the whole reply.
FINISHED_LINES = [
    "Thanks,",
    "Diolch,",
    "No change since last time.",
    "Status: completed",
    "Target: June 2028",
    "All done, thank you!",
]


@PROPERTY
@given(
    st.one_of(
        st.sampled_from(OWN_LINES),
        st.builds(lambda own, last: f"{own}\n{last}", own_texts(), st.sampled_from(FINISHED_LINES)),
    ),
    st.sampled_from(sorted(set(ATTRIBUTIONS) - NEEDS_QUOTE)),
    st.booleans(),
)
def test_the_reply_s_last_line_right_above_an_attribution_stays(
    own: str, attribution: str, prefixed: bool
) -> None:
    """Some clients put no blank line between the reply and the attribution: a one-line reply, or a
    reply's finished last line, is never taken for the attribution's first words."""
    body = quoted() if prefixed else plain()
    assert reply_of(f"{own}\n{attribution}\n\n{body}") == own


# --- hostile lines: every shape is matched in time linear in the line, so a huge single line cannot stall
# intake. Not a speed measurement (bench/extract_bench.py is): a pattern that backtracks quadratically takes
# minutes on 200 kB, so a generous bound tells the two apart even on a loaded machine. --------------------

HUGE = 200_000
HUGE_LINES = {
    "spaces": " " * HUGE + "x",
    "spaces-then-a-colon": "x" + " " * HUGE + "x:",
    "a-rule-then-an-attribution": "-" * HUGE + f" x On Tue, 3 Mar 2027 at 09:12, {NAME} <{ADDR}> wrote:",
    "one-long-word": "a" * HUGE,
    "digits": "1" * HUGE,
    "dates-and-times": ("03/03/2027 09:12, " * (HUGE // 18 + 1))[:HUGE],
    "a-bracketed-link": "(https://progress.exampleshire.gov.uk/" + "a" * HUGE + ") >",
    "quote-marks": "> " * (HUGE // 2),
    "labels": "From: " + f"{ADDR} " * (HUGE // len(ADDR)),
}


@pytest.mark.parametrize("shape", sorted(HUGE_LINES))
def test_a_200_kb_single_line_never_stalls_intake(shape: str) -> None:
    line = HUGE_LINES[shape]
    html = "<div>1.1 done</div><hr><div>" + line.replace("<", "&lt;").replace(">", "&gt;") + "</div>"
    for body, subtype in ((f"1.1 done\n\n{line}\n> Hello Jo,", "plain"), (line, "plain"), (html, "html")):
        start = time.perf_counter()
        reply_of(body, subtype)
        assert time.perf_counter() - start < 10.0, (shape, subtype)  # linear: well under 1 s when idle
