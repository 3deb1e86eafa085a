"""Page steps: small functions, each what a person does on one page or across two, written
with the words the person reads (``actor.t``) so that every language is driven the same way.

A new journey adds its steps here, one module per area (``rounds.py``, ``visits.py`` …),
and strings them together in ``tests/browser/test_journeys.py``.
"""
