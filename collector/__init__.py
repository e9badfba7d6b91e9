"""The spine: settings, vocabulary, errors and the CLI; knows nothing of Slack or SMTP."""
