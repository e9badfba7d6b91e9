"""Renderers: ReportData -> bytes in one format each. They read only ReportData (STYLE.md 14)."""
