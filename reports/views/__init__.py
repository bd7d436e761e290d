"""The pages of the reports app, one module per area (each with its own urlpatterns)."""
