"""A person's history: lists of what they own, their projects' exports, erase and claim."""
