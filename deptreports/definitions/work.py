"""Department reports (R-17.4): work. Registered with deptreports.registry.register."""
