"""Slack channel (slack-bolt): arrives with its own issue."""
