"""The annual disclosure (年度披露): the document, and how it is composed from the domain."""
