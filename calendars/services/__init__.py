"""Writes of the calendars app, one module per entity family (see DESIGN.md, "Layers")."""
