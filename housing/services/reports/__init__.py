"""Reports on aftercare housing (recommendations 2 and 4 of the aftercare policy).

One small module per report; each computes its numbers in the database (aggregates and
percentiles, never every row into Python) for a ``Period`` and a user's scope:

- ``equity``: waiting times to an offer and to moving in, offers, declines and the share housed
  within 90 days, by wished municipality, county of residence or urgency band;
- ``support``: planned against delivered support minutes by week, per unit, staff member or
  resident; missed visits; the key worker's share;
- ``caseload``: each social worker's clients over time against the dated limit;
- ``occupancy``: places lived in, empty-place days and move-outs by reason, per unit;
- ``allocation``: each round's result next to the greedy method's on the same input.

``sql`` holds what differs between PostgreSQL and SQLite (day numbers, percentiles).
"""
