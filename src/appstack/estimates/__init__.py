"""Estimates read a synthesized template (and the typed settings); they never call AWS.

`cost` prices it (`prices`: the per-region tables, `line_items`: what the template costs,
`hints`: cheaper choices); `forecast` predicts deploy time from a per-type duration table.
Drawing the template is the render layer's (`render.diagram`).
"""
