"""Analysis of survey responses: indicators, scores, standardisation, themes, disclosure control."""
