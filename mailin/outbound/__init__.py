"""Mail going out: composing prompts, reminders, receipts and notices, and the relay that sends them (the
EmailChannel)."""
