"""The spine, in layers: core (settings, clock, errors, vocabulary, shared text rules), channels (how a
message reaches a person), rounds and replies (the services), and cli (the command that wires Slack, email
and reports to them). It knows nothing of Slack or SMTP below the CLI; docs/architecture.md draws the
layers."""
