"""The tables, one module per area; this package's import is the declarative registry.

Importing store.models (which any `from store.models.X import Y` does first) imports every model module
below, so Base.metadata knows every table and relationships named by class resolve, whichever module a
caller asked for. Nothing is re-exported: import each model from the module that defines it.

  base       the declarative base, naming convention, column types
  plans      plans, coordinators, sections, actions, action leads
  directory  people, delegations, teams, team members
  rounds     rounds, prompts, prompt actions, deliveries, the scheduler lease
  updates    updates, and the rule that hides withdrawn ones
  records    inbound messages, mailbox positions, reports, the audit log
  console    the console's sign-in links (hashes only)
  web        the lead page's saved drafts and evidence files

Conventions that hold for every table:
  * every instant is a `UTCDateTime` (aware, UTC, on both backends: see store/types.py);
  * timestamps have no defaults: callers pass `clock.now()`, so a frozen test clock is the only clock;
  * history is appended, never rewritten: an update is corrected by a newer one, an action a re-import drops
    is retired (`retired_at`), not deleted, so what people reported about it survives;
  * JSON columns are not mutation-tracked: assign a new dict/list rather than editing one in place.
"""

from store.models import base, console, directory, plans, records, rounds, updates, web

__all__ = ["base", "console", "directory", "plans", "records", "rounds", "updates", "web"]
