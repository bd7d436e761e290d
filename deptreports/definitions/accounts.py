"""Department reports (R-17.4): accounts. Registered with deptreports.registry.register."""
