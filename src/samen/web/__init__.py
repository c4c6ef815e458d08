"""The ASGI app: API routers, console pages, the widget, error mapping and realtime."""
