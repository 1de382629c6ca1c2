"""Pure treaty rules and the sentences that state them: no Flask, no SQL, no files."""
