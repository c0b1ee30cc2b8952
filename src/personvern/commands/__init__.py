"""Sub-commands of ``personvern``, one module per area (requests, outbox/worker, consent, service, web, ...).

Each module defines a Typer app; ``personvern.cli`` mounts it. Shared options and error handling live in
``_common`` so every command reports a bad policy or a refused operation the same way: a message, exit 1.
"""
