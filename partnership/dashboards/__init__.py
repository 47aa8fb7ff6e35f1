"""The dashboard: composes the panels apps register, never imports an app (DESIGN.md sections 2 and 8).

- `scopes`: whose figures a user may see (one partnership, the partnerships they commission, national).
- `filters`: the period, phase and school filters, parsed and checked the same way for pages and API.
- `service`: computes the panels for a scope and filters and applies `partnership.disclosure` to
  every table: the only way figures leave for a page, an export or the API.
"""
