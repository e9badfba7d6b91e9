"""Renderers: ReportData -> bytes in one format each. They read only ReportData (docs/style.md 14)."""
