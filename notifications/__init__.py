"""In-app notifications, shown live on every page (polled by htmx)."""
