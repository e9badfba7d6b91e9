"""Persistence: models, engine and session scope, migrations, plan importers."""
