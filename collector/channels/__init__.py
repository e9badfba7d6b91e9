"""How a message reaches a person: the Channel protocol, the messages every channel carries, the outbox, and
the one rule that picks a person's channel. Concrete channels (email, Slack) live in mailin and bot and are
built only by collector.cli."""
