"""HTTP plumbing shared by the three functions: app factory, problems, dependencies, Lambda entry."""
