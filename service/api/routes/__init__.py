"""Route handlers, one module per resource; each exposes ``ROUTES``, the handlers it contributes."""
