"""Web interfaces: REST API, staff console, portal. Nothing in the core imports from here."""
