"""Department reports (R-17.4): dealers. Registered with deptreports.registry.register."""
