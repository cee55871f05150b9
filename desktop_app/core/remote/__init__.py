"""Remote OpenAI-compatible servers as the engine (issue #6)."""
