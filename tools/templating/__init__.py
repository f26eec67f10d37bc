"""The builders of the Word templates, one module per template (see make_templates.py)."""
