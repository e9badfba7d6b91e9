"""The bottom layer: settings, the clock, errors, the shared vocabulary and the text rules every layer reads
the same way (refs, dates, working days). It imports nothing else of ours, so anything may import it."""
