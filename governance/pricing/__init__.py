"""Pricing (价格形成): billing periods, metering of deliveries and operators' statements."""
