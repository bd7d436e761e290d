"""Department reports (R-17.4): plans. Registered with deptreports.registry.register."""
