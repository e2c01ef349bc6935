"""Services of the domain: registration, authorizations, withdrawal, the audit trail,
classification, verification answers and trying anonymisation settings."""
