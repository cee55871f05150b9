"""The Chat feature's view: panes and widgets over core/controllers/chat.py (`ChatSession`)."""
