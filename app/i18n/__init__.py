"""Internationalisation: languages, catalogues, states and the translators' database overlay."""
