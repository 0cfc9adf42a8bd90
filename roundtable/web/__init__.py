"""The web layer: thin views over the domain, forms, and what pages show."""
