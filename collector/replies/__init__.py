"""Replies from any channel becoming updates: the channel-neutral Reply, the parser, intake, corrections
and the review queue for what could not be applied."""
