"""Mail coming in: the SMTP server and the IMAP reader, storing each message raw, then reading the lead's
words out of it and handing them to collector.replies."""
