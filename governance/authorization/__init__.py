"""Authorizations (授权): who may operate which resources, for what, until when."""
