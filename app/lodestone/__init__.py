"""Lodestone: a desktop tracker for the critical-minerals supply chain."""

__version__ = "0.1.0"
