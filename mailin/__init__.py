"""Email channel (aiosmtpd inbound, SMTP outbound): arrives with its own issue."""
