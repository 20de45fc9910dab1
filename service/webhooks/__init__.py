"""Webhooks: registering endpoints (checked against SSRF) and delivering the change log to them.

The deliverer speaks HTTP as a client (httpx); the API imports the registry and the deliverer's
entry point only, to start it in the app's lifespan.
"""
