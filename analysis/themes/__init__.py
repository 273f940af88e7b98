"""Free-text themes by community group: coding frame, tagging, models, sentiment and summaries."""
