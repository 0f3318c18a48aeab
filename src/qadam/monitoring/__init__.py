"""Monitoring: protocols saying which instrument is due when, and the worklist they drive."""
