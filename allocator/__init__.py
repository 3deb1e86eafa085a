"""Kotipolku's solvers: pure optimisation, plain data in and out.

Two public JSON formats (see FORMATS.md in the shared design folder) are the interface:
``housing-allocation/1`` (who gets which place) and ``support-schedule/1`` (who visits
whom, when). Nothing here imports Flask or SQLAlchemy: the web application builds a
problem as plain data, calls a solver and stores both problem and result.
"""
