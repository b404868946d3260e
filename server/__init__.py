"""The HTTP service (FastAPI) and agent interfaces."""
