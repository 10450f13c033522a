"""The consultation: the designer, memory, plans and quantities."""
