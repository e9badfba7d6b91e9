"""Persistence: models, engine and session scope, migrations, plan importers, the people directory and
queries. It sits just above collector.core, so every service and channel can use it and it imports none of
them."""
