"""Email, both ways: inbound (our SMTP server and the mailbox reader, storing each reply raw before reading
it) and outbound (the EmailChannel and the relay). The two never import each other; both use compose, which
words the messages we send and is what a reply is compared with."""
