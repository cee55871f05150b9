"""Qt-free controllers: per feature, the flow and the state a pane shows (chat, summarize,
sentiment, models). A pane is a view over one: it renders the state and forwards the user's
actions, so rebuilding the pane (a language or theme switch) loses nothing."""
