"""Department reports (R-17.4): sales. Registered with deptreports.registry.register."""
