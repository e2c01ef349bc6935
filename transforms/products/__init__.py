"""Product builders: one module per product kind, each a pure function of the de-identified data."""
