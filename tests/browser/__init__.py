"""Browser tests: headless Debian Chromium via Playwright, axe-core accessibility checks."""
