"""The Models feature's view: library, catalog, Hub search and downloads over
core/controllers/models.py."""
