"""Slack: the bolt app (app.py), the Channel (channel.py), Block Kit builders (blocks/), storing payloads
raw (ingest.py) and the listeners (listeners/). Only collector/cli and the channel registry import it."""
