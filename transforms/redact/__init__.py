"""Free-text redaction (文本脱敏): identifiers in a text become tags or keyed pseudonyms."""
