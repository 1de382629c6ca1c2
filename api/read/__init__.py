"""The read model: a dataset version as an in-memory snapshot, the queries over it, and the
tables, formats and packages that exports are made of."""
