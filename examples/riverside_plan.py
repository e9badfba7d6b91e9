"""The example plan's content: a fictional council's EDI action plan and the people who lead it.

Riverside Borough Council and everyone named here are invented; any likeness is accidental.
"""

from __future__ import annotations

from plan_writer import Action, Plan, Section

A = Action

KNOWING = Section(
    "1. Knowing our communities",
    [
        A(
            "1.1",
            [
                "Refresh the borough equality profile using Census 2021 and local survey data, "
                "and publish it on the council website."
            ],
            "AP",
            "Mar-27",
            ["Data sources agreed with the Insight team", "Draft profile to the Equality Steering Group"],
            [
                "Profile published and refreshed every year",
                "Profile cited in at least 80% of equality impact assessments",
            ],
            "Completed - profile published in January and presented to the Steering Group",
        ),
        A(
            "1.2",
            [
                "Improve the equality monitoring data we hold on service users:",
                "a) Add the standard monitoring questions to every online form.",
                "b) Train front-line staff to explain why we ask.",
                "c) Report completion rates to the Equality Steering Group each quarter.",
            ],
            "a) TD b) TD & HN c) AP",
            "a) Sept 2026 b) Dec-26 c) Ongoing",
            ["Forms audited", "Training sessions booked for all contact centre teams"],
            ["Monitoring completed by 70% of new service users"],
        ),
        A(
            "1.3",
            [
                "Run a residents' survey with boosted samples for groups we hear from least "
                "(young people, disabled residents, Gypsy and Traveller communities)."
            ],
            "RK/ HN",
            "June 2027",
            ["Survey design agreed", "Fieldwork complete"],
            ["Response rate from each boosted group of at least 200"],
            "On target",
        ),
        A(
            "1.4",
            ["Set up a Community Voices panel of residents to test new policies before they go to Cabinet."],
            "AP & Equality team",
            "TBC",
            ["Terms of reference drafted", "Panel recruited"],
            ["Panel meets four times a year", "Every Cabinet report records the panel's view"],
        ),
        A(
            "1.5",
            [
                "Map the languages spoken in the borough and agree which languages "
                "key documents are translated into."
            ],
            "Equality team",
            "Dec-26",
            ["Language data collected from schools and GP surgeries"],
            ["Translation list agreed and published"],
            "Slipped to June: consultation extended",
        ),
        A(
            "1.6",
            ["Analyse complaints by protected characteristic and report the findings each quarter."],
            "Customer Services",
            "Mar-27",
            ["Complaints system updated to record characteristics"],
            ["Quarterly report to the Steering Group"],
        ),
        A(
            "1.7",
            ["Publish the annual Equality Information report required by the Public Sector Equality Duty."],
            "AP",
            "Ongoing",
            ["Data requested from directorates in November"],
            ["Report published by 31 January each year"],
        ),
    ],
)

