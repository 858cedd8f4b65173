"""Domain code on top of storage: the registry of parties, the audit log, and (later) applications,
review, the ledger and payments. Every state change goes through :func:`duixian.domain.audit.writing`
and records an audit entry in the same transaction."""
