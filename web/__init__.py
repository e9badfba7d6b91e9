"""The web pages: for now a lead's update page, reached by the link in their prompt (docs/web.md).

A sibling of bot, mailin and reports: it uses the services below it (intake, the delivery engine, the
store) and none of its siblings. bot/server.py serves it, through an ASGI callable collector.cli hands in.
"""
