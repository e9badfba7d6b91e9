"""Collection rounds: who is asked about what, the cadence, the due steps (prompts, reminders,
escalations), the delivery engine that sends them at least once, and the figures a round is reported by."""