SERVICES = Section(
    "2. Accessible and inclusive services",
    [
        A(
            "2.1",
            [
                "Make the council website accessible:",
                "a) Audit the website against WCAG 2.2 AA.",
                "b) Fix the issues the audit rates as high priority.",
                "c) Retest with disabled residents.",
            ],
            "a) AP b) JM & RK c) JM",
            "a) Mar-27 b) Jun-27 c) Sept 2027",
            ["Audit supplier appointed", "Fixes scheduled into the web team's work plan"],
            ["No high-priority accessibility issues outstanding", "Accessibility statement updated"],
        ),
        A(
            "2.2",
            ["Introduce a British Sign Language video relay service at the customer contact centre."],
            "TD",
            "Awaiting outcome of the budget consultation",
            ["Costs from two suppliers"],
            ["Service live and promoted to Deaf residents"],
        ),
        A(
            "2.3",
            ["Make the Civic Centre reception accessible: hearing loop, lowered counter and a quiet room."],
            "TD, JM",
            "Dec-26",
            ["Building survey complete", "Works ordered"],
            ["Access audit passed"],
            "On target",
        ),
        A(
            "2.4",
            ["Complete an equality impact assessment for every budget proposal before it goes to Cabinet."],
            "AP, JM",
            "Feb-27",
            ["Template and guidance refreshed", "Budget holders briefed"],
            ["100% of proposals assessed", "Assessments published with the budget papers"],
        ),
        A(
            "2.5",
            ["Offer easy-read versions of council tax and housing letters."],
            "LO",
            "December 2027",
            ["Five most-used letters chosen", "Drafts tested with a learning disability self-advocacy group"],
            ["Easy-read letters available on request and online"],
            "Not yet started",
        ),
        A(
            "2.6",
            ["Review the Blue Badge and concessionary travel application process with disabled residents."],
            "LO & Customer Services",
            "Sept 2026",
            ["Workshops held with the Access Forum"],
            ["Application time halved", "Fewer applications returned incomplete"],
        ),
        A(
            "2.7",
            [
                "Re-tender the interpreting and translation contract:",
                "Review how the current contract is used.",
                "Consult front-line teams on their needs.",
                "Award the new contract.",
            ],
            "TD",
            "TBC",
            ["Usage report"],
            ["New contract in place with face-to-face, telephone and BSL interpreting"],
            numbered=True,
        ),
    ],
)

WORKFORCE = Section(
    "3. A diverse and supported workforce",
    [
        A(
            "3.1",
            ["Update the Equality, Diversity and Inclusion Policy and have it approved by Cabinet."],
            "HRT",
            "Mar-26",
            ["Consultation with trade unions and staff networks"],
            ["Policy approved and on the intranet"],
            "Completed - policy approved by Cabinet in March",
        ),
        A(
            "3.2",
            [
                "Publish our pay gap reports:",
                "a) Gender pay gap (statutory).",
                "b) Ethnicity pay gap.",
                "c) Disability pay gap.",
            ],
            "SB",
            "a) Mar-27 b) & c) Sept 2027",
            ["Payroll data cleansed", "Staff asked to update their equality data"],
            ["Reports published with an action plan for each gap"],
        ),
        A(
            "3.3",
            ["Introduce anonymised shortlisting for all vacancies."],
            "HRT",
            "Jun-27",
            ["Recruitment system configured", "Managers briefed"],
            ["Shortlists reflect the diversity of applicants"],
            "On target",
        ),
        A(
            "3.4",
            [
                "Support the staff networks (Disability, LGBT+, Race Equality, Women's and Carers') "
                "with time and a budget."
            ],
            "ME, SB",
            "Ongoing",
            ["Network chairs given protected time"],
            ["Each network has an executive sponsor", "Networks consulted on every workforce policy"],
        ),
        A(
            "3.5",
            [
                "Deliver refreshed EDI training to all staff, "
                "and inclusive leadership training to every manager."
            ],
            "HRT & Equality team",
            "Mar-27",
            ["E-learning module procured", "Manager sessions scheduled"],
            ["95% of staff complete the training"],
            "Slipped to June: new e-learning platform delayed",
        ),
        A(
            "3.6",
            ["Introduce a reasonable adjustments passport that moves with the employee between teams."],
            "SB",
            "Dec-26",
            ["Passport template agreed with the Disability network"],
            ["Passport used by every employee with an adjustment"],
        ),
    ],
)

