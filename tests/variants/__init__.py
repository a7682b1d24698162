"""Single-bug socket providers and the runners that judge them (docs/mutation-testing.md, API surface)."""
