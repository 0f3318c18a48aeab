"""The web screens of the registry: thin views over services and selectors, templates, static files."""
