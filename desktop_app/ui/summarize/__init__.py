"""The Summarize feature's view: a pane (pane.py) over core/controllers/summarize.py, its
rendering (render.py) and its widgets' layout (layout.py)."""
