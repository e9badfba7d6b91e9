"""The committee's progress report: ReportData compiled from the store, rendered to HTML, PDF, Word, XLSX,
CSV and Markdown, built into files and sent. It imports neither bot nor mailin: the CLI hands it a relay
and a Slack client, so a report can be built with neither configured."""
