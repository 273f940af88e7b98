"""Internationalisation: catalogues, translation states and the translators' database overlay."""
