"""The coded values of the dataset's records: one list each, read by the record schemas (what a
record may hold) and by the export tables (the allowed values their codebook documents)."""
from __future__ import annotations

CONFIDENCE = ("confirmed_primary", "confirmed_secondary", "single_source")
PRECISION = ("day", "month", "year")
DIMENSIONS = ("use", "production", "stockpiling", "transfer", "geographic_scope",
              "technical_conditions")
POSITIONS = ("prohibited", "permitted", "permitted_with_restrictions", "moratorium",
             "under_review", "no_public_position", "unknown")
