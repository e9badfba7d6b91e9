"""The command line: one typer app, one module per noun."""
