"""Shatably AI: the shared layer of the chat, generate and edit functions."""
