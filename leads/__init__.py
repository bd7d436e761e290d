"""Customers, households and source channels; phone normalization (R-1)."""
