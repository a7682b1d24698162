"""Mutation testing of the reference against the program specs (see docs/mutation-testing.md)."""
