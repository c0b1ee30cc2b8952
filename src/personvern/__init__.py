"""personvern: makes a business's privacy policy true.

The public API is small: ``load_policy`` reads and validates a policy file; ``Register.open`` opens the
enforcing register on SQLite or PostgreSQL.
"""

__version__ = "0.1.0"
