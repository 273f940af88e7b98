"""Use cases: the only layer that commits; each raises named domain errors for views to explain."""
