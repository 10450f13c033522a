"""Projects: a person's home (city, area, state, grade, budget) and its rooms.

Sessions, images and jobs attach to a project and a room (``project_id``, ``room_id`` on chat,
generate and edit requests); the designer reads ``context_for`` so it does not ask again what
the project already knows. This package's ``__init__`` imports nothing: chat, generate and edit
load only ``shatably.projects.attach``.
"""
