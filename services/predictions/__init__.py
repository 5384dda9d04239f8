"""The prediction log: every answer kept in PostgreSQL (and sent on as CloudEvents), labelled by feedback.

The service hands each finished prediction to `PredictionLog.record` as plain values; a bounded buffer and
one writer thread per sink take it from there, so inference never waits for a database.
"""
