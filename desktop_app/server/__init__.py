"""The local OpenAI-compatible API server (`hearth serve`): Qt-free, stdlib asyncio only."""
