"""Report compiler and renderers: arrives with its own issue."""
