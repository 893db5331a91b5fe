"""The Textual application. Talks to the store through small service calls."""
