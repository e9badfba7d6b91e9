"""Slack: the bolt app (app.py), the Channel (channel.py), Block Kit builders (blocks/), storing payloads
raw (ingest.py) and the listeners (listeners/). Only collector.cli imports it (cli/wiring.py builds the
SlackChannel and the app), so the services below never depend on Slack."""
