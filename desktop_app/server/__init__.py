"""The local OpenAI-compatible API server (`desktop-app serve`): Qt-free, stdlib asyncio only."""
