"""Generate and edit: prompt scaffolds, the services, and image lineage."""
