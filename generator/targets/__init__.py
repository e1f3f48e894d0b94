"""Render targets: one module per target (context + filters + constraints)."""