LEADERSHIP = Section(
    "4. Leadership, partnership and accountability",
    [
        A(
            "4.1",
            [
                "Ask each directorate to set one EDI objective in its service plan "
                "and report progress twice a year."
            ],
            "ME",
            "Apr-27",
            ["Objectives agreed at Corporate Management Team"],
            ["Every directorate reports progress in October and April"],
        ),
        A(
            "4.2",
            ["Refresh the Equality Steering Group's terms of reference and membership."],
            "ME & AP",
            "Sept 2026",
            ["Draft terms of reference circulated"],
            ["Steering Group chaired by a director and meets quarterly"],
            "Completed - new terms of reference agreed in July",
        ),
        A(
            "4.3",
            [
                "Work with partners on community cohesion:",
                "a) Hold two community partnership events a year.",
                "b) Agree a shared hate crime reporting scheme with the police.",
            ],
            "a) RK b) RK & HN",
            "a) Ongoing b) Mar-27",
            ["Partners' forum set up"],
            ["Hate crime reporting centres open in all four neighbourhoods"],
        ),
        A(
            "4.4",
            ["Build equality requirements into procurement for contracts over £100,000."],
            "JM",
            "December 2027",
            ["Procurement strategy updated"],
            ["Equality questions scored in every tender over the threshold"],
        ),
        A(
            "4.5",
            ["Report progress on this plan to the Overview and Scrutiny Committee every six months."],
            "AP",
            "Ongoing",
            ["First report in November"],
            ["Reports on time, with progress rated for every action"],
            "On target",
        ),
    ],
)

LEAD_KEY = [
    ("AP", "Amira Patel, Head of Policy and Partnerships"),
    ("HN", "Hannah Nguyen, Community Safety Manager"),
    ("JM", "James Mensah, Head of Digital and Customer Access"),
    ("LO", "Lucy O'Neill, Revenues and Benefits Manager"),
    ("ME", "Margaret Ellison, Chief Executive"),
    ("RK", "Rachel Kowalski, Communities Officer"),
    ("SB", "Sanjay Bhatt, HR Business Partner"),
    ("TD", "Tom Davies, Customer Services Manager"),
    ("HRT", "HR Team"),
]

PLAN = Plan(
    title="Riverside Borough Council Equality, Diversity and Inclusion Action Plan 2026-2028",
    subtitle="Version 1.2 – approved by Cabinet on 14 January 2026. "
    "Lead officers are shown by their initials: see the lead key after the table.",
    sections=[KNOWING, SERVICES, WORKFORCE, LEADERSHIP],
    lead_key=LEAD_KEY,
)

PEOPLE_COLUMNS = (
    "name",
    "code",
    "email",
    "slack_user_id",
    "preferred_channel",
    "manager",
    "delegate",
    "team",
)
_MAIL = "@riverside.example.gov.uk"
PEOPLE = [
    (
        "Amira Patel",
        "AP",
        f"amira.patel{_MAIL}",
        "U07RVSAP01",
        "slack",
        "Margaret Ellison",
        "",
        "Equality team",
    ),
    ("Hannah Nguyen", "HN", f"hannah.nguyen{_MAIL}", "U07RVSHN02", "slack", "", "", "Community Safety"),
    ("James Mensah", "JM", f"james.mensah{_MAIL}", "", "email", "", "", "Digital"),
    # No email, no Slack: the demo shows how a lead we cannot reach is reported.
    ("Lucy O'Neill", "LO", "", "", "", "", "", "Revenues and Benefits"),
    (
        "Margaret Ellison",
        "ME",
        f"margaret.ellison{_MAIL}",
        "U07RVSME03",
        "email",
        "",
        "Priya Shah",
        "Chief Executive's Office",
    ),
    ("Rachel Kowalski", "RK", f"rachel.kowalski{_MAIL}", "U07RVSRK04", "slack", "", "", "Equality team"),
    ("Sanjay Bhatt", "SB", f"sanjay.bhatt{_MAIL}", "U07RVSSB05", "slack", "", "", "HR Team"),
    ("Tom Davies", "TD", f"tom.davies{_MAIL}", "", "email", "", "", "Customer Services"),
    # Margaret Ellison's PA answers on her behalf; she leads no action herself.
    ("Priya Shah", "", f"priya.shah{_MAIL}", "U07RVSPS06", "email", "", "", "Chief Executive's Office"),
]
