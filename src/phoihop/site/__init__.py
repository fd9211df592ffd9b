"""The project level, at the top of the layers (docs/architecture.md): the `serve` and `up` commands,
the staff start page and error pages, and the staff menu, which name pages of every app."""
