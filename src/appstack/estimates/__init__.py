"""Estimates read a synthesized template (and the typed settings); they never call AWS.

`cost` prices it from a per-region table, `forecast` predicts deploy time from a per-type
duration table, `diagram` draws it.
"""
