"""Route handlers, one module per resource; each exposes ``ROUTER``, the routes it contributes
(``service.api.resources``)."""
