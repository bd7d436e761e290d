"""Department reports (R-17.4): market. Registered with deptreports.registry.register."""
