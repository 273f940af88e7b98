"""Languages, gettext catalogues and the questionnaire extractor: one translation mechanism."""
