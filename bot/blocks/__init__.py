"""Pure Block Kit builders: what leads and coordinators see. Data in, JSON-ready dicts out; no I/O.

One module per surface: prompt (the prompt and reminder messages), modals, messages (receipts, escalations,
notices, confirming a reply in words), home (the App Home tab), and common (escaping, clipping, ids). Every
surface stays inside Block Kit's limits (bot/limits.py). Ids that come back in interactions are built and
read in common only (item_value/parse_item_value), so listeners never guess at a format.
"""
