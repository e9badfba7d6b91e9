"""Tests in a real browser (headless Chromium via Selenium): accessibility and how pages look."""
